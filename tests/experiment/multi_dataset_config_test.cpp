// An experiment over several data sets: the `datasets` list, its checks and
// errors, and its expansion into one experiment per data set.
#include <gtest/gtest.h>

#include <cstdlib>

#include "experiment_test_util.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/experiment/config.hpp"
#include "fulcrum/experiment/runner.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

using fulcrum::testing::expect_error;
using testing::fresh_dir;
using testing::write_file;

const std::string kStrategies =
    "strategies:\n"
    "  - name: plain\n"
    "    set: []\n"
    "  - name: weighted\n"
    "    set: [model.heads.labels.loss.pos_weight=neg_over_pos]\n";

// <dir>/a.yaml and <dir>/b.yaml: two tiny bases.
void write_bases(const std::filesystem::path& dir) {
  write_file(dir / "a.yaml", testing::kTinyBase);
  write_file(dir / "b.yaml", testing::kTinyBase);
}

config::ConfigError datasets_error(const std::filesystem::path& dir, const std::string& yaml) {
  write_bases(dir);
  try {
    parse_experiment(yaml, (dir / "exp.yaml").string());
  } catch (const config::ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return config::ConfigError("(none thrown)", "", 0, 0, "");
}

TEST(MultiDatasetConfig, ReadsTheListAndExpandsOneExperimentPerDataSet) {
  const auto dir = fresh_dir();
  write_bases(dir);
  const ExperimentConfig config = parse_experiment(
      "output_dir: out\n"
      "seeds: [0, 1]\n"
      "set: [training.epochs=1]\n"
      "datasets:\n"
      "  - name: first\n"
      "    base: a.yaml\n"
      "    set: [training.batch_size=16]\n"
      "  - {name: second, base: b.yaml}\n" +
          kStrategies,
      (dir / "exp.yaml").string());
  EXPECT_TRUE(config.base.empty());
  ASSERT_EQ(config.datasets.size(), 2u);
  EXPECT_EQ(
      config.datasets[0],
      (DatasetConfig{"first", (dir / "a.yaml").lexically_normal(), {"training.batch_size=16"}}));
  EXPECT_EQ(config.datasets[1], (DatasetConfig{"second", (dir / "b.yaml").lexically_normal(), {}}));

  const std::vector<ExperimentConfig> experiments = dataset_experiments(config);
  ASSERT_EQ(experiments.size(), 2u);
  EXPECT_EQ(experiments[0].name, "exp/first");
  EXPECT_EQ(experiments[0].base, config.datasets[0].base);
  EXPECT_EQ(experiments[0].output_dir, std::filesystem::path("out") / "first");
  EXPECT_EQ(experiments[0].overrides,
            (std::vector<std::string>{"training.epochs=1", "training.batch_size=16"}));
  EXPECT_TRUE(experiments[0].datasets.empty());
  EXPECT_EQ(experiments[0].strategies, config.strategies);
  EXPECT_EQ(experiments[0].seeds, config.seeds);
  EXPECT_EQ(experiments[1].output_dir, std::filesystem::path("out") / "second");
  EXPECT_EQ(experiments[1].overrides, std::vector<std::string>{"training.epochs=1"});
  // The data set's overrides come before the strategy's, so a strategy wins.
  EXPECT_EQ(run_overrides(experiments[0], experiments[0].strategies[1], 1),
            (std::vector<std::string>{"training.epochs=1", "training.batch_size=16",
                                      "model.heads.labels.loss.pos_weight=neg_over_pos", "seed=1",
                                      "threads=1"}));
  EXPECT_TRUE(dataset_experiments(experiments[0]).empty());
  // The list itself has no grid of runs: each data set's experiment has.
  expect_error<ValueError>(
      [&] { experiment_grid(config); },
      {"experiment_grid", "experiment 'exp' lists 2 data sets", "dataset_experiments()"});
  EXPECT_EQ(experiment_grid(experiments[1]).size(), 4u);
}

TEST(MultiDatasetConfig, BaseAndDatasetsAreExclusive) {
  const auto dir = fresh_dir();
  const config::ConfigError both = datasets_error(
      dir, "base: a.yaml\nseeds: [0]\ndatasets:\n  - {name: x, base: b.yaml}\n" + kStrategies);
  EXPECT_EQ(both.key(), "base");
  EXPECT_CONTAINS(both.what(), "either base (one data set) or datasets");
  EXPECT_CONTAINS(datasets_error(dir, "seeds: [0]\ndatasets: []\n" + kStrategies).what(),
                  "datasets: empty");
  EXPECT_CONTAINS(datasets_error(dir, "seeds: [0]\n" + kStrategies).what(), "base: missing");
}

TEST(MultiDatasetConfig, DataSetEntriesAreCheckedWithTheirKeys) {
  const auto dir = fresh_dir();
  const config::ConfigError twice = datasets_error(
      dir, "seeds: [0]\ndatasets:\n  - {name: x, base: a.yaml}\n  - {name: x, base: b.yaml}\n" +
               kStrategies);
  EXPECT_EQ(twice.key(), "datasets[1].name");
  EXPECT_CONTAINS(twice.what(), "data set 'x' is listed twice");
  EXPECT_CONTAINS(
      datasets_error(dir, "seeds: [0]\ndatasets:\n  - {name: a/b, base: a.yaml}\n" + kStrategies)
          .what(),
      "'a/b' cannot name a directory");
  EXPECT_CONTAINS(
      datasets_error(dir, "seeds: [0]\ndatasets:\n  - {base: a.yaml}\n" + kStrategies).what(),
      "missing name");
  const config::ConfigError no_base =
      datasets_error(dir, "seeds: [0]\ndatasets:\n  - {name: x}\n" + kStrategies);
  EXPECT_EQ(no_base.key(), "datasets[0]");
  EXPECT_CONTAINS(no_base.what(), "data set 'x': missing base");
  const config::ConfigError missing =
      datasets_error(dir, "seeds: [0]\ndatasets:\n  - {name: x, base: nope.yaml}\n" + kStrategies);
  EXPECT_EQ(missing.key(), "datasets[0].base");
  EXPECT_CONTAINS(missing.what(), "config file not found");
  EXPECT_CONTAINS(missing.what(), "nope.yaml");
  const config::ConfigError typo =
      datasets_error(dir, "seeds: [0]\ndatasets:\n  - {name: x, bsae: a.yaml}\n" + kStrategies);
  EXPECT_CONTAINS(typo.what(), "unknown key 'bsae' in 'datasets[0]'");
  EXPECT_CONTAINS(typo.what(), "did you mean 'base'?");
  EXPECT_CONTAINS(datasets_error(dir, "seeds: [0]\ndatasets: {x: a.yaml}\n" + kStrategies).what(),
                  "expected a list of {name, base, set} entries");
}

TEST(MultiDatasetConfig, ABadOverrideOfADataSetNamesItsItem) {
  const auto dir = fresh_dir();
  write_file(dir / "broken.yaml", testing::kTinyBase + "bogus: 1\n");
  const config::ConfigError item = datasets_error(dir,
                                                  "seeds: [0]\n"
                                                  "set: [training.epochs=1]\n"
                                                  "datasets:\n"
                                                  "  - {name: x, base: a.yaml}\n"
                                                  "  - name: y\n"
                                                  "    base: b.yaml\n"
                                                  "    set: [training.epochz=2]\n" +
                                                      kStrategies);
  EXPECT_EQ(item.key(), "datasets[1].set[0]");
  EXPECT_EQ(item.line(), 7);
  EXPECT_CONTAINS(item.what(), "did you mean 'epochs'?");
  const config::ConfigError reserved = datasets_error(
      dir, "seeds: [0]\ndatasets:\n  - {name: x, base: a.yaml, set: [seed=1]}\n" + kStrategies);
  EXPECT_EQ(reserved.key(), "datasets[0].set[0]");
  EXPECT_CONTAINS(reserved.what(), "'seed' is set by the experiment");
  const config::ConfigError broken = datasets_error(
      dir,
      "seeds: [0]\ndatasets:\n  - {name: x, base: a.yaml}\n  - {name: y, base: broken.yaml}\n" +
          kStrategies);
  EXPECT_EQ(broken.key(), "datasets[1].base");
  EXPECT_CONTAINS(broken.what(), "unknown key 'bogus'");
}

TEST(MultiDatasetConfig, ShippedMulanExperimentLoadsWhereTheDataIs) {
  // The configs read $FULCRUM_MULAN_DIR, else ../shared/datasets/mulan.
  const char* env = std::getenv("FULCRUM_MULAN_DIR");
  const std::filesystem::path data = env != nullptr ? env : FULCRUM_SHARED_MULAN_DIR;
  if (!std::filesystem::exists(data / "bibtex-train.arff")) {
    GTEST_SKIP() << "no MULAN files in " << data.string() << ": set FULCRUM_MULAN_DIR";
  }
  if (env == nullptr) setenv("FULCRUM_MULAN_DIR", data.c_str(), 1);
  const std::filesystem::path file =
      std::filesystem::path(FULCRUM_CONFIGS_DIR) / "experiments" / "mulan.yaml";
  const ExperimentConfig config = load_experiment(file);
  ASSERT_EQ(config.datasets.size(), 6u);
  EXPECT_EQ(config.datasets[0].name, "bibtex");
  EXPECT_GE(config.strategies.size(), 6u);
  // The full variant, as the file's header says: five seeds, the recipe's 50 epochs.
  const ExperimentConfig full = load_experiment(
      file, {"seeds=[0,1,2,3,4]", "set=[]", "output_dir=runs/experiments/mulan_full"});
  EXPECT_EQ(full.seeds.size(), 5u);
  EXPECT_TRUE(full.overrides.empty());
}

}  // namespace
}  // namespace fulcrum::experiment
