// results.csv, summary.md and index.html (report.hpp). The two
// documents are rendered from one list of blocks, so they say the same thing.
#include "fulcrum/experiment/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "fulcrum/data/csv_fields.hpp"
#include "fulcrum/plot/svg_document.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "report_blocks.hpp"
#include "report_data.hpp"
#include "report_sections.hpp"

namespace fulcrum::experiment {


namespace {

// -- results.csv ----------------------------------------------------------------

std::string csv_value(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? fmt::format("{}", *value) : std::string{};
}

// -- the document -----------------------------------------------------------------

const char* variant_description(const std::string& variant) {
  if (variant == kRecalibratedVariant) {
    return "probabilities from logits - log(pos_weight) (log of the class weight for "
           "multiclass heads), i.e. calibrated again; decisions at the configured threshold.";
  }
  if (variant == kTunedThresholdsVariant) {
    return "each label's threshold maximises its F1 on the validation split (not the test "
           "split); probabilities unchanged.";
  }
  return "an evaluation found in the runs' test_variants.json.";
}

std::vector<std::string> distinct(const std::vector<SummaryRow>& rows,
                                  std::string SummaryRow::*field) {
  std::vector<std::string> out;
  for (const SummaryRow& row : rows) {
    const std::string& value = row.*field;
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
  }
  return out;
}

// The strategies x metrics table of a head; the selected row in bold.
Table summary_table(const std::vector<SummaryRow>& rows, const std::string& head, TaskKind kind,
                    std::optional<size_t> selected) {
  const auto& columns = summary_columns(kind);
  Table table;
  table.header = {"strategy", "runs"};
  for (const auto& [metric, title] : columns) table.header.push_back(title);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].head != head) continue;
    const bool is_best = selected && *selected == i;
    std::vector<Cell> cells{{rows[i].name(), is_best},
                            {std::to_string(rows[i].seeds.size()), false}};
    for (const auto& [metric, title] : columns) {
      cells.push_back({format_mean_std(rows[i].scalar(metric)), is_best && metric == "f1_macro"});
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string format_support(const MeanStd& stat) {
  if (!stat.mean) return "n/a";
  const double v = *stat.mean;
  return v == std::round(v) ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}

// One row's per-label means, labels by frequency (most frequent first).
Table per_label_table(const SummaryRow& row, const LabelFrequency& frequency) {
  static const std::vector<std::pair<std::string, std::string>> columns{{"support", "support"},
                                                                        {"threshold", "threshold"},
                                                                        {"precision", "precision"},
                                                                        {"recall", "recall"},
                                                                        {"f1", "F1"}};
  Table table;
  table.header = {row.kind == TaskKind::MultiClass ? "class" : "label",
                  fmt::format("count ({})", frequency.split)};
  std::vector<std::string> metrics;
  for (const auto& [metric, title] : columns) {
    if (!row.has_label_metric(metric)) continue;
    metrics.push_back(metric);
    table.header.push_back(title);
  }
  for (const size_t l : most_frequent_first(frequency.counts)) {
    std::vector<Cell> cells{{row.labels[l], false},
                            {format_support(MeanStd{1, frequency.counts[l], std::nullopt}), false}};
    for (const std::string& metric : metrics) {
      const MeanStd stat = row.label_stat(metric, l);
      cells.push_back({metric == "support" ? format_support(stat)
                       : stat.mean         ? fmt::format("{:.4f}", *stat.mean)
                                           : std::string("n/a"),
                       false});
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

// Per head: a heading, the strategies x metrics table and the selected
// strategy (on the validation split when `runs` have one).
void add_summary_tables(std::vector<Block>& blocks, const std::vector<SummaryRow>& rows,
                        const std::vector<RunResults>& runs) {
  for (const std::string& head : distinct(rows, &SummaryRow::head)) {
    const auto first =
        std::find_if(rows.begin(), rows.end(), [&](const SummaryRow& r) { return r.head == head; });
    const std::optional<Selection> selected = select_best(runs, rows, head);
    blocks.push_back(Heading{2, fmt::format("Head '{}' ({})", head, first->kind)});
    blocks.push_back(summary_table(rows, head, first->kind,
                                   selected ? std::optional(selected->row) : std::nullopt));
    add_selection(blocks, runs, rows, head);
  }
}

std::vector<Block> document(const ReportContext& context, const std::vector<RunResults>& runs,
                            const std::vector<SummaryRow>& rows,
                            const std::vector<ReportPlot>& plots) {
  std::vector<Block> blocks;
  blocks.push_back(Heading{1, fmt::format("Experiment {}", context.name)});
  add_provenance(blocks, context);
  blocks.push_back(Paragraph{
      "Every value is on the test split: mean ± sample standard deviation over the seeds (n/a: "
      "undefined, e.g. a single run). The strategy selected as best for each head is in bold."});
  std::vector<std::string> variants = distinct(rows, &SummaryRow::variant);
  const auto rank = [](const std::string& v) {
    return v.empty() ? 0 : v == kRecalibratedVariant ? 1 : v == kTunedThresholdsVariant ? 2 : 3;
  };
  std::stable_sort(variants.begin(), variants.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  for (const std::string& variant : variants) {
    if (variant.empty()) continue;
    blocks.push_back(Paragraph{fmt::format("({}): {}", variant, variant_description(variant))});
  }
  for (const std::string& note : context.notes) blocks.push_back(Paragraph{note});
  if (rows.empty()) blocks.push_back(Paragraph{"No finished run to report yet."});

  add_strategy_definitions(blocks, context);
  add_imbalance_measures(blocks, runs, rows);
  add_summary_tables(blocks, rows, runs);
  for (const std::string& head : distinct(rows, &SummaryRow::head)) {
    add_paired_tests(blocks, runs, rows, head);
  }
  if (!plots.empty()) {
    blocks.push_back(Heading{2, "Plots"});
    for (const ReportPlot& plot : plots) blocks.push_back(Image{"plots/" + plot.file, plot.title});
  }
  add_run_table(blocks, context, runs);
  for (const std::string& head : distinct(rows, &SummaryRow::head)) {
    blocks.push_back(Heading{
        2,
        fmt::format("Per-label results, head '{}' (mean over seeds, most frequent first)", head)});
    for (const SummaryRow& row : rows) {
      if (row.head != head || row.labels.empty()) continue;
      blocks.push_back(Heading{3, row.name()});
      blocks.push_back(per_label_table(row, label_frequency(runs, row)));
    }
  }
  return blocks;
}

}  // namespace

std::string results_csv(const std::vector<RunResults>& runs) {
  std::string out = "strategy,seed,head,metric,label,value\n";
  for (const RunResults& run : runs) {
    for (const EvaluationMetrics& evaluation : run.evaluations) {
      const std::string prefix = fmt::format(
          "{},{},", data::csv_field(evaluation_name(run.strategy, evaluation.variant)), run.seed);
      for (const HeadMetrics& head : evaluation.heads) {
        const std::string head_prefix = prefix + data::csv_field(head.head) + ",";
        for (const auto& [metric, value] : head.scalars) {
          out += head_prefix + data::csv_field(metric) + ",," + csv_value(value) + "\n";
        }
        for (size_t l = 0; l < head.labels.size(); ++l) {
          for (const auto& [metric, values] : head.per_label) {
            out += head_prefix + data::csv_field(metric) + "," + data::csv_field(head.labels[l]) +
                   "," + csv_value(l < values.size() ? values[l] : std::nullopt) + "\n";
          }
        }
        for (const auto& [metric, label, value] : head.other) {
          out += head_prefix + data::csv_field(metric) + "," + data::csv_field(label) + "," +
                 csv_value(value) + "\n";
        }
      }
    }
  }
  return out;
}

std::string summary_markdown(const ReportContext& context, const std::vector<RunResults>& runs,
                             const std::vector<SummaryRow>& rows,
                             const std::vector<ReportPlot>& plots) {
  return markdown_document(document(context, runs, rows, plots));
}

std::string summary_tables_markdown(const std::vector<SummaryRow>& rows,
                                    const std::vector<RunResults>& runs) {
  std::vector<Block> blocks;
  add_summary_tables(blocks, rows, runs);
  return markdown_document(blocks);
}

std::string index_html(const ReportContext& context, const std::vector<RunResults>& runs,
                       const std::vector<SummaryRow>& rows, const std::vector<ReportPlot>& plots) {
  return html_document(document(context, runs, rows, plots), fmt::format("Experiment {}", context.name));
}

void write_experiment_report(const ReportContext& context, const std::vector<RunResults>& runs,
                             const std::filesystem::path& dir) {
  const std::filesystem::path plot_dir = dir / "plots";
  std::filesystem::create_directories(plot_dir);
  for (const auto& entry : std::filesystem::directory_iterator(plot_dir)) {
    if (entry.path().extension() == ".svg") std::filesystem::remove(entry.path());
  }
  const std::vector<SummaryRow> rows = summarize(runs);
  const std::vector<ReportPlot> plots = report_plots(runs, rows);
  train::write_text_file(dir / "results.csv", results_csv(runs));
  for (const ReportPlot& plot : plots) train::write_text_file(plot_dir / plot.file, plot.svg);
  ReportContext located = context;
  if (located.report_dir.empty()) located.report_dir = dir;
  train::write_text_file(dir / "summary.md", summary_markdown(located, runs, rows, plots));
  train::write_text_file(dir / "index.html", index_html(located, runs, rows, plots));
}

}  // namespace fulcrum::experiment
