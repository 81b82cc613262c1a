// Every config in configs/ parses, validates and says what it promises.
#include <algorithm>

#include "config_test_util.hpp"

namespace fulcrum::config {
namespace {

using testing::configs_dir;
using testing::ScopedEnv;

std::vector<std::filesystem::path> shipped_configs() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(configs_dir())) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

RunConfig load(const std::string& name, const std::vector<std::string>& overrides = {}) {
  return load_config(configs_dir() / name, overrides);
}

const HeadConfig& head(const RunConfig& config, const std::string& name) {
  for (const auto& h : config.model.heads) {
    if (h.name == name) return h;
  }
  throw std::runtime_error("no head " + name);
}

std::string yeast_default_file(const std::string& file) {
  return (configs_dir() / "../../shared/datasets/yeast" / file).lexically_normal().string();
}

TEST(ShippedConfigs, EveryConfigParsesAndRoundTrips) {
  ScopedEnv no_dir("FULCRUM_YEAST_DIR", std::nullopt);
  const auto files = shipped_configs();
  ASSERT_GE(files.size(), 5U);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    RunConfig config;
    ASSERT_NO_THROW(config = load_config(file));
    EXPECT_EQ(config.name, file.stem().string());
    EXPECT_EQ(config.source_path, file.string());
    RunConfig again = parse_config(to_yaml(config), "checkpoint");
    again.source_path = config.source_path;
    EXPECT_EQ(again, config) << to_yaml(config);
  }
}

TEST(ShippedConfigs, QuickstartIsSmallSkewedSyntheticData) {
  const RunConfig config = load("quickstart.yaml");
  EXPECT_EQ(config.data.source, data::DataSource::Synthetic);
  EXPECT_EQ(config.data.synthetic.samples, 2000);
  EXPECT_EQ(config.data.synthetic.features, 20);
  ASSERT_EQ(config.data.synthetic.heads.size(), 1U);
  const auto& freq = config.data.synthetic.heads[0].frequencies;
  ASSERT_EQ(freq.size(), 5U);
  EXPECT_TRUE(std::is_sorted(freq.rbegin(), freq.rend())) << "labels from common to rare";
  EXPECT_GE(freq.front() / freq.back(), 10.0) << "skewed";
  EXPECT_EQ(config.model.backbone.sizes, std::vector<int64_t>{64});
  EXPECT_EQ(config.training.epochs, 15);
  EXPECT_EQ(config.output_dir, "runs/quickstart");
}

TEST(ShippedConfigs, SeedScenarioHasTheSeedFrequenciesAndPosWeight) {
  const RunConfig config = load("seed_scenario.yaml");
  EXPECT_EQ(config.data.synthetic.samples, 1000);
  ASSERT_EQ(config.data.synthetic.heads.size(), 1U);
  EXPECT_EQ(config.data.synthetic.heads[0].frequencies,
            (std::vector<double>{0.6, 0.55, 0.2, 0.1}));
  ASSERT_EQ(config.model.heads.size(), 1U);
  EXPECT_EQ(config.model.heads[0].kind, TaskKind::MultiLabel);
  EXPECT_EQ(config.model.heads[0].loss.pos_weight.rule, config::WeightRule::NegOverPos);
}

TEST(ShippedConfigs, StarRatingsHasFourWeightedRatingHeadsAndATagHead) {
  const RunConfig config = load("star_ratings.yaml");
  std::vector<std::string> names;
  for (const auto& h : config.model.heads) names.push_back(h.name);
  EXPECT_EQ(names, (std::vector<std::string>{"plot", "dialog", "acting", "makeup", "tags"}));
  for (const std::string rating : {"plot", "dialog", "acting", "makeup"}) {
    SCOPED_TRACE(rating);
    const HeadConfig& h = head(config, rating);
    EXPECT_EQ(h.kind, TaskKind::MultiClass);
    EXPECT_EQ(h.outputs, 3);
    EXPECT_EQ(h.loss.weight.rule, config::WeightRule::InverseFrequency);
    const auto it = std::find_if(config.data.synthetic.heads.begin(),
                                 config.data.synthetic.heads.end(),
                                 [&](const auto& s) { return s.name == rating; });
    ASSERT_NE(it, config.data.synthetic.heads.end());
    ASSERT_EQ(it->frequencies.size(), 3U);
    EXPECT_GE(*std::max_element(it->frequencies.begin(), it->frequencies.end()), 0.5)
        << "skewed priors";
  }
  const HeadConfig& tags = head(config, "tags");
  EXPECT_EQ(tags.kind, TaskKind::MultiLabel);
  EXPECT_EQ(tags.outputs, 4);
  EXPECT_EQ(tags.loss.pos_weight.rule, config::WeightRule::NegOverPos);
}

