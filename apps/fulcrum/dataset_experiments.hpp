#pragma once
// `fulcrum experiment` on an experiment with a `datasets` list: each data set's
// grid in turn, then the report over data sets (multi_dataset_report.hpp).

#include <vector>

#include "fulcrum/experiment/config.hpp"
#include "fulcrum/experiment/results.hpp"

namespace fulcrum::cli {

/// Runs the grid of a single-data-set experiment, writes its report and prints
/// its summary tables; the finished runs' results go to `finished` when given.
/// Returns the exit code: 0, 1 (a run failed) or 130 (interrupted).
int run_experiment_grid(const experiment::ExperimentConfig& config, bool quiet,
                        std::vector<experiment::RunResults>* finished);

/// Runs every data set's experiment (dataset_experiments), in order, into
/// output_dir/<dataset>/, then writes the report over data sets into
/// output_dir and prints it. Stops after the data set in which Ctrl-C came.
/// Returns 0, 1 (a run failed) or 130 (interrupted).
int run_dataset_experiments(const experiment::ExperimentConfig& config, bool quiet);

}  // namespace fulcrum::cli
