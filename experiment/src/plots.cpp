// The experiment report's plots (report.hpp report_plots).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "fulcrum/experiment/report.hpp"
#include "fulcrum/plot/svg_panels.hpp"
#include "fulcrum/plot/svg_plot.hpp"
#include "report_data.hpp"

namespace fulcrum::experiment {

using plot::BarChart;
using plot::BarSeries;
using plot::LegendEntry;
using plot::LineChart;
using plot::LinePoint;
using plot::LineSeries;
using plot::Panel;
using plot::PanelGrid;
using plot::render_bar_chart;
using plot::render_line_chart;
using plot::render_panel_grid;
using plot::series_color;

namespace {

// A file-name-safe form of a head name.
std::string file_part(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    out += safe ? c : '_';
  }
  return out.empty() ? std::string("head") : out;
}

// Every evaluation of a strategy shares the strategy's colour; variants are
// lighter (bars) or dashed (lines).
struct Styles {
  std::vector<std::string> strategies;
  std::vector<std::string> variants{""};

  explicit Styles(const std::vector<SummaryRow>& rows) {
    for (const SummaryRow& row : rows) {
      if (std::find(strategies.begin(), strategies.end(), row.strategy) == strategies.end()) {
        strategies.push_back(row.strategy);
      }
      if (std::find(variants.begin(), variants.end(), row.variant) == variants.end()) {
        variants.push_back(row.variant);
      }
    }
  }
  const std::string& color(const std::string& strategy) const {
    const auto it = std::find(strategies.begin(), strategies.end(), strategy);
    return series_color(static_cast<size_t>(it - strategies.begin()));
  }
  double opacity(const std::string& variant) const {
    static const double levels[] = {1.0, 0.6, 0.35, 0.2};
    const auto it = std::find(variants.begin(), variants.end(), variant);
    return levels[std::min<size_t>(static_cast<size_t>(it - variants.begin()), 3)];
  }
};

std::vector<std::string> heads_of(const std::vector<SummaryRow>& rows) {
  std::vector<std::string> heads;
  for (const SummaryRow& row : rows) {
    if (std::find(heads.begin(), heads.end(), row.head) == heads.end()) heads.push_back(row.head);
  }
  return heads;
}

// The most labels a per-label figure shows as panels; the others are in the
// per-label tables.
constexpr size_t kMaxLabelPanels = 16;

std::string variant_suffix(const std::string& variant) {
  return variant.empty() ? std::string() : "_" + file_part(variant);
}

// Per label (most frequent first), each strategy's F1 as a bar with its
// spread over seeds: one grid per evaluation (the trainer's, each variant).
std::optional<ReportPlot> f1_plot(const std::vector<RunResults>& runs,
                                  const std::vector<SummaryRow>& rows, const std::string& head,
                                  const std::string& variant, const Styles& styles) {
  std::vector<const SummaryRow*> shown;
  for (const SummaryRow& row : rows) {
    if (row.head == head && row.variant == variant && row.has_label_metric("f1")) {
      shown.push_back(&row);
    }
  }
  if (shown.empty()) return std::nullopt;
  const SummaryRow& first = *shown.front();
  const LabelFrequency frequency = label_frequency(runs, first);
  const std::vector<size_t> order = most_frequent_first(frequency.counts);
  PanelGrid grid;
  size_t seeds = 0;
  for (const SummaryRow* row : shown) {
    grid.legend.push_back({row->strategy, styles.color(row->strategy)});
    seeds = std::max(seeds, row->seeds.size());
  }
  for (size_t k = 0; k < order.size() && k < kMaxLabelPanels; ++k) {
    const size_t l = order[k];
    Panel panel{fmt::format("{} (n={:.0f})", first.labels[l], frequency.counts[l]), {}, {}, {}};
    for (const SummaryRow* row : shown) {
      // Labels are matched by name: every run of a head has the same ones.
      const auto at = std::find(row->labels.begin(), row->labels.end(), first.labels[l]);
      const MeanStd stat =
          at == row->labels.end()
              ? MeanStd{}
              : row->label_stat("f1", static_cast<size_t>(at - row->labels.begin()));
      panel.bars.push_back(stat.mean);
      panel.errors.push_back(stat.std);
    }
    grid.panels.push_back(std::move(panel));
  }
  const std::string evaluation = variant.empty() ? std::string() : fmt::format(", {}", variant);
  grid.title = fmt::format("F1 per label, head '{}'{}: test split, mean ± std over {} seed{}", head,
                           evaluation, seeds, seeds == 1 ? "" : "s");
  grid.y_label = "F1";
  grid.columns = 4;
  const size_t hidden = order.size() > kMaxLabelPanels ? order.size() - kMaxLabelPanels : 0;
  std::string caption = fmt::format(
      "F1 per label, head '{}'{} (labels by frequency in the {}, n = positives there{})", head,
      evaluation, frequency.split,
      hidden > 0 ? fmt::format("; the {} rarer labels are in the tables", hidden) : std::string());
  return ReportPlot{fmt::format("f1_per_label_{}{}.svg", file_part(head), variant_suffix(variant)),
                    std::move(caption), render_panel_grid(grid)};
}

std::optional<ReportPlot> reliability_plot(const std::vector<RunResults>& runs,
                                           const std::vector<SummaryRow>& rows,
                                           const std::string& head, const Styles& styles) {
  LineChart chart;
  int bins = metrics::kCalibrationBins;
  for (const SummaryRow& row : rows) {
    if (row.head != head || row.kind != TaskKind::MultiLabel) continue;
    std::optional<ReliabilityBins> pooled;
    for (const RunResults& run : runs) {
      if (run.strategy != row.strategy) continue;
      for (const ReliabilityRecord& record : run.reliability) {
        if (record.head != head || record.variant != row.variant) continue;
        if (!pooled) {
          pooled = record.bins;
        } else {
          pooled->add(record.bins);
        }
      }
    }
    if (!pooled) continue;
    bins = pooled->bins;
    LineSeries series{row.name(), {}, styles.color(row.strategy), !row.variant.empty(), true};
    for (size_t b = 0; b < pooled->count.size(); ++b) {
      if (pooled->count[b] == 0) continue;
      series.points.push_back(
          {pooled->sum_predicted[b] / pooled->count[b], pooled->positives[b] / pooled->count[b]});
    }
    chart.series.push_back(std::move(series));
  }
  if (chart.series.empty()) return std::nullopt;
  chart.title =
      fmt::format("Reliability on the test split, head '{}' ({} bins, seeds pooled)", head, bins);
  chart.x_label = "mean predicted probability";
  chart.y_label = "fraction of positives";
  chart.x_min = chart.y_min = 0.0;
  chart.x_max = chart.y_max = 1.0;
  chart.diagonal = true;
  return ReportPlot{fmt::format("reliability_{}.svg", file_part(head)),
                    fmt::format("Reliability diagram, head '{}'", head), render_line_chart(chart)};
}

// The points of a reliability diagram: per non-empty bin, (mean predicted,
// fraction positive).
std::vector<LinePoint> reliability_points(const ReliabilityBins& bins) {
  std::vector<LinePoint> points;
  for (size_t b = 0; b < bins.count.size(); ++b) {
    if (bins.count[b] == 0) continue;
    points.push_back({bins.sum_predicted[b] / bins.count[b], bins.positives[b] / bins.count[b]});
  }
  return points;
}

// Label `label`'s bins of `strategy`'s evaluation `variant`, pooled over seeds.
std::optional<ReliabilityBins> pooled_label_bins(const std::vector<RunResults>& runs,
                                                 const std::string& strategy,
                                                 const std::string& variant,
                                                 const std::string& head, size_t label) {
  std::optional<ReliabilityBins> pooled;
  for (const RunResults& run : runs) {
    if (run.strategy != strategy) continue;
    for (const ReliabilityRecord& record : run.reliability) {
      if (record.head != head || record.variant != variant || label >= record.per_label.size()) {
        continue;
      }
      if (!pooled) {
        pooled = record.per_label[label];
      } else {
        pooled->add(record.per_label[label]);
      }
    }
  }
  return pooled;
}

// Per label (most frequent first), the reliability diagram of the baseline
// and of the strategy selected as best (and its recalibrated probabilities):
// two or three lines per panel stay readable where every strategy would not.
std::optional<ReportPlot> reliability_per_label_plot(const std::vector<RunResults>& runs,
                                                     const std::vector<SummaryRow>& rows,
                                                     const std::string& head,
                                                     const Styles& styles) {
  const auto row_of = [&](const std::string& strategy, const std::string& variant) {
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const SummaryRow& r) {
      return r.head == head && r.strategy == strategy && r.variant == variant;
    });
    return it == rows.end() ? nullptr : &*it;
  };
  const SummaryRow* baseline = row_of(baseline_strategy(rows), "");
  if (baseline == nullptr || baseline->kind != TaskKind::MultiLabel) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> shown{{baseline->strategy, ""}};
  if (const std::optional<Selection> best = select_best(runs, rows, head)) {
    const std::string& strategy = rows[best->row].strategy;
    if (strategy != baseline->strategy) shown.emplace_back(strategy, "");
    if (row_of(strategy, kRecalibratedVariant) != nullptr) {
      shown.emplace_back(strategy, kRecalibratedVariant);
    }
  }
  const LabelFrequency frequency = label_frequency(runs, *baseline);
  const std::vector<size_t> order = most_frequent_first(frequency.counts);
  PanelGrid grid;
  for (const auto& [strategy, variant] : shown) {
    grid.legend.push_back(
        {evaluation_name(strategy, variant), styles.color(strategy), !variant.empty()});
  }
  for (size_t k = 0; k < order.size() && k < kMaxLabelPanels; ++k) {
    const size_t l = order[k];
    Panel panel{fmt::format("{} (n={:.0f})", baseline->labels[l], frequency.counts[l]), {}, {}, {}};
    for (size_t s = 0; s < shown.size(); ++s) {
      const std::optional<ReliabilityBins> bins =
          pooled_label_bins(runs, shown[s].first, shown[s].second, head, l);
      if (!bins) continue;
      panel.lines.push_back({grid.legend[s].name, reliability_points(*bins), grid.legend[s].color,
                             grid.legend[s].dashed, true});
    }
    if (!panel.lines.empty()) grid.panels.push_back(std::move(panel));
  }
  if (grid.panels.empty()) return std::nullopt;
  grid.title = fmt::format("Reliability per label, head '{}': test split, seeds pooled", head);
  grid.x_label = "mean predicted probability";
  grid.y_label = "fraction of positives";
  grid.x_min = grid.y_min = 0.0;
  grid.x_max = grid.y_max = 1.0;
  grid.diagonal = true;
  grid.panel_height = 190;
  return ReportPlot{fmt::format("reliability_per_label_{}.svg", file_part(head)),
                    fmt::format("Reliability per label, head '{}': the baseline and the selected "
                                "strategy (labels by frequency in the {})",
                                head, frequency.split),
                    render_panel_grid(grid)};
}

