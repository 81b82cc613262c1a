// The experiment config: reading, defaults, run overrides, and the errors a
// user sees for every kind of mistake (file:line:column, key, suggestion).
#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

#include "experiment_test_util.hpp"
#include "fulcrum/experiment/config.hpp"

namespace fulcrum::experiment {
namespace {

using testing::fresh_dir;
using testing::write_file;

// The ConfigError parsing `yaml` (as <dir>/exp.yaml, with <dir>/base.yaml the
// tiny base) throws; a test failure if none.
config::ConfigError experiment_error(const std::filesystem::path& dir, const std::string& yaml) {
  write_file(dir / "base.yaml", testing::kTinyBase);
  try {
    parse_experiment(yaml, (dir / "exp.yaml").string());
  } catch (const config::ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return config::ConfigError("(none thrown)", "", 0, 0, "");
}

const std::string kStrategies =
    "strategies:\n"
    "  - name: plain\n"
    "    set: []\n";

TEST(ExperimentConfig, SetOverridesTheFilesOwnKeysBeforeTheChecks) {
  const auto dir = fresh_dir();
  write_file(dir / "base.yaml", testing::kTinyBase);
  const std::string yaml = "base: base.yaml\nseeds: [0, 1, 2]\n" + kStrategies;
  const ExperimentConfig config = parse_experiment(
      yaml, (dir / "exp.yaml").string(), {"seeds=[7]", "output_dir=elsewhere", "parallel=1"});
  EXPECT_EQ(config.seeds, std::vector<uint64_t>{7});
  EXPECT_EQ(config.output_dir, "elsewhere");
  EXPECT_EQ(config.parallel, 1);

  try {
    parse_experiment(yaml, (dir / "exp.yaml").string(), {"seedz=[7]"});
    ADD_FAILURE() << "an unknown key given with --set was accepted";
  } catch (const config::ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("--set seedz=[7]"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("did you mean 'seeds'"), std::string::npos)
        << error.what();
  }
}

TEST(ExperimentConfig, ReadsEveryKeyAndResolvesTheBaseAgainstTheFile) {
  const auto dir = fresh_dir();
  write_file(dir / "configs" / "base.yaml", testing::kTinyBase);
  write_file(
      dir / "configs" / "experiments" / "exp.yaml",
      "base: ../base.yaml\n"
      "output_dir: runs/somewhere\n"
      "seeds: [3, 1, 2]\n"
      "parallel: 3\n"
      "threads_per_run: 2\n"
      "set: [training.epochs=1]\n"
      "strategies:\n"
      "  - name: plain_bce\n"
      "    set: []\n"
      "  - name: pos_weight\n"
      "    set: [model.heads.labels.loss.pos_weight=neg_over_pos, training.batch_size=16]\n");
  const ExperimentConfig config = load_experiment(dir / "configs" / "experiments" / "exp.yaml");
  EXPECT_EQ(config.name, "exp");
  EXPECT_EQ(config.base, (dir / "configs" / "base.yaml").lexically_normal());
  EXPECT_EQ(config.output_dir, "runs/somewhere");
  EXPECT_EQ(config.seeds, (std::vector<uint64_t>{3, 1, 2}));
  EXPECT_EQ(config.parallel, 3);
  EXPECT_EQ(config.threads_per_run, 2);
  EXPECT_EQ(config.overrides, std::vector<std::string>{"training.epochs=1"});
  ASSERT_EQ(config.strategies.size(), 2u);
  EXPECT_EQ(config.strategies[0], (StrategyConfig{"plain_bce", {}}));
  EXPECT_EQ(config.strategies[1],
            (StrategyConfig{
                "pos_weight",
                {"model.heads.labels.loss.pos_weight=neg_over_pos", "training.batch_size=16"}}));
  EXPECT_EQ(effective_parallelism(config), 3);
}

TEST(ExperimentConfig, DefaultsOutputDirParallelismAndThreads) {
  const auto dir = fresh_dir();
  write_file(dir / "base.yaml", testing::kTinyBase);
  const ExperimentConfig config = parse_experiment("base: base.yaml\nseeds: [0]\n" + kStrategies,
                                                   (dir / "yeast.yaml").string());
  EXPECT_EQ(config.output_dir, "runs/experiments/yeast");
  EXPECT_EQ(config.parallel, 0);
  EXPECT_EQ(config.threads_per_run, 1);
  EXPECT_GE(effective_parallelism(config), 1);
  EXPECT_TRUE(config.overrides.empty());
}

TEST(ExperimentConfig, AutomaticParallelismCountsTheCoresTheProcessIsBoundTo) {
  ExperimentConfig config;  // parallel 0, one thread per run
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
  EXPECT_EQ(effective_parallelism(config), CPU_COUNT(&all));
  // Bound to one core, as mpirun binds each of two processes: one run at a
  // time, not one per core of the machine. (The mask is the calling
  // thread's, so a thread of its own is bound.)
  int64_t bound = 0;
  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &all)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    if (sched_setaffinity(0, sizeof(one), &one) == 0) bound = effective_parallelism(config);
  }).join();
  EXPECT_EQ(bound, 1);
}

