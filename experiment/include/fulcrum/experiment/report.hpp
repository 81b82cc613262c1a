#pragma once
// The experiment report, written to the experiment's output_dir:
//   results.csv   strategy,seed,head,metric,label,value: one row per run,
//                 evaluation and metric (label empty for aggregate metrics;
//                 value empty when undefined)
//   summary.md    what was run (fulcrum version and commit, each strategy's
//                 overrides verbatim), the data's imbalance (IRLbl, MeanIR,
//                 MaxIR), per head: strategies x main metrics as mean ± std
//                 over seeds, the strategy selected on the validation split,
//                 paired significance tests of each strategy against the
//                 baseline over seeds; the runs with their times and links to
//                 their directories and reports; per-label tables (labels by
//                 frequency)
//   plots/*.svg   per-label F1 with error bars, precision-recall curves,
//                 reliability diagrams (pooled and per label), loss and
//                 validation curves (fulcrum/plot/svg_plot.hpp, svg_panels.hpp); each at
//                 most 960 px wide
//   index.html    the same, self-contained (no script, no external style or
//                 font; the SVGs are files beside it)

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/experiment/config.hpp"
#include "fulcrum/experiment/results.hpp"
#include "fulcrum/experiment/summary.hpp"

namespace fulcrum::experiment {

/// Represents: what the report says about the experiment besides the numbers.
struct ReportContext {
  std::string name;  ///< the experiment's name
  std::string base;  ///< the base run config
  std::vector<uint64_t> seeds;
  std::vector<std::string> notes;  ///< e.g. failed or missing runs, one line each
  std::vector<std::string> overrides{};      ///< the experiment's `set`, applied to every run
  std::vector<StrategyConfig> strategies{};  ///< each strategy's definition, shown verbatim
  /// Where the report is written: links to the runs are relative to it
  /// (write_experiment_report sets it when empty).
  std::filesystem::path report_dir{};
};

/// Represents: one plot: its file name under plots/, a title, the SVG text.
struct ReportPlot {
  std::string file;
  std::string title;
  std::string svg;
};

/// results.csv's text (RFC 4180 quoting; numbers as their shortest
/// round-trip decimal).
std::string results_csv(const std::vector<RunResults>& runs);

/// The plots for `runs`, each at most 960 px wide: per head, F1 per label
/// (a panel per label, the 16 most frequent, a bar per strategy with its
/// mean ± std over seeds; one figure per evaluation), precision-recall curves
/// (micro-averaged, and of the 4 most frequent labels), a reliability diagram
/// (runs pooled per evaluation) and per-label reliability diagrams of the
/// baseline and the selected strategy; then each strategy's training and
/// validation loss on its own axis, and each head's validation macro-F1.
std::vector<ReportPlot> report_plots(const std::vector<RunResults>& runs,
                                     const std::vector<SummaryRow>& rows);

/// summary.md's text. `rows` is summarize(runs).
std::string summary_markdown(const ReportContext& context, const std::vector<RunResults>& runs,
                             const std::vector<SummaryRow>& rows,
                             const std::vector<ReportPlot>& plots);

/// Only the per-head summary tables of summary.md and the selected strategy,
/// for a terminal. Without `runs` the selection is on the test split.
std::string summary_tables_markdown(const std::vector<SummaryRow>& rows,
                                    const std::vector<RunResults>& runs = {});

/// index.html's text.
std::string index_html(const ReportContext& context, const std::vector<RunResults>& runs,
                       const std::vector<SummaryRow>& rows, const std::vector<ReportPlot>& plots);

/// Writes results.csv, summary.md, plots/ and index.html into `dir`
/// (created if needed; plots/ is emptied of old SVGs first).
void write_experiment_report(const ReportContext& context, const std::vector<RunResults>& runs,
                             const std::filesystem::path& dir);

}  // namespace fulcrum::experiment