// Precision and recall at each threshold of pooled counts; thresholds where
// nothing is predicted positive have no precision and are left out.
std::vector<LinePoint> pr_points(const PrCounts& counts) {
  std::vector<LinePoint> points;
  if (counts.positives <= 0) return points;
  for (size_t k = 0; k < counts.tp.size(); ++k) {
    const double predicted = counts.tp[k] + counts.fp[k];
    if (predicted <= 0) continue;
    points.push_back({counts.tp[k] / counts.positives, counts.tp[k] / predicted});
  }
  return points;
}

// `strategy`'s counts of `head`, pooled over seeds: of label `label`, or of
// every label (the micro-average) when label is nullopt.
std::optional<PrCounts> pooled_pr(const std::vector<RunResults>& runs, const std::string& strategy,
                                  const std::string& head, std::optional<size_t> label) {
  std::optional<PrCounts> pooled;
  for (const RunResults& run : runs) {
    if (run.strategy != strategy) continue;
    for (const PrRecord& record : run.pr) {
      if (record.head != head) continue;
      for (size_t l = 0; l < record.per_label.size(); ++l) {
        if (label && l != *label) continue;
        if (!pooled) {
          pooled = record.per_label[l];
        } else {
          pooled->add(record.per_label[l]);
        }
      }
    }
  }
  return pooled;
}

