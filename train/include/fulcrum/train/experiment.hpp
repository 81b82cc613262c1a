#pragma once
// `fulcrum experiment CONFIG`: train a base config once per strategy and
// seed, then compare the strategies. The pieces:
//   experiment_config.hpp    the experiment file
//   experiment_runner.hpp    the grid of runs, run in parallel processes, resumably
//   experiment_variants.hpp  recalibrated / tuned-threshold evaluations of each run
//   experiment_results.hpp   reading finished runs back
//   experiment_summary.hpp   mean ± std over seeds
//   experiment_report.hpp    results.csv, summary.md, plots/*.svg, index.html

#include <filesystem>

#include "fulcrum/train/experiment_config.hpp"
#include "fulcrum/train/experiment_report.hpp"
#include "fulcrum/train/experiment_runner.hpp"

namespace fulcrum::train {

/// The command: loads `config` (load_experiment), runs every unfinished run
/// as `<self_exe> train ...` child processes (`parallel` at once), logs
/// progress with spdlog ("[3/12] pos_weight seed 1 ... done in 12.3 s"),
/// writes the report of every finished run to the experiment's output_dir and
/// prints the summary tables and the report's paths on stdout.
/// Ctrl-C: no new run starts; running ones stop after their epoch (they get
/// the signal too) and are redone next time.
/// `self_exe`: the fulcrum executable (the CLI passes "/proc/self/exe"; it is
/// resolved to the real path first). `quiet`: no per-run progress lines.
/// Returns 0 when every run finished, 1 when a run failed (the others still
/// ran; the report covers the finished ones), 130 when interrupted.
/// Throws ConfigError for a bad experiment config (before anything runs).
int run_experiment_command(const std::filesystem::path& config,
                           const std::filesystem::path& self_exe, bool quiet);

}  // namespace fulcrum::train