TEST(ExperimentConfig, RunOverridesApplyExperimentThenStrategyThenSeedAndThreads) {
  ExperimentConfig config;
  config.overrides = {"training.epochs=3"};
  config.threads_per_run = 2;
  const StrategyConfig strategy{"s", {"training.batch_size=8", "training.epochs=4"}};
  EXPECT_EQ(run_overrides(config, strategy, 7),
            (std::vector<std::string>{"training.epochs=3", "training.batch_size=8",
                                      "training.epochs=4", "seed=7", "threads=2"}));
}

TEST(ExperimentConfigErrors, UnknownKeySuggestsTheNearestWithLine) {
  const auto dir = fresh_dir();
  const config::ConfigError error =
      experiment_error(dir, "base: base.yaml\nseed: [0]\n" + kStrategies);
  EXPECT_EQ(error.line(), 2);
  EXPECT_CONTAINS(error.what(), "exp.yaml:2:1");
  EXPECT_CONTAINS(error.what(), "unknown key 'seed'");
  EXPECT_CONTAINS(error.what(), "did you mean 'seeds'?");
}

TEST(ExperimentConfigErrors, UnknownKeyInsideAStrategy) {
  const auto dir = fresh_dir();
  const config::ConfigError error = experiment_error(
      dir, "base: base.yaml\nseeds: [0]\nstrategies:\n  - name: a\n    sett: []\n");
  EXPECT_EQ(error.line(), 5);
  EXPECT_CONTAINS(error.what(), "unknown key 'sett' in 'strategies[0]'");
  EXPECT_CONTAINS(error.what(), "did you mean 'set'?");
}

TEST(ExperimentConfigErrors, MissingOrBadSeeds) {
  const auto dir = fresh_dir();
  EXPECT_CONTAINS(experiment_error(dir, "base: base.yaml\n" + kStrategies).what(),
                  "seeds: missing or empty");
  EXPECT_CONTAINS(experiment_error(dir, "base: base.yaml\nseeds: []\n" + kStrategies).what(),
                  "seeds: missing or empty");
  const config::ConfigError twice =
      experiment_error(dir, "base: base.yaml\nseeds: [1, 2, 1]\n" + kStrategies);
  EXPECT_EQ(twice.key(), "seeds[2]");
  EXPECT_CONTAINS(twice.what(), "seed 1 is listed twice");
  EXPECT_CONTAINS(experiment_error(dir, "base: base.yaml\nseeds: [a]\n" + kStrategies).what(),
                  "expected an integer, got 'a'");
  EXPECT_CONTAINS(experiment_error(dir, "base: base.yaml\nseeds: [-1]\n" + kStrategies).what(),
                  "must be >= 0");
}

TEST(ExperimentConfigErrors, StrategyNames) {
  const auto dir = fresh_dir();
  const config::ConfigError twice = experiment_error(
      dir, "base: base.yaml\nseeds: [0]\nstrategies:\n  - name: a\n  - name: b\n  - name: a\n");
  EXPECT_EQ(twice.key(), "strategies[2].name");
  EXPECT_EQ(twice.line(), 6);
  EXPECT_CONTAINS(twice.what(), "strategy 'a' is defined twice");
  const config::ConfigError unsafe =
      experiment_error(dir, "base: base.yaml\nseeds: [0]\nstrategies:\n  - name: a/b\n");
  EXPECT_CONTAINS(unsafe.what(), "'a/b' cannot name a directory");
  EXPECT_CONTAINS(
      experiment_error(dir, "base: base.yaml\nseeds: [0]\nstrategies:\n  - set: []\n").what(),
      "missing name");
  EXPECT_CONTAINS(experiment_error(dir, "base: base.yaml\nseeds: [0]\n").what(),
                  "strategies: missing or empty");
  EXPECT_CONTAINS(experiment_error(dir, "base: base.yaml\nseeds: [0]\nstrategies: {a: 1}\n").what(),
                  "expected a list");
}

TEST(ExperimentConfigErrors, BadOverrideNamesTheStrategyTheItemAndTheNearestKey) {
  const auto dir = fresh_dir();
  const config::ConfigError error =
      experiment_error(dir,
                       "base: base.yaml\n"
                       "seeds: [0]\n"
                       "strategies:\n"
                       "  - name: plain\n"
                       "    set: []\n"
                       "  - name: weighted\n"
                       "    set:\n"
                       "      - training.epochs=3\n"
                       "      - model.heads.labels.loss.pos_wieght=neg_over_pos\n");
  EXPECT_EQ(error.key(), "strategies[1].set[1]");
  EXPECT_EQ(error.line(), 9);
  EXPECT_CONTAINS(error.what(), "strategy 'weighted'");
  EXPECT_CONTAINS(error.what(), "--set model.heads.labels.loss.pos_wieght=neg_over_pos");
  EXPECT_CONTAINS(error.what(), "did you mean 'pos_weight'?");
}

