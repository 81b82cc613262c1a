// The grid of an experiment and running it: finished-run detection, the
// process pool and the in-process loop (runner.hpp).
#include "fulcrum/experiment/runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "fulcrum/config/loader.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/experiment/process.hpp"
#include "fulcrum/experiment/variants.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "fulcrum/train/trainer.hpp"
#include "quiet_logs.hpp"
#include "variants_json.hpp"

namespace fulcrum::experiment {

namespace {

using Clock = std::chrono::steady_clock;

// How often a process checks its runs (and, under MPI, rank 0 answers the
// others' requests for runs): a slot stays empty for half of it on average
// after each run, and a check costs a few microseconds.
constexpr auto kPollInterval = std::chrono::milliseconds(4);

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// FNV-1a, 64 bits: stable across platforms and builds (std::hash is not).
std::string fnv1a_hex(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return fmt::format("{:016x}", hash);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The last non-empty line of a log, for a one-line failure message.
std::string last_log_line(const std::filesystem::path& log) {
  std::istringstream lines(read_text(log));
  std::string line, last;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  if (last.size() > 300) {
    last.resize(300);
    last += "...";
  }
  return last;
}

// A clean, existing directory for a run about to start.
void prepare_run_dir(const ExperimentRun& run) {
  std::filesystem::remove_all(run.dir);
  std::filesystem::create_directories(run.dir);
}

// After a run's trainer ended cleanly: its test metrics must be there; then
// test_variants.json, then the done marker. Returns "" or what went wrong.
std::string complete_run(const ExperimentConfig& config, const ExperimentRun& run,
                         const RunnerOptions& options, double seconds, train::Trainer* trainer) {
  try {
    const train::RunPaths paths{run.dir};
    if (!std::filesystem::exists(paths.test_metrics_json())) {
      return fmt::format("the run ended without writing {}", paths.test_metrics_json().string());
    }
    if (options.evaluate_variants) {
      const nlohmann::json variants =
          trainer != nullptr ? evaluate_variants(*trainer) : evaluate_run_variants(run.dir);
      train::write_text_file(variants_path(run.dir), variants.dump(2) + "\n");
    }
    write_done_marker(config, run, seconds);
    return {};
  } catch (const std::exception& e) {
    return fmt::format("after training: {}", e.what());
  }
}

void report(const RunnerOptions& options, const ExperimentRun& run, const RunOutcome& outcome) {
  if (options.on_end) options.on_end(run, outcome);
}

bool stop_requested(const RunnerOptions& options) {
  return options.stop != nullptr && options.stop->load();
}

std::vector<RunOutcome> run_in_process(const ExperimentConfig& config,
                                       const std::vector<ExperimentRun>& runs,
                                       const RunnerOptions& options,
                                       std::vector<RunOutcome> outcomes,
                                       const std::deque<size_t>& pending) {
  for (const size_t i : pending) {
    const ExperimentRun& run = runs[i];
    RunOutcome& outcome = outcomes[i];
    if (stop_requested(options)) {
      report(options, run, outcome);  // NotStarted
      continue;
    }
    prepare_run_dir(run);
    if (options.on_start) options.on_start(run);
    const auto start = Clock::now();
    try {
      config::RunConfig run_config = config::load_config(config.base, run.overrides);
      run_config.output_dir = run.dir.string();
      std::optional<train::Trainer> trainer;
      train::TrainResult result;
      {
        const QuietTrainerLogs quiet;
        trainer.emplace(run_config);
        result = trainer->fit();
      }
      outcome.seconds = seconds_since(start);
      if (result.interrupted) {
        outcome.status = RunStatus::Interrupted;
      } else {
        const QuietTrainerLogs quiet;
        outcome.message = complete_run(config, run, options, outcome.seconds, &*trainer);
        outcome.status = outcome.message.empty() ? RunStatus::Succeeded : RunStatus::Failed;
      }
    } catch (const std::exception& e) {
      outcome.seconds = seconds_since(start);
      outcome.status = RunStatus::Failed;
      outcome.message = e.what();
    }
    if (outcome.status == RunStatus::Failed) {
      std::ofstream(run_log_path(run), std::ios::app) << "error: " << outcome.message << "\n";
    }
    report(options, run, outcome);
  }
  return outcomes;
}

struct ActiveRun {
  size_t index;
  pid_t pid;
  Clock::time_point start;
};

std::vector<RunOutcome> run_in_processes(const ExperimentConfig& config,
                                         const std::vector<ExperimentRun>& runs,
                                         const RunnerOptions& options,
                                         std::vector<RunOutcome> outcomes,
                                         std::deque<size_t> pending) {
  const auto parallel = static_cast<size_t>(std::max<int64_t>(1, options.parallel));
  std::vector<ActiveRun> active;
  const auto take = [&]() -> std::optional<size_t> {
    if (options.next_run) return options.next_run();
    if (pending.empty()) return std::nullopt;
    const size_t i = pending.front();
    pending.pop_front();
    return i;
  };
  bool exhausted = !options.next_run && pending.empty();
  while (!exhausted || !active.empty()) {
    if (stop_requested(options)) {
      for (const size_t i : pending) report(options, runs[i], outcomes[i]);  // NotStarted
      pending.clear();
      exhausted = true;
    }
    while (active.size() < parallel && !exhausted) {
      const std::optional<size_t> next = take();
      if (!next) {
        exhausted = true;
        break;
      }
      const size_t i = *next;
      prepare_run_dir(runs[i]);
      if (options.on_start) options.on_start(runs[i]);
      const pid_t pid = spawn_process(run_command_line(options.executable, config, runs[i]),
                                      run_log_path(runs[i]));
      active.push_back({i, pid, Clock::now()});
    }
    bool any_ended = false;
    for (size_t a = 0; a < active.size();) {
      const std::optional<int> exit_code = poll_process(active[a].pid);
      if (!exit_code) {
        ++a;
        continue;
      }
      any_ended = true;
      const size_t i = active[a].index;
      const ExperimentRun& run = runs[i];
      RunOutcome& outcome = outcomes[i];
      outcome.seconds = seconds_since(active[a].start);
      if (*exit_code == 0) {
        outcome.message = complete_run(config, run, options, outcome.seconds, nullptr);
        outcome.status = outcome.message.empty() ? RunStatus::Succeeded : RunStatus::Failed;
      } else if (*exit_code == options.interrupted_exit_code) {
        outcome.status = RunStatus::Interrupted;
      } else {
        outcome.status = RunStatus::Failed;
        const std::string last = last_log_line(run_log_path(run));
        outcome.message = fmt::format("exit code {}{}; see {}", *exit_code,
                                      last.empty() ? "" : ": " + last, run_log_path(run).string());
      }
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(a));
      report(options, run, outcome);
    }
    if (options.on_poll) options.on_poll();
    if (!any_ended && !active.empty()) std::this_thread::sleep_for(kPollInterval);
  }
  return outcomes;
}

}  // namespace

std::vector<ExperimentRun> experiment_grid(const ExperimentConfig& config) {
  FULCRUM_CHECK(config.datasets.empty(),
                "experiment_grid: experiment '{}' lists {} data sets, so it has no grid of its "
                "own; take the grid of each experiment dataset_experiments() returns",
                config.name, config.datasets.size());
  std::vector<ExperimentRun> runs;
  for (const StrategyConfig& strategy : config.strategies) {
    for (const uint64_t seed : config.seeds) {
      runs.push_back({strategy.name, seed,
                      config.output_dir / "runs" / strategy.name / fmt::format("seed{}", seed),
                      run_overrides(config, strategy, seed)});
    }
  }
  return runs;
}

std::filesystem::path run_log_path(const ExperimentRun& run) { return run.dir / "log.txt"; }

std::filesystem::path done_marker_path(const ExperimentRun& run) { return run.dir / "done"; }

std::string run_config_hash(const ExperimentConfig& config, const ExperimentRun& run) {
  config::RunConfig run_config = config::load_config(config.base, run.overrides);
  run_config.output_dir = run.dir.string();
  return fnv1a_hex(config::to_yaml(run_config));
}

bool run_finished(const ExperimentConfig& config, const ExperimentRun& run) {
  const train::RunPaths paths{run.dir};
  if (!std::filesystem::exists(paths.test_metrics_json()) ||
      !std::filesystem::exists(done_marker_path(run))) {
    return false;
  }
  const nlohmann::json marker =
      nlohmann::json::parse(read_text(done_marker_path(run)), nullptr, /*allow_exceptions=*/false);
  return marker.is_object() && marker.contains("config_hash") &&
         marker["config_hash"] == run_config_hash(config, run);
}

void write_done_marker(const ExperimentConfig& config, const ExperimentRun& run, double seconds) {
  const nlohmann::ordered_json marker{{"strategy", run.strategy},
                                      {"seed", run.seed},
                                      {"config_hash", run_config_hash(config, run)},
                                      {"seconds", seconds}};
  train::write_text_file(done_marker_path(run), marker.dump(2) + "\n");
}

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::Skipped:
      return "skipped (finished earlier)";
    case RunStatus::Succeeded:
      return "done";
    case RunStatus::Failed:
      return "FAILED";
    case RunStatus::Interrupted:
      return "interrupted";
    case RunStatus::NotStarted:
      return "not started";
  }
  return "?";
}