// The micro-averaged precision-recall curve of each strategy's raw
// probabilities, seeds pooled.
std::optional<ReportPlot> pr_plot(const std::vector<RunResults>& runs, const std::string& head,
                                  const Styles& styles) {
  LineChart chart;
  for (const std::string& strategy : styles.strategies) {
    const std::optional<PrCounts> counts = pooled_pr(runs, strategy, head, std::nullopt);
    if (!counts) continue;
    chart.series.push_back({strategy, pr_points(*counts), styles.color(strategy), false, false});
  }
  if (chart.series.empty()) return std::nullopt;
  chart.title =
      fmt::format("Precision-recall, head '{}' (micro-average, test split, seeds pooled)", head);
  chart.x_label = "recall";
  chart.y_label = "precision";
  chart.x_min = chart.y_min = 0.0;
  chart.x_max = chart.y_max = 1.0;
  return ReportPlot{fmt::format("pr_{}.svg", file_part(head)),
                    fmt::format("Precision-recall curves, head '{}' (micro-averaged over labels; "
                                "thresholds 0, 0.01, ..., 1 on the raw probabilities)",
                                head),
                    render_line_chart(chart)};
}

// The precision-recall curves of the most frequent labels, every strategy.
std::optional<ReportPlot> pr_per_label_plot(const std::vector<RunResults>& runs,
                                            const std::vector<SummaryRow>& rows,
                                            const std::string& head, const Styles& styles) {
  constexpr size_t kLabels = 4;
  const auto first = std::find_if(rows.begin(), rows.end(), [&](const SummaryRow& r) {
    return r.head == head && r.kind == TaskKind::MultiLabel;
  });
  if (first == rows.end()) return std::nullopt;
  const LabelFrequency frequency = label_frequency(runs, *first);
  const std::vector<size_t> order = most_frequent_first(frequency.counts);
  PanelGrid grid;
  for (const std::string& strategy : styles.strategies) {
    grid.legend.push_back({strategy, styles.color(strategy)});
  }
  for (size_t k = 0; k < order.size() && k < kLabels; ++k) {
    const size_t l = order[k];
    Panel panel{fmt::format("{} (n={:.0f})", first->labels[l], frequency.counts[l]), {}, {}, {}};
    for (const std::string& strategy : styles.strategies) {
      if (const std::optional<PrCounts> counts = pooled_pr(runs, strategy, head, l)) {
        panel.lines.push_back({strategy, pr_points(*counts), styles.color(strategy), false, false});
      }
    }
    if (!panel.lines.empty()) grid.panels.push_back(std::move(panel));
  }
  if (grid.panels.empty()) return std::nullopt;
  grid.title = fmt::format("Precision-recall of the {} most frequent labels, head '{}'",
                           grid.panels.size(), head);
  grid.x_label = "recall";
  grid.y_label = "precision";
  grid.x_min = grid.y_min = 0.0;
  grid.x_max = grid.y_max = 1.0;
  grid.panel_height = 210;
  return ReportPlot{fmt::format("pr_per_label_{}.svg", file_part(head)),
                    fmt::format("Precision-recall of the most frequent labels, head '{}'", head),
                    render_panel_grid(grid)};
}