TEST(ShippedConfigs, YeastReadsTheSharedDatasetByDefault) {
  ScopedEnv no_dir("FULCRUM_YEAST_DIR", std::nullopt);
  const RunConfig config = load("yeast.yaml");
  EXPECT_EQ(config.data.source, data::DataSource::CSV);
  EXPECT_FALSE(config.data.header);
  EXPECT_EQ(config.data.train, yeast_default_file("yeast-train.csv"));
  EXPECT_EQ(config.data.test, yeast_default_file("yeast-test.csv"));
  ASSERT_EQ(config.data.targets.count("labels"), 1U);
  EXPECT_EQ(config.data.targets.at("labels").last, 14);
  EXPECT_TRUE(config.data.standardize);
  EXPECT_EQ(config.model.backbone.sizes, std::vector<int64_t>{256});
  EXPECT_EQ(config.model.backbone.activation, nn::Activation::ReLU);
  EXPECT_EQ(config.model.backbone.dropout, 0.2);
  EXPECT_EQ(config.training.optimizer.name, optim::OptimizerKind::AdamW);
  EXPECT_EQ(config.training.optimizer.lr, 1e-3);
  EXPECT_EQ(config.training.optimizer.weight_decay, 1e-4);
  EXPECT_EQ(config.training.batch_size, 64);
  EXPECT_EQ(config.training.epochs, 100);
  // The PyTorch recipe: all training rows, the model after the last epoch.
  EXPECT_EQ(config.data.validation_fraction, 0.0);
  EXPECT_EQ(config.training.final_model, config::FinalModel::Last);
  EXPECT_EQ(config.model.heads.at(0).loss.pos_weight.rule, config::WeightRule::None);
}

TEST(ShippedConfigs, YeastDirectoryComesFromTheEnvironmentWhenSet) {
  ScopedEnv dir("FULCRUM_YEAST_DIR", "/data/yeast");
  const RunConfig config = load("yeast.yaml");
  EXPECT_EQ(config.data.train, "/data/yeast/yeast-train.csv");
  EXPECT_EQ(config.data.test, "/data/yeast/yeast-test.csv");
}

TEST(ShippedConfigs, YeastPosWeightIsYeastWithPosWeight) {
  ScopedEnv no_dir("FULCRUM_YEAST_DIR", std::nullopt);
  const RunConfig plain = load("yeast.yaml");
  RunConfig weighted = load("yeast_pos_weight.yaml");
  EXPECT_EQ(weighted.model.heads.at(0).loss.pos_weight.rule, config::WeightRule::NegOverPos);
  // Apart from the weighting and the names, the two runs are the same.
  weighted.model.heads.at(0).loss.pos_weight = WeightSpec{};
  weighted.name = plain.name;
  weighted.output_dir = plain.output_dir;
  weighted.source_path = plain.source_path;
  EXPECT_EQ(weighted, plain);
  // And the --set the file's comment gives reproduces it.
  RunConfig via_set = load("yeast.yaml", {"model.heads.labels.loss.pos_weight=neg_over_pos"});
  EXPECT_EQ(via_set.model.heads.at(0).loss.pos_weight.rule, config::WeightRule::NegOverPos);
}

TEST(ShippedConfigs, YeastFilesExistWhereTheDatasetIsAtHand) {
  ScopedEnv no_dir("FULCRUM_YEAST_DIR", std::nullopt);
  const RunConfig config = load("yeast.yaml");
  if (!std::filesystem::exists(config.data.train)) {
    GTEST_SKIP() << "the yeast dataset is not at " << config.data.train;
  }
  EXPECT_NO_THROW(check_files_exist(config));
}

}  // namespace
}  // namespace fulcrum::config
