// The grid, and running it in-process with a tiny synthetic config: outputs,
// the test-variant evaluations, resumability, failures.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "experiment_test_util.hpp"
#include "fulcrum/experiment/results.hpp"
#include "fulcrum/experiment/runner.hpp"
#include "fulcrum/train/run_outputs.hpp"

namespace fulcrum::experiment {
namespace {

using testing::fresh_dir;
using testing::read_file;
using testing::write_file;

std::vector<RunStatus> statuses(const std::vector<RunOutcome>& outcomes) {
  std::vector<RunStatus> out;
  for (const RunOutcome& outcome : outcomes) out.push_back(outcome.status);
  return out;
}

TEST(ExperimentGrid, IsStrategiesTimesSeedsStrategyMajor) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(
      testing::write_tiny_experiment(dir, "[5, 6, 7]", "set: [training.epochs=1]\n"));
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[0].strategy, "plain");
  EXPECT_EQ(runs[0].seed, 5u);
  EXPECT_EQ(runs[2].seed, 7u);
  EXPECT_EQ(runs[3].strategy, "pos_weight");
  EXPECT_EQ(runs[3].seed, 5u);
  EXPECT_EQ(runs[4].dir, dir / "out" / "runs" / "pos_weight" / "seed6");
  EXPECT_EQ(runs[4].overrides,
            (std::vector<std::string>{"training.epochs=1",
                                      "model.heads.labels.loss.pos_weight=neg_over_pos", "seed=6",
                                      "threads=1"}));
  EXPECT_EQ(run_log_path(runs[4]), runs[4].dir / "log.txt");
  EXPECT_EQ(done_marker_path(runs[4]), runs[4].dir / "done");
}

TEST(ExperimentGrid, ConfigHashFollowsTheRunConfig) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir));
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  const std::string hash = run_config_hash(config, runs[0]);
  EXPECT_EQ(hash.size(), 16u);
  EXPECT_EQ(hash, run_config_hash(config, runs[0]));
  EXPECT_NE(hash, run_config_hash(config, runs[1]));  // another seed
  EXPECT_NE(hash, run_config_hash(config, runs[2]));  // another strategy
}

TEST(ExperimentRunner, CommandLineOfAProcessRun) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir));
  const ExperimentRun run = experiment_grid(config)[3];
  EXPECT_EQ(run_command_line("/opt/fulcrum", config, run),
            (std::vector<std::string>{"/opt/fulcrum", "train", (dir / "base.yaml").string(),
                                      "--set", "model.heads.labels.loss.pos_weight=neg_over_pos",
                                      "--set", "seed=1", "--set", "threads=1", "--output-dir",
                                      run.dir.string(), "--quiet"}));
}

TEST(ExperimentRunner, InProcessRunsEveryRunAndWritesItsOutputs) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir));
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  std::vector<std::string> started, ended;
  RunnerOptions options;
  options.on_start = [&](const ExperimentRun& run) {
    started.push_back(run.strategy + std::to_string(run.seed));
  };
  options.on_end = [&](const ExperimentRun& run, const RunOutcome& outcome) {
    ended.push_back(run.strategy + std::to_string(run.seed));
    EXPECT_EQ(outcome.status, RunStatus::Succeeded) << outcome.message;
    EXPECT_GT(outcome.seconds, 0.0);
  };
  const std::vector<RunOutcome> outcomes = run_experiment(config, runs, options);
  const std::vector<std::string> order{"plain0", "plain1", "pos_weight0", "pos_weight1"};
  EXPECT_EQ(started, order);
  EXPECT_EQ(ended, order);
  ASSERT_EQ(outcomes.size(), 4u);
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(outcomes[i].index, i);
    EXPECT_TRUE(run_finished(config, runs[i])) << runs[i].dir;
    const train::RunPaths paths{runs[i].dir};
    EXPECT_TRUE(std::filesystem::exists(paths.metrics_log()));
    EXPECT_TRUE(std::filesystem::exists(variants_path(runs[i].dir)));
    const auto marker = nlohmann::json::parse(read_file(done_marker_path(runs[i])));
    EXPECT_EQ(marker["strategy"], runs[i].strategy);
    EXPECT_EQ(marker["seed"], runs[i].seed);
    EXPECT_EQ(marker["config_hash"], run_config_hash(config, runs[i]));
  }
  // The seed reached the run: the two plain runs' configs differ in it.
  EXPECT_NE(read_file(train::RunPaths{runs[0].dir}.config()).find("seed: 0"), std::string::npos);
  EXPECT_NE(read_file(train::RunPaths{runs[1].dir}.config()).find("seed: 1"), std::string::npos);
}