std::vector<std::string> run_command_line(const std::filesystem::path& executable,
                                          const ExperimentConfig& config,
                                          const ExperimentRun& run) {
  std::vector<std::string> argv{executable.string(), "train",
                                std::filesystem::absolute(config.base).string()};
  for (const std::string& text : run.overrides) {
    argv.push_back("--set");
    argv.push_back(text);
  }
  argv.push_back("--output-dir");
  argv.push_back(std::filesystem::absolute(run.dir).string());
  argv.push_back("--quiet");
  return argv;
}

std::vector<RunOutcome> run_experiment(const ExperimentConfig& config,
                                       const std::vector<ExperimentRun>& runs,
                                       const RunnerOptions& options) {
  std::vector<RunOutcome> outcomes(runs.size());
  std::deque<size_t> pending;
  for (size_t i = 0; i < runs.size(); ++i) outcomes[i].index = i;
  if (options.next_run) {
    FULCRUM_CHECK(!options.executable.empty(),
                  "run_experiment: next_run needs process mode (an executable)");
    return run_in_processes(config, runs, options, std::move(outcomes), std::move(pending));
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    if (run_finished(config, runs[i])) {
      outcomes[i].status = RunStatus::Skipped;
      report(options, runs[i], outcomes[i]);
    } else {
      pending.push_back(i);
    }
  }
  if (options.executable.empty()) {
    return run_in_process(config, runs, options, std::move(outcomes), pending);
  }
  return run_in_processes(config, runs, options, std::move(outcomes), std::move(pending));
}

}  // namespace fulcrum::experiment
