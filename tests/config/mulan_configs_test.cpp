// configs/mulan/*.yaml: each parses, round-trips, is the PyTorch recipe, and
// its training file reads with the labels its XML file names. The MULAN files
// are in $FULCRUM_MULAN_DIR, else in the shared data beside the repository
// (../shared/datasets/mulan); they are not part of the repository, so the
// data checks are skipped when the files are absent.
#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "config_test_util.hpp"
#include "fulcrum/data/arff.hpp"

namespace fulcrum::config {
namespace {

using testing::configs_dir;
using testing::ScopedEnv;

// The shapes the MULAN README gives for each training file.
struct MulanSet {
  const char* name;
  int64_t train_rows;
  int64_t features;
  int64_t labels;
};
constexpr MulanSet kSets[] = {{"bibtex", 4880, 1836, 159},   {"delicious", 12920, 500, 983},
                              {"enron", 1123, 1001, 53},     {"medical", 333, 1449, 45},
                              {"emotions", 391, 72, 6},      {"tmc2007-500", 21519, 500, 22}};

std::filesystem::path mulan_dir() {
  const char* env = std::getenv("FULCRUM_MULAN_DIR");
  return env != nullptr ? std::filesystem::path(env)
                        : std::filesystem::path(FULCRUM_SHARED_MULAN_DIR);
}

RunConfig load_mulan(const std::string& name) {
  ScopedEnv dir("FULCRUM_MULAN_DIR", mulan_dir().string());
  return load_config(configs_dir() / "mulan" / (name + ".yaml"));
}

TEST(MulanConfigs, OneConfigPerSharedSetEachTheRecipe) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(configs_dir() / "mulan"))
    if (entry.path().extension() == ".yaml") found.push_back(entry.path().stem().string());
  std::sort(found.begin(), found.end());
  std::vector<std::string> expected;
  for (const MulanSet& set : kSets) expected.emplace_back(set.name);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(found, expected);

  for (const MulanSet& set : kSets) {
    SCOPED_TRACE(set.name);
    const RunConfig config = load_mulan(set.name);
    RunConfig again = parse_config(to_yaml(config), "roundtrip");
    again.source_path = config.source_path;
    EXPECT_EQ(again, config) << to_yaml(config);
    const std::string dir = mulan_dir().lexically_normal().string();
    EXPECT_EQ(config.name, set.name);
    EXPECT_EQ(config.data.source, data::DataSource::ARFF);
    EXPECT_EQ(config.data.train,
              (mulan_dir() / (std::string(set.name) + "-train.arff")).lexically_normal().string());
    EXPECT_EQ(config.data.test,
              (mulan_dir() / (std::string(set.name) + "-test.arff")).lexically_normal().string());
    EXPECT_EQ(config.data.labels_xml,
              (mulan_dir() / (std::string(set.name) + ".xml")).lexically_normal().string());
    EXPECT_EQ(config.data.label_count, 0);
    EXPECT_EQ(config.data.validation_fraction, 0.0);
    EXPECT_EQ(config.model.backbone.sizes, std::vector<int64_t>{256});
    EXPECT_EQ(config.model.backbone.activation, nn::Activation::ReLU);
    ASSERT_EQ(config.model.heads.size(), 1U);
    EXPECT_EQ(config.model.heads[0].outputs, set.labels);
    EXPECT_EQ(config.model.heads[0].loss.kind, nn::LossKind::BCE);
    EXPECT_EQ(config.model.heads[0].loss.pos_weight.rule, WeightRule::None);
    EXPECT_EQ(config.training.optimizer.name, optim::OptimizerKind::AdamW);
    EXPECT_EQ(config.training.optimizer.lr, 1e-3);
    EXPECT_EQ(config.training.batch_size, 64);
    EXPECT_EQ(config.training.epochs, 50);
    EXPECT_EQ(config.training.final_model, FinalModel::Last);
  }
}

TEST(MulanConfigs, EachTrainingFileReadsWithItsXmlLabels) {
  for (const MulanSet& set : kSets) {
    SCOPED_TRACE(set.name);
    const std::filesystem::path train = mulan_dir() / (std::string(set.name) + "-train.arff");
    if (!std::filesystem::exists(train)) {
      GTEST_SKIP() << "no " << train.string()
                   << ": set FULCRUM_MULAN_DIR to the folder holding the MULAN files";
    }
    const RunConfig config = load_mulan(set.name);
    ASSERT_NO_THROW(check_files_exist(config));
    data::ArffOptions options;
    options.label_names = data::read_mulan_label_names(config.data.labels_xml);
    options.label_names_source = config.data.labels_xml;
    EXPECT_EQ(static_cast<int64_t>(options.label_names.size()), set.labels);
    const auto start = std::chrono::steady_clock::now();
    const data::Dataset ds = data::read_arff(config.data.train, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "  " << set.name << "-train.arff: " << ds.size() << " rows, "
              << ds.num_features() << " features, " << ds.targets.at(0).num_classes()
              << " labels, read in " << seconds << " s\n";
    EXPECT_EQ(ds.size(), set.train_rows);
    EXPECT_EQ(ds.num_features(), set.features);
    EXPECT_EQ(ds.targets.at(0).classes, options.label_names);
    EXPECT_NO_THROW(ds.validate(config.data.train));  // every label 0 or 1
  }
}

}  // namespace
}  // namespace fulcrum::config