TEST(ExperimentRunner, VariantsMatchTheTrainersOwnEvaluation) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir, "[3]"));
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  run_experiment(config, runs, {});
  for (const ExperimentRun& run : runs) {
    const RunResults results = read_run_results(run);
    std::vector<std::string> variants;
    for (const auto& evaluation : results.evaluations) variants.push_back(evaluation.variant);
    if (run.strategy == "plain") {
      // Nothing to recalibrate without pos_weight.
      EXPECT_EQ(variants, (std::vector<std::string>{"", kTunedThresholdsVariant}));
    } else {
      EXPECT_EQ(variants,
                (std::vector<std::string>{"", kRecalibratedVariant, kTunedThresholdsVariant}));
    }
    // The raw reliability bins come from the same probabilities as the
    // trainer's test metrics: their ECE and count agree.
    const HeadMetrics& trained = results.evaluations[0].heads.at(0);
    const auto raw = std::find_if(results.reliability.begin(), results.reliability.end(),
                                  [](const ReliabilityRecord& r) { return r.variant.empty(); });
    ASSERT_NE(raw, results.reliability.end());
    EXPECT_NEAR(raw->bins.ece(), *trained.scalar("expected_calibration_error"), 1e-12);
    double count = 0;
    for (const double c : raw->bins.count) count += c;
    EXPECT_EQ(count, *trained.scalar("n_samples") * *trained.scalar("n_labels"));
    // Tuned thresholds leave the probabilities alone: the same AUC.
    const HeadMetrics& tuned = results.evaluations.back().heads.at(0);
    EXPECT_EQ(tuned.scalar("roc_auc_macro"), trained.scalar("roc_auc_macro"));
    EXPECT_EQ(results.epochs.size(), 2u);
  }
}

TEST(ExperimentRunner, FinishedRunsAreSkippedAndUnfinishedOnesRedone) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir));
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  RunnerOptions options;
  options.evaluate_variants = false;
  EXPECT_EQ(statuses(run_experiment(config, runs, options)),
            std::vector<RunStatus>(4, RunStatus::Succeeded));
  EXPECT_EQ(statuses(run_experiment(config, runs, options)),
            std::vector<RunStatus>(4, RunStatus::Skipped));

  // Run 1 lost its marker (killed before it was written); run 2 has an old
  // marker whose config hash no longer matches. Both are cleaned and redone.
  std::filesystem::remove(done_marker_path(runs[1]));
  write_file(runs[1].dir / "stale.txt", "left over");
  write_file(done_marker_path(runs[2]), R"({"config_hash": "0000000000000000"})");
  std::vector<std::string> started;
  options.on_start = [&](const ExperimentRun& run) {
    started.push_back(run.strategy + std::to_string(run.seed));
  };
  EXPECT_EQ(statuses(run_experiment(config, runs, options)),
            (std::vector<RunStatus>{RunStatus::Skipped, RunStatus::Succeeded, RunStatus::Succeeded,
                                    RunStatus::Skipped}));
  EXPECT_EQ(started, (std::vector<std::string>{"plain1", "pos_weight0"}));
  EXPECT_FALSE(std::filesystem::exists(runs[1].dir / "stale.txt"));
  EXPECT_TRUE(run_finished(config, runs[1]));
  EXPECT_TRUE(run_finished(config, runs[2]));
}

TEST(ExperimentRunner, ChangingAStrategyRedoesOnlyItsRuns) {
  const auto dir = fresh_dir();
  ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir, "[0]"));
  RunnerOptions options;
  options.evaluate_variants = false;
  run_experiment(config, experiment_grid(config), options);
  config.strategies[1].overrides.push_back("training.batch_size=16");
  EXPECT_EQ(statuses(run_experiment(config, experiment_grid(config), options)),
            (std::vector<RunStatus>{RunStatus::Skipped, RunStatus::Succeeded}));
}

TEST(ExperimentRunner, AFailedRunIsReportedAndTheOthersStillRun) {
  const auto dir = fresh_dir();
  // outputs: 5 passes the config checks, but the data has 3 labels: the
  // Trainer refuses it when it starts.
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir, "[0]"));
  ExperimentConfig broken = config;
  broken.strategies[0].overrides = {"model.heads.labels.outputs=5"};
  const std::vector<ExperimentRun> runs = experiment_grid(broken);
  RunnerOptions options;
  options.evaluate_variants = false;
  const std::vector<RunOutcome> outcomes = run_experiment(broken, runs, options);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].status, RunStatus::Failed);
  EXPECT_CONTAINS(outcomes[0].message, "model.heads.labels.outputs");
  EXPECT_CONTAINS(read_file(run_log_path(runs[0])), "model.heads.labels.outputs");
  EXPECT_FALSE(run_finished(broken, runs[0]));
  EXPECT_EQ(outcomes[1].status, RunStatus::Succeeded);
}

TEST(ExperimentRunner, AStopRequestStartsNoRun) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir, "[0]"));
  const std::atomic<bool> stop{true};
  RunnerOptions options;
  options.stop = &stop;
  EXPECT_EQ(statuses(run_experiment(config, experiment_grid(config), options)),
            std::vector<RunStatus>(2, RunStatus::NotStarted));
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "runs"));
}

}  // namespace
}  // namespace fulcrum::experiment