TEST(ExperimentConfigErrors, BadValueInAnOverride) {
  const auto dir = fresh_dir();
  const config::ConfigError error = experiment_error(
      dir,
      "base: base.yaml\nseeds: [0]\nstrategies:\n  - name: a\n    set: [training.epochs=zero]\n");
  EXPECT_EQ(error.key(), "strategies[0].set[0]");
  EXPECT_CONTAINS(error.what(), "strategy 'a'");
  EXPECT_CONTAINS(error.what(), "expected an integer");
}

TEST(ExperimentConfigErrors, BadExperimentWideOverride) {
  const auto dir = fresh_dir();
  const config::ConfigError error =
      experiment_error(dir, "base: base.yaml\nseeds: [0]\nset: [trainig.epochs=3]\n" + kStrategies);
  EXPECT_EQ(error.key(), "set[0]");
  EXPECT_CONTAINS(error.what(), "did you mean 'training'?");
}

TEST(ExperimentConfigErrors, ReservedKeysCannotBeOverridden) {
  const auto dir = fresh_dir();
  const config::ConfigError seed = experiment_error(
      dir, "base: base.yaml\nseeds: [0]\nstrategies:\n  - name: a\n    set: [seed=3]\n");
  EXPECT_EQ(seed.key(), "strategies[0].set[0]");
  EXPECT_CONTAINS(seed.what(), "'seed' is set by the experiment");
  const config::ConfigError threads =
      experiment_error(dir, "base: base.yaml\nseeds: [0]\nset: [threads=4]\n" + kStrategies);
  EXPECT_EQ(threads.key(), "set[0]");
  EXPECT_CONTAINS(threads.what(), "threads_per_run");
  EXPECT_CONTAINS(
      experiment_error(dir, "base: base.yaml\nseeds: [0]\nset: [output_dir=x]\n" + kStrategies)
          .what(),
      "'output_dir' is set by the experiment");
}

TEST(ExperimentConfigErrors, BaseMissingInvalidOrWithoutTestSplit) {
  const auto dir = fresh_dir();
  EXPECT_CONTAINS(experiment_error(dir, "seeds: [0]\n" + kStrategies).what(), "base: missing");
  const config::ConfigError missing =
      experiment_error(dir, "base: nope.yaml\nseeds: [0]\n" + kStrategies);
  EXPECT_EQ(missing.line(), 1);
  EXPECT_CONTAINS(missing.what(), "config file not found");
  EXPECT_CONTAINS(missing.what(), "nope.yaml");

  write_file(dir / "broken.yaml", testing::kTinyBase + "bogus: 1\n");
  const config::ConfigError broken =
      experiment_error(dir, "base: broken.yaml\nseeds: [0]\n" + kStrategies);
  EXPECT_EQ(broken.key(), "base");
  EXPECT_CONTAINS(broken.what(), "unknown key 'bogus'");

  write_file(dir / "no_test.yaml", testing::kTinyBase + "");
  const config::ConfigError no_test = experiment_error(
      dir, "base: base.yaml\nseeds: [0]\nset: [data.test_fraction=0]\n" + kStrategies);
  EXPECT_CONTAINS(no_test.what(), "no test split");
}

TEST(ExperimentConfigErrors, BadNumbersAndSyntax) {
  const auto dir = fresh_dir();
  EXPECT_CONTAINS(
      experiment_error(dir, "base: base.yaml\nseeds: [0]\nparallel: -1\n" + kStrategies).what(),
      "parallel: must be >= 0");
  EXPECT_CONTAINS(
      experiment_error(dir, "base: base.yaml\nseeds: [0]\nthreads_per_run: 0\n" + kStrategies)
          .what(),
      "threads_per_run: must be >= 1");
  const config::ConfigError syntax = experiment_error(dir, "base: [unclosed\n");
  EXPECT_CONTAINS(syntax.what(), "YAML syntax error");
  EXPECT_CONTAINS(experiment_error(dir, "- a\n- b\n").what(), "an experiment config is a mapping");
}

TEST(ExperimentConfigErrors, MissingFile) {
  const auto dir = fresh_dir();
  try {
    load_experiment(dir / "nope.yaml");
    ADD_FAILURE() << "no error";
  } catch (const config::ConfigError& error) {
    EXPECT_CONTAINS(error.what(), "experiment config file not found");
  }
}

}  // namespace
}  // namespace fulcrum::experiment
