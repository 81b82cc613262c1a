#pragma once
// Running an experiment's grid across the processes of an MPI job
// (`mpirun -np N fulcrum experiment CONFIG`, docs/distributed.md).

#include <memory>
#include <vector>

#include "fulcrum/distributed/communicator.hpp"
#include "fulcrum/experiment/runner.hpp"

namespace fulcrum::experiment {

/// Runs the unfinished runs of `runs` across the processes of `comm`: rank 0
/// finds them (run_finished) and hands them out one at a time, in grid order,
/// to whichever process has a free slot (distributed::WorkQueue), itself
/// included; every process runs its runs as child processes
/// (options.executable, required), options.parallel at a time, calling
/// options.on_start / on_end for its own runs (rank 0 also calls on_end for
/// the other processes' runs, as their reports arrive). A failed run does not stop the
/// others. Every process must call it.
/// Returns on rank 0 one outcome per run, in grid order, whichever process
/// ran it (a failure on another rank names the rank and the run's log); on
/// the other ranks, the outcomes of their own runs (the rest NotStarted).
/// The runs' files are the same as run_experiment's, so results.csv is too.
std::vector<RunOutcome> run_experiment_distributed(const ExperimentConfig& config,
                                                   const std::vector<ExperimentRun>& runs,
                                                   const RunnerOptions& options,
                                                   std::shared_ptr<distributed::Communicator> comm);

}  // namespace fulcrum::experiment
