#pragma once
// The experiment report, written to the experiment's output_dir:
//   results.csv   strategy,seed,head,metric,label,value: one row per run,
//                 evaluation and metric (label empty for aggregate metrics;
//                 value empty when undefined)
//   summary.md    per head: strategies x main metrics as mean ± std over
//                 seeds (best macro-F1 in bold), then per-label tables
//   plots/*.svg   per-label F1 by strategy, reliability diagrams, training
//                 curves (fulcrum/plot/svg_plot.hpp)
//   index.html    the same tables and the plots, self-contained (no script,
//                 no external style or font; the SVGs are files beside it)

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/experiment/results.hpp"
#include "fulcrum/experiment/summary.hpp"

namespace fulcrum::experiment {

/// Represents: what the report says about the experiment besides the numbers.
struct ReportContext {
  std::string name;  ///< the experiment's name
  std::string base;  ///< the base run config
  std::vector<uint64_t> seeds;
  std::vector<std::string> notes;  ///< e.g. failed or missing runs, one line each
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

/// The plots for `runs`: per head, F1 per label by evaluation (grouped bars)
/// and, for multilabel heads with reliability data, a reliability diagram
/// (runs pooled per evaluation); then training curves, mean over seeds per
/// strategy: validation loss (training loss without validation) and each
/// head's validation macro-F1.
std::vector<ReportPlot> report_plots(const std::vector<RunResults>& runs,
                                     const std::vector<SummaryRow>& rows);

/// summary.md's text.
std::string summary_markdown(const ReportContext& context, const std::vector<SummaryRow>& rows,
                             const std::vector<ReportPlot>& plots);

/// Only the per-head summary tables of summary.md, for a terminal.
std::string summary_tables_markdown(const std::vector<SummaryRow>& rows);

/// index.html's text.
std::string index_html(const ReportContext& context, const std::vector<SummaryRow>& rows,
                       const std::vector<ReportPlot>& plots);

/// Writes results.csv, summary.md, plots/ and index.html into `dir`
/// (created if needed; plots/ is emptied of old SVGs first).
void write_experiment_report(const ReportContext& context, const std::vector<RunResults>& runs,
                             const std::filesystem::path& dir);

}  // namespace fulcrum::experiment
