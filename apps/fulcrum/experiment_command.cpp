// `fulcrum experiment CONFIG`: the grid of runs as child processes, then the
// report of every finished run and the summary tables on stdout.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "dataset_experiments.hpp"
#include "exit_codes.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/distributed/session.hpp"
#include "fulcrum/experiment/distributed_runner.hpp"
#include "fulcrum/experiment/experiment.hpp"
#include "interrupt.hpp"

namespace fulcrum::cli {

namespace {

std::filesystem::path resolve_executable(const std::filesystem::path& exe) {
  std::error_code error;
  const std::filesystem::path real = std::filesystem::canonical(exe, error);
  return error ? std::filesystem::absolute(exe) : real;
}

}  // namespace

int run_experiment(const ExperimentOptions& command) {
  std::vector<std::string> overrides = command.overrides;
  if (!command.output_dir.empty()) overrides.push_back("output_dir=" + command.output_dir);
  const experiment::ExperimentConfig config =
      experiment::load_experiment(command.config, overrides);
  if (!config.datasets.empty()) return run_dataset_experiments(config, command.quiet);
  return run_experiment_grid(config, command.quiet, nullptr);
}

int run_experiment_grid(const experiment::ExperimentConfig& config, bool quiet,
                        std::vector<experiment::RunResults>* finished) {
  using namespace fulcrum::experiment;
  const std::vector<ExperimentRun> runs = experiment_grid(config);
  const int64_t parallel = effective_parallelism(config);
  spdlog::info(
      "experiment '{}': {} strateg{} x {} seed{} = {} runs, {} at a time, {} thread{} "
      "each; output in {}",
      config.name, config.strategies.size(), config.strategies.size() == 1 ? "y" : "ies",
      config.seeds.size(), config.seeds.size() == 1 ? "" : "s", runs.size(), parallel,
      config.threads_per_run, config.threads_per_run == 1 ? "" : "s", config.output_dir.string());

  const int64_t cores = usable_cores();
  if (parallel * config.threads_per_run > cores) {
    // mpirun binds each of up to two processes to one core, and runs inherit it.
    spdlog::warn(
        "experiment '{}': {} runs at once x {} thread{} each, but this process may use {} "
        "core{} (its affinity; mpirun binds each of up to two processes to one core), so the "
        "runs share {}; under mpirun on one machine, set parallel: 1",
        config.name, parallel, config.threads_per_run, config.threads_per_run == 1 ? "" : "s",
        cores, cores == 1 ? "" : "s", cores == 1 ? "it" : "them");
  }

  RunnerOptions options;
  // Every run is this program's `train`, in a process of its own.
  options.executable = resolve_executable("/proc/self/exe");
  options.parallel = parallel;
  options.interrupted_exit_code = kExitInterrupted;
  // Ctrl-C: no new run starts; running ones get the signal too and stop after
  // their epoch, to be redone next time.
  std::atomic<bool> interrupted{false};
  options.stop = &interrupted;
  size_t ended = 0;
  options.on_end = [&](const ExperimentRun& run, const RunOutcome& outcome) {
    if (outcome.status == RunStatus::NotStarted) return;
    ++ended;
    const std::string prefix =
        fmt::format("[{}/{}] {} seed {} ...", ended, runs.size(), run.strategy, run.seed);
    switch (outcome.status) {
      case RunStatus::Failed:
        spdlog::error("{} FAILED after {:.1f} s: {}", prefix, outcome.seconds, outcome.message);
        break;
      case RunStatus::Interrupted:
        spdlog::warn("{} interrupted after {:.1f} s; it is redone next time", prefix,
                     outcome.seconds);
        break;
      case RunStatus::Succeeded:
        if (!quiet) spdlog::info("{} done in {:.1f} s", prefix, outcome.seconds);
        break;
      default:
        if (!quiet) spdlog::info("{} {}", prefix, to_string(outcome.status));
    }
  };
  // Under mpirun the processes share the grid (docs/distributed.md); rank 0
  // writes the report.
  const auto world = distributed::world();
  if (world->size() > 1) {
    distributed::set_timeout(config::load_config(config.base).distributed.timeout);
    spdlog::info("{} processes share the grid, {} run{} at a time each", world->size(), parallel,
                 parallel == 1 ? "" : "s");
  }
  std::vector<RunOutcome> outcomes;
  {
    const InterruptScope interrupt(interrupted);
    outcomes = world->size() > 1 ? run_experiment_distributed(config, runs, options, world)
                                 : run_experiment(config, runs, options);
  }
  if (!world->is_root()) return kExitOk;

  std::vector<RunResults> results;
  std::vector<std::string> notes;
  size_t failed = 0, unfinished = 0;
  for (const RunOutcome& outcome : outcomes) {
    const ExperimentRun& run = runs[outcome.index];
    if (outcome.status == RunStatus::Succeeded || outcome.status == RunStatus::Skipped) {
      try {
        results.push_back(read_run_results(run));
        continue;
      } catch (const std::exception& e) {
        spdlog::error("{} seed {}: cannot read its results: {}", run.strategy, run.seed, e.what());
        notes.push_back(
            fmt::format("Run {} seed {} is left out: {}", run.strategy, run.seed, e.what()));
        ++failed;
        continue;
      }
    }
    if (outcome.status == RunStatus::Failed) {
      ++failed;
      notes.push_back(
          fmt::format("Run {} seed {} FAILED: {}", run.strategy, run.seed, outcome.message));
    } else {
      ++unfinished;
    }
  }
  if (unfinished > 0) {
    notes.push_back(
        fmt::format("{} of {} runs are missing (interrupted or not started); run the "
                    "experiment again to finish them.",
                    unfinished, runs.size()));
  }
  const ReportContext context{config.name,      config.base.string(), config.seeds,     notes,
                              config.overrides, config.strategies,    config.output_dir};
  write_experiment_report(context, results, config.output_dir);

  const std::vector<SummaryRow> rows = summarize(results);
  std::fputs(summary_tables_markdown(rows, results).c_str(), stdout);
  std::fputs(fmt::format("\n{} of {} runs finished{}\nreport: {} (summary.md, results.csv, "
                         "plots/)\n",
                         results.size(), runs.size(),
                         failed > 0 ? fmt::format(", {} failed", failed) : std::string{},
                         (config.output_dir / "index.html").string())
                 .c_str(),
             stdout);
  std::fflush(stdout);
  if (finished != nullptr) *finished = std::move(results);
  if (unfinished > 0) return kExitInterrupted;
  return failed > 0 ? kExitRuntime : kExitOk;
}

}  // namespace fulcrum::cli