// The mean over a strategy's runs of `value(epoch record)` at each epoch.
template <class Value>
LineSeries mean_curve(const std::vector<RunResults>& runs, const std::string& strategy,
                      const std::string& color, Value value) {
  std::map<int64_t, std::pair<double, int>> sums;
  for (const RunResults& run : runs) {
    if (run.strategy != strategy) continue;
    for (const EpochRecord& epoch : run.epochs) {
      if (const std::optional<double> v = value(epoch)) {
        sums[epoch.epoch].first += *v;
        sums[epoch.epoch].second += 1;
      }
    }
  }
  LineSeries series{strategy, {}, color, false, false};
  for (const auto& [epoch, sum] : sums) {
    series.points.push_back({static_cast<double>(epoch), sum.first / sum.second});
  }
  return series;
}

std::optional<double> validation_value(const EpochRecord& epoch, const std::string& key) {
  for (const auto& [name, value] : epoch.validation) {
    if (name == key) return value;
  }
  return std::nullopt;
}

// A validation metric by epoch, one line per strategy (mean over seeds), on
// one axis: the metric means the same for every strategy.
std::optional<ReportPlot> curve_plot(const std::vector<RunResults>& runs, const Styles& styles,
                                     const std::string& key, const std::string& file,
                                     const std::string& title, const std::string& y_label) {
  LineChart chart;
  for (const std::string& strategy : styles.strategies) {
    LineSeries series = mean_curve(runs, strategy, styles.color(strategy),
                                   [&](const EpochRecord& e) { return validation_value(e, key); });
    if (!series.points.empty()) chart.series.push_back(std::move(series));
  }
  if (chart.series.empty()) return std::nullopt;
  chart.title = title;
  chart.x_label = "epoch";
  chart.y_label = y_label;
  return ReportPlot{file, chart.title, render_line_chart(chart)};
}

