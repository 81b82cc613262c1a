#pragma once
// Running an experiment's grid of runs (strategies x seeds), resumably.
//
// Each run writes to <output_dir>/runs/<strategy>/seed<k>/: the trainer's
// outputs (run_outputs.hpp), test_variants.json (variants.hpp),
// log.txt (the run's stdout and stderr in process mode; the error in
// in-process mode) and, last, a `done` marker. A run is finished when its
// test_metrics.json and `done` exist and the marker's config hash matches the
// config the run would use now; finished runs are skipped, and any other
// existing run directory is deleted and run again.
//
// Two ways to run:
// - process mode (the CLI): each run is `<exe> train <base> --set ...
//   --output-dir <dir> --quiet`, started with fork/execv (no shell), at most
//   `parallel` at once; the parent computes test_variants.json when a child
//   succeeds;
// - in-process mode (tests, library users): runs one after the other with a
//   Trainer in this process.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fulcrum/experiment/config.hpp"

namespace fulcrum::experiment {

/// Represents: one cell of the grid.
struct ExperimentRun {
  std::string strategy;
  uint64_t seed = 0;
  std::filesystem::path dir;           ///< output_dir/runs/<strategy>/seed<k>
  std::vector<std::string> overrides;  ///< run_overrides(config, strategy, seed)
};

/// strategies x seeds, strategy-major, in config order.
/// Requires: config.datasets is empty (ValueError otherwise; each of
/// dataset_experiments(config) has a grid).
std::vector<ExperimentRun> experiment_grid(const ExperimentConfig& config);

/// <run dir>/log.txt and <run dir>/done.
std::filesystem::path run_log_path(const ExperimentRun& run);
std::filesystem::path done_marker_path(const ExperimentRun& run);

/// A hash (16 hex digits) of the run's complete config (to_yaml of
/// load_config(base, overrides) with output_dir = run.dir): a changed base
/// file, override or environment variable changes it.
std::string run_config_hash(const ExperimentConfig& config, const ExperimentRun& run);

/// Whether `run` is finished (see the file comment).
bool run_finished(const ExperimentConfig& config, const ExperimentRun& run);

/// Writes the `done` marker ({"strategy", "seed", "config_hash", "seconds"}).
void write_done_marker(const ExperimentConfig& config, const ExperimentRun& run, double seconds);

enum class RunStatus {
  Skipped,  ///< finished by an earlier invocation
  Succeeded,
  Failed,       ///< non-zero exit, an exception, or missing outputs; see message
  Interrupted,  ///< stopped by Ctrl-C (interrupted_exit_code); redone next time
  NotStarted,   ///< a stop was requested before it started
};

/// "skipped", "done", "FAILED", "interrupted", "not started".
const char* to_string(RunStatus status);

/// What happened to run `index` of the grid.
struct RunOutcome {
  size_t index = 0;
  RunStatus status = RunStatus::NotStarted;
  double seconds = 0;
  std::string message;  ///< Failed: what went wrong, with the log path
};

/// How run_experiment runs the grid.
struct RunnerOptions {
  /// The `fulcrum` executable for process mode; empty: in-process mode.
  std::filesystem::path executable;
  /// Runs at once (process mode); in-process mode runs one at a time.
  int64_t parallel = 1;
  /// Compute test_variants.json after each run (needs the run's checkpoint,
  /// which a fake executable in a test does not write).
  bool evaluate_variants = true;
  /// When set to true (e.g. by a SIGINT handler), no new run starts; running
  /// children are waited for.
  const std::atomic<bool>* stop = nullptr;
  /// The exit code with which a child `fulcrum train` says it was interrupted
  /// (and can be resumed), as opposed to failed (the `fulcrum` command sets
  /// its own, apps/fulcrum/exit_codes.hpp); unset: every non-zero code is a
  /// failure.
  std::optional<int> interrupted_exit_code;
  /// Called (in this thread) when a run starts, and when it ends or is skipped.
  std::function<void(const ExperimentRun&)> on_start;
  std::function<void(const ExperimentRun&, const RunOutcome&)> on_end;
  /// Set when the processes of an MPI job share the grid
  /// (run_experiment_distributed, process mode only): called whenever a slot
  /// is free, it gives the grid index of the next run to do here, nullopt
  /// once none is left; run_experiment then neither looks for finished runs
  /// nor reports any as skipped (the caller does).
  std::function<std::optional<size_t>()> next_run;
  /// Called about every 4 ms while runs are going (process mode).
  std::function<void()> on_poll;
};

/// Runs every unfinished run of `runs` (normally experiment_grid(config)).
/// A failed run does not stop the others. Returns one outcome per run, in
/// grid order. Throws fulcrum::Error only when it cannot start at all (fork
/// fails, the log file cannot be created).
std::vector<RunOutcome> run_experiment(const ExperimentConfig& config,
                                       const std::vector<ExperimentRun>& runs,
                                       const RunnerOptions& options);

/// The command line of a run in process mode, argv[0] = `executable`:
/// train <base> --set <override>... --output-dir <dir> --quiet.
std::vector<std::string> run_command_line(const std::filesystem::path& executable,
                                          const ExperimentConfig& config, const ExperimentRun& run);

}  // namespace fulcrum::experiment
