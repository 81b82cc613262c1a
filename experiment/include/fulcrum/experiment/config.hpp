#pragma once
// The experiment config behind `fulcrum experiment CONFIG`: one base run
// config, trained once per (strategy, seed). Example (configs/experiments/):
//
//   name: yeast                  # optional; default: the file's stem
//   base: ../yeast.yaml          # run config, relative to this file
//   output_dir: runs/experiments/yeast   # relative to the working directory
//   seeds: [0, 1, 2]
//   parallel: 2                  # concurrent runs (processes); 0: cores / threads_per_run
//   threads_per_run: 1
//   set: [training.epochs=100]   # --set overrides applied to every run (optional)
//   strategies:
//     - name: plain_bce
//       set: []
//     - name: pos_weight
//       set: [model.heads.labels.loss.pos_weight=neg_over_pos]
//
// Several data sets instead of one base: a `datasets` list (without `base`),
// each data set its own experiment with the same strategies and seeds, in
// output_dir/<dataset name>/, compared across data sets by average ranks
// (multi_dataset_report.hpp):
//
//   datasets:
//     - name: bibtex
//       base: ../mulan/bibtex.yaml
//       set: [data.sparse=true]  # overrides of this data set's runs (optional)
//     - {name: emotions, base: ../mulan/emotions.yaml}
//
// The whole experiment is checked before anything runs: unknown keys (with a
// "did you mean"), types, duplicate strategy names, and every override, by
// building each strategy's run config once, so that a typo in the last
// strategy fails in a second rather than after an hour of runs.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/config/config_error.hpp"

namespace fulcrum::experiment {

/// Represents: one way to train, as --set overrides of the base config.
/// name is safe as a file name ([A-Za-z0-9_.-], not starting with '.').
struct StrategyConfig {
  std::string name;
  std::vector<std::string> overrides;  ///< the `set` list, "key.path=value" each

  friend bool operator==(const StrategyConfig&, const StrategyConfig&) = default;
};

/// Represents: one data set of a multi-data-set experiment: its base run
/// config and overrides applied after the experiment's `set`, before the
/// strategy's. name is safe as a file name, as a strategy's.
struct DatasetConfig {
  std::string name;
  std::filesystem::path base;          ///< the run config, absolute
  std::vector<std::string> overrides;  ///< the `set` list

  friend bool operator==(const DatasetConfig&, const DatasetConfig&) = default;
};

/// Represents: a checked experiment config.
/// Ensures (after load_experiment / parse_experiment): base is absolute and
/// loads with every strategy's overrides; seeds is non-empty without repeats;
/// strategies is non-empty with unique names; parallel >= 0;
/// threads_per_run >= 1; no override sets seed, threads or output_dir (the
/// experiment sets them per run).
struct ExperimentConfig {
  std::string name;                  ///< the file's stem ("yeast")
  std::filesystem::path base;        ///< the run config, absolute
  std::filesystem::path output_dir;  ///< default: runs/experiments/<name>
  std::vector<uint64_t> seeds;
  int64_t parallel = 0;  ///< 0: as many runs as cores allow
  int64_t threads_per_run = 1;
  std::vector<std::string> overrides;  ///< `set`: applied to every run, before the strategy's
  std::vector<StrategyConfig> strategies;
  std::vector<DatasetConfig> datasets;  ///< empty: one data set, `base`
  std::string source_path;  ///< the file it was read from (for messages)

  friend bool operator==(const ExperimentConfig&, const ExperimentConfig&) = default;
};

/// Reads and checks an experiment file. Throws ConfigError naming
/// file:line:column and the key (e.g. "strategies[1].set[0]") for: a missing
/// file, YAML syntax, an unknown key (nearest valid key suggested), a wrong
/// type, an empty seeds or strategies list, a repeated seed or strategy name,
/// a strategy name unfit for a file name, an override of seed / threads /
/// output_dir, both or neither of base and datasets, a repeated or unfit
/// data set name, a base config that is missing, invalid, has no test split, or
/// rejects an override (the message names the strategy and the override).
/// Also checks that the base config's data files exist.
/// `overrides` are the CLI's `--set key.path=value` settings of the
/// experiment file's own keys (seeds=[0,1], output_dir=..., parallel=2),
/// applied before anything is checked, as for a run config.
ExperimentConfig load_experiment(const std::filesystem::path& file,
                                 const std::vector<std::string>& overrides = {});

/// As load_experiment, from YAML text; `source_name` names it in messages and
/// is the file `base` is relative to.
ExperimentConfig parse_experiment(const std::string& yaml_text, const std::string& source_name,
                                  const std::vector<std::string>& overrides = {});

/// One single-data-set experiment per entry of config.datasets, in order:
/// name "<name>/<dataset>", the data set's base, the experiment's `set` then
/// the data set's, output_dir/<dataset>; strategies, seeds, parallel and
/// threads_per_run as config's. Empty when config.datasets is.
std::vector<ExperimentConfig> dataset_experiments(const ExperimentConfig& config);

/// The overrides of one run, in the order they apply: the experiment's `set`,
/// the strategy's `set`, then seed=<seed> and threads=<threads_per_run>.
std::vector<std::string> run_overrides(const ExperimentConfig& config,
                                       const StrategyConfig& strategy, uint64_t seed);

/// The number of runs at once for `parallel` (0: the cores this process may
/// run on, its affinity mask, divided by threads_per_run), at least 1. Under
/// mpirun, which binds each of up to two processes to a core, that is one
/// run per process; the runs inherit the binding.
int64_t effective_parallelism(const ExperimentConfig& config);

/// The cores this process may run on (its affinity mask; at least 1).
int64_t usable_cores();

}  // namespace fulcrum::experiment
