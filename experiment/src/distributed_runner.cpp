// run_experiment_distributed: a WorkQueue of grid indices feeding each
// process's run_experiment (RunnerOptions::next_run), with the outcomes of
// the other processes' runs reported back to rank 0.
#include "fulcrum/experiment/distributed_runner.hpp"

#include <fmt/format.h>

#include "fulcrum/distributed/work_queue.hpp"

namespace fulcrum::experiment {

std::vector<RunOutcome> run_experiment_distributed(
    const ExperimentConfig& config, const std::vector<ExperimentRun>& runs,
    const RunnerOptions& options, std::shared_ptr<distributed::Communicator> comm) {
  FULCRUM_CHECK(!options.executable.empty(),
                "run_experiment_distributed: runs are child processes: set options.executable");
  std::vector<RunOutcome> outcomes(runs.size());
  std::vector<int64_t> unfinished;
  for (size_t i = 0; i < runs.size(); ++i) {
    outcomes[i].index = i;
    if (!comm->is_root()) continue;
    if (run_finished(config, runs[i])) {
      outcomes[i].status = RunStatus::Skipped;
      if (options.on_end) options.on_end(runs[i], outcomes[i]);
    } else {
      unfinished.push_back(static_cast<int64_t>(i));
    }
  }

  // Rank 0 learns the other processes' outcomes from their reports, and
  // passes them to on_end as its own.
  const auto on_report = [&](int rank, const distributed::TaskReport& report) {
    if (rank == 0 || report.task < 0 || static_cast<size_t>(report.task) >= runs.size()) return;
    RunOutcome& outcome = outcomes[static_cast<size_t>(report.task)];
    outcome.status = static_cast<RunStatus>(report.status);
    outcome.seconds = static_cast<double>(report.value) / 1000.0;
    if (outcome.status == RunStatus::Failed) {
      outcome.message =
          fmt::format("on rank {}; see {}", rank, run_log_path(runs[outcome.index]).string());
    }
    if (options.on_end) options.on_end(runs[outcome.index], outcome);
  };
  distributed::WorkQueue queue(std::move(unfinished), comm, on_report);

  RunnerOptions local = options;
  local.next_run = [&queue]() -> std::optional<size_t> {
    const std::optional<int64_t> task = queue.next();
    if (!task) return std::nullopt;
    return static_cast<size_t>(*task);
  };
  local.on_poll = [&queue, poll = options.on_poll] {
    queue.serve();
    if (poll) poll();
  };
  local.on_end = [&queue, end = options.on_end](const ExperimentRun& run,
                                                const RunOutcome& outcome) {
    if (end) end(run, outcome);
    if (outcome.status == RunStatus::NotStarted) return;
    queue.report({static_cast<int64_t>(outcome.index), static_cast<int64_t>(outcome.status),
                  static_cast<int64_t>(outcome.seconds * 1000.0)});
  };
  const std::vector<RunOutcome> mine = run_experiment(config, runs, local);
  queue.done();
  for (const RunOutcome& outcome : mine) {
    if (outcome.status != RunStatus::NotStarted) outcomes[outcome.index] = outcome;
  }
  return outcomes;
}

}  // namespace fulcrum::experiment
