// Process mode without the real CLI: spawn_process / poll_process on shell
// commands, and run_experiment with a fake `fulcrum` (a shell script written
// here) that writes the outputs a run leaves, so that the pool's parallelism,
// command lines and failure reports are checked in well under a second.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "experiment_test_util.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/experiment/process.hpp"
#include "fulcrum/experiment/results.hpp"
#include "fulcrum/experiment/runner.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

using testing::fresh_dir;
using testing::read_file;
using testing::write_file;

std::filesystem::path write_script(const std::filesystem::path& path, const std::string& body) {
  write_file(path, "#!/bin/sh\n" + body);
  ::chmod(path.c_str(), 0755);
  return path;
}

// A stand-in for `fulcrum train`: records its arguments and how many fakes
// run at once, then writes test_metrics.json and metrics.jsonl into
// --output-dir. With a number N in <dir>/shared/barrier, the first N fakes
// wait until N run at once. --set training.epochs=3 makes it fail with exit code 3,
// training.epochs=4 makes it exit 0 without writing any metrics.
std::filesystem::path write_fake_fulcrum(const std::filesystem::path& dir) {
  const std::filesystem::path shared = dir / "shared";
  std::filesystem::create_directories(shared);
  const std::string s = shared.string();
  return write_script(
      dir / "fake_fulcrum",
      "out=''; seed=''; mode=ok; prev=''\n"
      "for arg in \"$@\"; do\n"
      "  if [ \"$prev\" = --output-dir ]; then out=\"$arg\"; fi\n"
      "  case \"$arg\" in\n"
      "    seed=*) seed=\"${arg#seed=}\" ;;\n"
      "    training.epochs=3) mode=fail ;;\n"
      "    training.epochs=4) mode=silent ;;\n"
      "  esac\n"
      "  prev=\"$arg\"\n"
      "done\n"
      "printf '%s\\n' \"$@\" > \"$out/args.txt\"\n"
      "touch '" +
          s +
          "/running.'$$\n"
          // The first <barrier> fakes wait (for at most 30 s) until that many
          // run at once, so that overlapping is certain, not a matter of timing.
          "touch '" +
          s +
          "/started.'$$\n"
          "want=$(cat '" +
          s +
          "/barrier' 2>/dev/null || echo 0)\n"
          "if [ $(ls '" +
          s +
          "' | grep -c '^started') -le $want ]; then\n"
          "  i=0\n"
          "  while [ $(ls '" +
          s +
          "' | grep -c '^running') -lt $want ] && [ $i -lt 600 ]; do\n"
          "    sleep 0.05; i=$((i + 1))\n"
          "  done\n"
          "fi\n"
          "ls '" +
          s +
          "' | grep -c '^running' > \"$out/concurrency\"\n"
          "rm '" +
          s +
          "/running.'$$\n"
          "echo \"fake training seed $seed\"\n"
          "if [ $mode = fail ]; then echo \"fulcrum: error: boom at seed $seed\" >&2; exit 3; fi\n"
          "if [ $mode = silent ]; then exit 0; fi\n"
          "cat > \"$out/test_metrics.json\" <<EOF\n"
          "{\"split\": \"test\", \"samples\": 10, \"loss\": 0.5, \"heads\": {\"labels\": "
          "{\"task\": "
          "\"multilabel\", \"f1_macro\": 0.$seed, \"per_label\": [{\"label\": \"a\", \"f1\": "
          "0.$seed}]}}}\n"
          "EOF\n"
          "echo '{\"epoch\": 1, \"train_loss\": 1.5, \"validation\": {\"loss\": 0.9}}' > "
          "\"$out/metrics.jsonl\"\n");
}

TEST(SpawnProcess, ExitCodesAndTheLogFile) {
  const auto dir = fresh_dir();
  const pid_t ok =
      spawn_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 0"}, dir / "ok.log");
  EXPECT_EQ(wait_process(ok), 0);
  EXPECT_EQ(read_file(dir / "ok.log"), "out\nerr\n");

  const pid_t failing = spawn_process({"/bin/sh", "-c", "exit 7"}, dir / "fail.log");
  EXPECT_EQ(wait_process(failing), 7);

  const pid_t killed = spawn_process({"/bin/sh", "-c", "kill -9 $$"}, dir / "kill.log");
  EXPECT_EQ(wait_process(killed), 128 + 9);

  const pid_t missing = spawn_process({(dir / "no_such_program").string()}, dir / "missing.log");
  EXPECT_EQ(wait_process(missing), 127);
  EXPECT_CONTAINS(read_file(dir / "missing.log"), "cannot execute");
  EXPECT_CONTAINS(read_file(dir / "missing.log"), "no_such_program");
}

TEST(SpawnProcess, PollReportsRunningThenTheExitCode) {
  const auto dir = fresh_dir();
  // The child runs until the test lets it go, so "still running" is certain
  // however loaded the machine is; the 60 s bound only keeps a bug from hanging.
  const auto go = dir / "go";
  const pid_t pid = spawn_process(
      {"/bin/sh", "-c", "while [ ! -e '" + go.string() + "' ]; do sleep 0.01; done; exit 5"},
      dir / "log");
  EXPECT_EQ(poll_process(pid), std::nullopt);
  write_file(go, "");
  std::optional<int> code;
  for (int i = 0; i < 6000 && !code; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    code = poll_process(pid);
  }
  EXPECT_EQ(code, 5);
}

