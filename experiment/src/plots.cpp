// The experiment report's plots (report.hpp report_plots).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "fulcrum/experiment/report.hpp"
#include "fulcrum/plot/svg_plot.hpp"

namespace fulcrum::experiment {

using plot::BarChart;
using plot::BarSeries;
using plot::LineChart;
using plot::LineSeries;
using plot::render_bar_chart;
using plot::render_line_chart;
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

std::optional<ReportPlot> f1_plot(const std::vector<SummaryRow>& rows, const std::string& head,
                                  const Styles& styles) {
  BarChart chart;
  size_t seeds = 0;
  for (const SummaryRow& row : rows) {
    if (row.head != head || !row.has_label_metric("f1")) continue;
    if (chart.categories.empty()) chart.categories = row.labels;
    seeds = std::max(seeds, row.seeds.size());
    BarSeries series{row.name(), {}, styles.color(row.strategy), styles.opacity(row.variant)};
    for (size_t l = 0; l < chart.categories.size(); ++l) {
      series.values.push_back(row.label_stat("f1", l).mean);
    }
    chart.series.push_back(std::move(series));
  }
  if (chart.series.empty()) return std::nullopt;
  chart.title = fmt::format("F1 per label on the test split, head '{}' (mean over {} seed{})", head,
                            seeds, seeds == 1 ? "" : "s");
  chart.x_label = "label";
  chart.y_label = "F1";
  return ReportPlot{fmt::format("f1_per_label_{}.svg", file_part(head)),
                    fmt::format("F1 per label, head '{}'", head), render_bar_chart(chart)};
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

std::optional<ReportPlot> curve_plot(const std::vector<RunResults>& runs, const Styles& styles,
                                     const std::string& key, const std::string& file,
                                     const std::string& title, const std::string& y_label) {
  const bool has_validation = std::any_of(runs.begin(), runs.end(), [&](const RunResults& run) {
    return std::any_of(run.epochs.begin(), run.epochs.end(), [&](const EpochRecord& epoch) {
      return validation_value(epoch, key).has_value();
    });
  });
  const bool training_loss = !has_validation && key == "loss";
  if (!has_validation && !training_loss) return std::nullopt;
  LineChart chart;
  for (const std::string& strategy : styles.strategies) {
    LineSeries series =
        mean_curve(runs, strategy, styles.color(strategy), [&](const EpochRecord& e) {
          return training_loss ? e.train_loss : validation_value(e, key);
        });
    if (!series.points.empty()) chart.series.push_back(std::move(series));
  }
  if (chart.series.empty()) return std::nullopt;
  chart.title = training_loss ? "Training loss by epoch (mean over seeds)" : title;
  chart.x_label = "epoch";
  chart.y_label = training_loss ? "training loss" : y_label;
  return ReportPlot{file, chart.title, render_line_chart(chart)};
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
    add(f1_plot(rows, head, styles));
    add(reliability_plot(runs, rows, head, styles));
  }
  add(curve_plot(runs, styles, "loss", "curve_loss.svg",
                 "Validation loss by epoch (each strategy's own loss; mean over seeds)",
                 "validation loss"));
  for (const std::string& head : heads) {
    add(curve_plot(runs, styles, head + ".f1_macro",
                   fmt::format("curve_{}_f1_macro.svg", file_part(head)),
                   fmt::format("Validation macro-F1 by epoch, head '{}' (mean over seeds)", head),
                   "validation macro-F1"));
  }
  return plots;
}

}  // namespace fulcrum::experiment