// Each strategy's training and validation loss on its own axis: the losses
// of different strategies (BCE, focal, weighted) are not on one scale.
std::optional<ReportPlot> loss_plot(const std::vector<RunResults>& runs, const Styles& styles) {
  PanelGrid grid;
  grid.legend = {{"training loss", "#777", true}, {"validation loss", "#4e79a7", false}};
  for (const std::string& strategy : styles.strategies) {
    LineSeries training = mean_curve(runs, strategy, grid.legend[0].color,
                                     [](const EpochRecord& e) { return e.train_loss; });
    LineSeries validation =
        mean_curve(runs, strategy, grid.legend[1].color,
                   [](const EpochRecord& e) { return validation_value(e, "loss"); });
    training.name = "training loss";
    training.dashed = true;
    validation.name = "validation loss";
    Panel panel{strategy, {}, {}, {}};
    if (!training.points.empty()) panel.lines.push_back(std::move(training));
    if (!validation.points.empty()) panel.lines.push_back(std::move(validation));
    if (!panel.lines.empty()) grid.panels.push_back(std::move(panel));
  }
  if (grid.panels.empty()) return std::nullopt;
  grid.title = "Loss by epoch, each strategy on its own axis (mean over seeds)";
  grid.x_label = "epoch";
  grid.y_label = "loss (each strategy's own)";
  grid.columns = 3;
  return ReportPlot{"curve_loss.svg",
                    "Training and validation loss by epoch; each strategy has its own loss "
                    "function, so each has its own axis",
                    render_panel_grid(grid)};
}

}  // namespace

std::vector<ReportPlot> report_plots(const std::vector<RunResults>& runs,
                                     const std::vector<SummaryRow>& rows) {
  const Styles styles(rows);
  std::vector<ReportPlot> plots;
  const auto add = [&](std::optional<ReportPlot> plot) {
    if (plot) plots.push_back(std::move(*plot));
  };
  const std::vector<std::string> heads = heads_of(rows);
  for (const std::string& head : heads) {
    for (const std::string& variant : styles.variants) {
      add(f1_plot(runs, rows, head, variant, styles));
    }
    add(pr_plot(runs, head, styles));
    add(pr_per_label_plot(runs, rows, head, styles));
    add(reliability_plot(runs, rows, head, styles));
    add(reliability_per_label_plot(runs, rows, head, styles));
  }
  add(loss_plot(runs, styles));
  for (const std::string& head : heads) {
    add(curve_plot(runs, styles, head + ".f1_macro",
                   fmt::format("curve_{}_f1_macro.svg", file_part(head)),
                   fmt::format("Validation macro-F1 by epoch, head '{}' (mean over seeds)", head),
                   "validation macro-F1"));
  }
  return plots;
}

}  // namespace fulcrum::experiment