TEST(SpawnProcess, StdinIsEmptyAndArgumentsNeedNoQuoting) {
  const auto dir = fresh_dir();
  const pid_t pid = spawn_process(
      {"/bin/sh", "-c", "cat; printf '[%s]' \"$1\"", "sh", "a b; $(rm -rf x) 'c'"}, dir / "log");
  EXPECT_EQ(wait_process(pid), 0);
  EXPECT_EQ(read_file(dir / "log"), "[a b; $(rm -rf x) 'c']");
}

TEST(SpawnProcess, UnwritableLogThrows) {
  fulcrum::testing::expect_error<Error>(
      [] { spawn_process({"/bin/true"}, "/nonexistent_dir/x/log.txt"); },
      {"cannot create the run log /nonexistent_dir/x/log.txt"});
}

TEST(ExperimentProcessMode, RunsAtMostParallelAtOnceWithTheRunsCommandLine) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir));
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  RunnerOptions options;
  options.executable = write_fake_fulcrum(dir);
  write_file(dir / "shared" / "barrier", "2\n");
  options.parallel = 2;
  options.evaluate_variants = false;
  const std::vector<RunOutcome> outcomes = run_experiment(config, runs, options);
  int most = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(outcomes[i].status, RunStatus::Succeeded) << outcomes[i].message;
    EXPECT_TRUE(run_finished(config, runs[i]));
    const int concurrency = std::stoi(read_file(runs[i].dir / "concurrency"));
    EXPECT_LE(concurrency, 2);
    most = std::max(most, concurrency);
    // The arguments arrived one by one, as run_command_line made them.
    std::string expected;
    const auto argv = run_command_line(options.executable, config, runs[i]);
    for (size_t a = 1; a < argv.size(); ++a) expected += argv[a] + "\n";
    EXPECT_EQ(read_file(runs[i].dir / "args.txt"), expected);
    EXPECT_CONTAINS(read_file(run_log_path(runs[i])), "fake training seed");
  }
  EXPECT_EQ(most, 2);
  // The results read back from what the fake wrote.
  const RunResults results = read_run_results(runs[1]);
  EXPECT_EQ(results.evaluations.at(0).heads.at(0).scalar("f1_macro"), 0.1);
  EXPECT_EQ(results.epochs.at(0).train_loss, 1.5);
}

TEST(ExperimentProcessMode, OneAtATimeWithParallelOne) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir, "[0]"));
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  RunnerOptions options;
  options.executable = write_fake_fulcrum(dir);
  options.parallel = 1;
  options.evaluate_variants = false;
  run_experiment(config, runs, options);
  for (const ExperimentRun& run : runs) EXPECT_EQ(read_file(run.dir / "concurrency"), "1\n");
}

TEST(ExperimentProcessMode, FailuresAreReportedWithTheLogAndTheOthersFinish) {
  const auto dir = fresh_dir();
  ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir, "[0, 1]"));
  config.strategies[0].overrides = {"training.epochs=3"};          // the fake fails
  config.strategies.push_back({"silent", {"training.epochs=4"}});  // exits 0, writes nothing
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  RunnerOptions options;
  options.executable = write_fake_fulcrum(dir);
  options.parallel = 2;
  options.evaluate_variants = false;
  std::vector<RunStatus> reported(runs.size(), RunStatus::NotStarted);
  options.on_end = [&](const ExperimentRun& run, const RunOutcome& outcome) {
    reported[outcome.index] = outcome.status;
    EXPECT_EQ(&run, &runs[outcome.index]);
  };
  const std::vector<RunOutcome> outcomes = run_experiment(config, runs, options);
  ASSERT_EQ(outcomes.size(), 6u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(outcomes[i].status, RunStatus::Failed);
    EXPECT_CONTAINS(outcomes[i].message, "exit code 3");
    EXPECT_CONTAINS(outcomes[i].message, "fulcrum: error: boom at seed " + std::to_string(i));
    EXPECT_CONTAINS(outcomes[i].message, run_log_path(runs[i]).string());
    EXPECT_FALSE(run_finished(config, runs[i]));
  }
  for (size_t i = 2; i < 4; ++i) EXPECT_EQ(outcomes[i].status, RunStatus::Succeeded);
  for (size_t i = 4; i < 6; ++i) {
    EXPECT_EQ(outcomes[i].status, RunStatus::Failed);
    EXPECT_CONTAINS(outcomes[i].message, "without writing");
  }
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(reported[i], outcomes[i].status);

  // Next time only the failed runs start again.
  std::vector<size_t> started;
  options.on_start = [&](const ExperimentRun& run) {
    started.push_back(static_cast<size_t>(&run - runs.data()));
  };
  options.on_end = nullptr;
  run_experiment(config, runs, options);
  EXPECT_EQ(started, (std::vector<size_t>{0, 1, 4, 5}));
}

TEST(ExperimentProcessMode, AMissingExecutableFailsEveryRunCleanly) {
  const auto dir = fresh_dir();
  const ExperimentConfig config = load_experiment(testing::write_tiny_experiment(dir, "[0]"));
  RunnerOptions options;
  options.executable = dir / "not_there";
  options.evaluate_variants = false;
  for (const RunOutcome& outcome : run_experiment(config, experiment_grid(config), options)) {
    EXPECT_EQ(outcome.status, RunStatus::Failed);
    EXPECT_CONTAINS(outcome.message, "exit code 127");
    EXPECT_CONTAINS(outcome.message, "cannot execute");
  }
}

}  // namespace
}  // namespace fulcrum::experiment
