// report.html: the test-split sections of multilabel and multiclass heads
// (run_report_sections.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "fulcrum/metrics/calibration.hpp"
#include "fulcrum/metrics/input.hpp"
#include "fulcrum/metrics/multiclass.hpp"
#include "fulcrum/metrics/multilabel.hpp"
#include "fulcrum/metrics/ranking.hpp"
#include "fulcrum/plot/svg_plot.hpp"
#include "run_report_sections.hpp"

namespace fulcrum::train::report {

namespace {

using Column = std::vector<double>;

// Column `c` of a row-major [n, k] tensor, widened to float64 as the metrics are.
Column column_of(const Tensor& t, int64_t c) {
  const int64_t n = t.size(0), k = t.size(1);
  Column out(static_cast<size_t>(n));
  const float* v = t.data();
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = v[i * k + c];
  return out;
}

// Points closer than `step` (in both coordinates, on [0, 1] axes) to the last
// kept one add nothing a reader can see; the last point is always kept.
std::vector<plot::LinePoint> thinned(const std::vector<double>& x, const std::vector<double>& y,
                                     double step = 0.002) {
  std::vector<plot::LinePoint> points;
  for (size_t k = 0; k < x.size(); ++k) {
    const bool last = k + 1 == x.size();
    if (!points.empty() && !last && std::abs(x[k] - points.back().x) < step &&
        std::abs(y[k] - points.back().y) < step) {
      continue;
    }
    points.push_back({x[k], y[k]});
  }
  return points;
}

plot::LineChart small_chart(const std::string& title, const std::string& x_label,
                            const std::string& y_label) {
  plot::LineChart chart;
  chart.title = title;
  chart.x_label = x_label;
  chart.y_label = y_label;
  chart.x_min = chart.y_min = 0.0;
  chart.x_max = chart.y_max = 1.0;
  chart.plot_width = 200;
  chart.plot_height = 150;
  chart.legend = false;
  return chart;
}

// Labels by support in the test split, most frequent first (ties: label order).
std::vector<size_t> by_frequency(const std::vector<int64_t>& support) {
  std::vector<size_t> order(support.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return support[a] > support[b]; });
  return order;
}

// sigmoid(logit(p) - log(w)): a probability of a head trained with
// pos_weight w, recalibrated (losses/class_weights.hpp); w <= 0 is left as is.
double recalibrated(double p, double w) {
  if (!(w > 0)) return p;
  const double z = std::log(p) - std::log1p(-p) - std::log(w);
  return 1.0 / (1.0 + std::exp(-z));
}

std::string curve_grids(const HeadPredictions& predictions, const metrics::MultiLabelMetrics& m,
                        const RunReportOptions& options) {
  std::vector<size_t> shown;
  for (const size_t l : by_frequency(m.support)) {
    const bool ranked = m.roc_auc[l].has_value();
    if (ranked && static_cast<int64_t>(shown.size()) < options.curve_labels) shown.push_back(l);
  }
  std::string out = "<h3>Precision–recall and ROC curves</h3>\n";
  const int64_t unranked = m.n_labels - static_cast<int64_t>(m.ranked_labels.size());
  if (static_cast<int64_t>(shown.size()) < static_cast<int64_t>(m.ranked_labels.size())) {
    out += fmt::format(
        "<p class=\"meta\">The {} most frequent of the {} labels in the test split; the table "
        "below has every label.</p>\n",
        shown.size(), m.n_labels);
  }
  if (unranked > 0) {
    out += fmt::format(
        "<p class=\"meta\">{} label{} with only one class in the test split {} no curve (AP "
        "and ROC-AUC are undefined there).</p>\n",
        unranked, unranked == 1 ? "" : "s", unranked == 1 ? "has" : "have");
  }
  std::string pr_grid = "<div class=\"grid\">\n", roc_grid = pr_grid;
  for (const size_t l : shown) {
    const Column truth = column_of(predictions.truth, static_cast<int64_t>(l));
    const Column score = column_of(predictions.probabilities, static_cast<int64_t>(l));
    const std::string& label = predictions.labels[l];
    const metrics::PrecisionRecallCurve pr = metrics::precision_recall_curve(truth, score);
    plot::LineChart pr_chart = small_chart(
        fmt::format("{} (AP {:.3f}, n={})", label, *m.average_precision[l], m.support[l]), "recall",
        "precision");
    const double prevalence = static_cast<double>(m.support[l]) / static_cast<double>(m.n_samples);
    // Drawn from the first threshold on: the curve's (0, 1) anchor would add a
    // vertical stroke at recall 0 that no threshold gives.
    const std::vector<double> recall(pr.recall.begin() + 1, pr.recall.end());
    const std::vector<double> precision(pr.precision.begin() + 1, pr.precision.end());
    pr_chart.series.push_back({"precision-recall", thinned(recall, precision), "", false, false});
    pr_chart.series.push_back(
        {"chance", {{0, prevalence}, {1, prevalence}}, "#999999", true, false});
    pr_grid += plot::render_line_chart(pr_chart);
    const metrics::RocCurve roc = metrics::roc_curve(truth, score);
    plot::LineChart roc_chart = small_chart(fmt::format("{} (AUC {:.3f})", label, *m.roc_auc[l]),
                                            "false positive rate", "true positive rate");
    roc_chart.diagonal = true;
    roc_chart.series.push_back(
        {"ROC", thinned(roc.false_positive_rate, roc.true_positive_rate), "", false, false});
    roc_grid += plot::render_line_chart(roc_chart);
  }
  if (shown.empty()) return out;
  return out + "<h4>Precision–recall (dashed: the label's frequency)</h4>\n" + pr_grid +
         "</div>\n<h4>ROC (dashed: chance)</h4>\n" + roc_grid + "</div>\n";
}

std::string reliability_chart(const HeadCard& head, nn::LossKind loss,
                              const HeadPredictions& predictions) {
  const Column truth = metrics::detail::to_doubles(predictions.truth);
  const Column raw = metrics::detail::to_doubles(predictions.probabilities);
  plot::LineChart chart;
  chart.title = fmt::format("Reliability, head '{}' (every label, {} bins)", head.name,
                            metrics::kCalibrationBins);
  chart.x_label = "mean predicted probability";
  chart.y_label = "fraction of positives";
  chart.x_min = chart.y_min = 0.0;
  chart.x_max = chart.y_max = 1.0;
  chart.diagonal = true;
  chart.plot_width = 360;
  chart.plot_height = 300;
  const auto add = [&](const std::string& name, const Column& probabilities) {
    plot::LineSeries series{fmt::format("{} (ECE {:.4f})", name,
                                        metrics::expected_calibration_error(truth, probabilities)),
                            {},
                            "",
                            false,
                            true};
    for (const metrics::ReliabilityBin& bin : metrics::reliability_bins(truth, probabilities)) {
      series.points.push_back({bin.mean_probability, bin.fraction_positive});
    }
    chart.series.push_back(std::move(series));
  };
  add("raw sigmoid(z)", raw);
  const bool recalibrates = loss == nn::LossKind::BCE && !head.pos_weight.empty();
  std::string note;
  if (recalibrates) {
    Column calibrated(raw.size());
    const size_t k = head.labels.size();
    for (size_t i = 0; i < raw.size(); ++i)
      calibrated[i] = recalibrated(raw[i], head.pos_weight[i % k]);
    add("recalibrated sigmoid(z - log pos_weight)", calibrated);
    note =
        "<p class=\"meta\">The head was trained with pos_weight, which raises its raw "
        "probabilities; the recalibrated ones undo that shift (docs/imbalance.md). Decisions "
        "use the raw probabilities and the thresholds.</p>\n";
  }
  return "<h3>Reliability</h3>\n<div class=\"chart\">" + plot::render_line_chart(chart) +
         "</div>\n" + note;
}

std::string label_table(const HeadPredictions& predictions, const metrics::MultiLabelMetrics& m) {
  std::string out =
      "<h3>Per label, by frequency</h3>\n<div class=\"scroll\"><table>\n<tr><th "
      "class=\"name\">label</th><th>support</th><th>threshold</th><th>precision</th>"
      "<th>recall</th><th>F1</th><th>AP</th><th>ROC-AUC</th></tr>\n";
  for (const size_t l : by_frequency(m.support)) {
    out += fmt::format(
        "<tr><td class=\"name\">{}</td><td>{}</td><td>{:.4g}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        escape(predictions.labels[l]), m.support[l], m.thresholds[l], cell(m.precision[l]),
        cell(m.recall[l]), cell(m.f1[l]), cell(m.average_precision[l]), cell(m.roc_auc[l]));
  }
  return out + "</table></div>\n";
}

}  // namespace

std::string multilabel_section(const HeadCard& head, nn::LossKind loss,
                               const HeadPredictions& predictions,
                               const RunReportOptions& options) {
  std::vector<float> thresholds(head.thresholds.begin(), head.thresholds.end());
  const metrics::MultiLabelMetrics m =
      metrics::multilabel_metrics(predictions.truth, predictions.probabilities, thresholds);
  std::string out =
      fmt::format("<h2>Head '{}': multilabel, {} labels</h2>\n", escape(head.name), m.n_labels);
  out += fmt::format(
      "<table>\n<tr><th>F1 micro</th><th>F1 macro</th><th>precision macro</th><th>recall "
      "macro</th><th>AP macro</th><th>ROC-AUC macro</th><th>subset accuracy</th><th>Hamming "
      "loss</th></tr>\n<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td>{}</td><td>{}</td></tr>\n</table>\n",
      cell(m.f1_micro), cell(m.f1_macro), cell(m.precision_macro), cell(m.recall_macro),
      cell(m.average_precision_macro), cell(m.roc_auc_macro), cell(m.subset_accuracy),
      cell(m.hamming_loss));
  out += curve_grids(predictions, m, options);
  out += reliability_chart(head, loss, predictions);
  out += label_table(predictions, m);
  return out;
}

std::string multiclass_section(const HeadCard& head, const HeadPredictions& predictions) {
  const metrics::MultiClassMetrics m =
      metrics::multiclass_metrics(predictions.truth, predictions.probabilities);
  std::string out =
      fmt::format("<h2>Head '{}': multiclass, {} classes</h2>\n", escape(head.name), m.n_classes);
  out += fmt::format(
      "<table>\n<tr><th>accuracy</th><th>balanced accuracy</th><th>F1 macro</th><th>F1 "
      "weighted</th><th>log loss</th></tr>\n<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td>{}</td></tr>\n</table>\n",
      cell(m.accuracy), cell(m.balanced_accuracy), cell(m.f1_macro), cell(m.f1_weighted),
      cell(m.log_loss));
  // Rows: the true class; columns: the predicted one. A cell's shade is its
  // share of the row, so a rare class's errors show as clearly as a common one's.
  out +=
      "<h3>Confusion matrix</h3>\n<p class=\"meta\">Rows: true class; columns: predicted "
      "class; shade: share of the row.</p>\n<table>\n<tr><th class=\"name\">true \\ "
      "predicted</th>";
  for (const std::string& name : predictions.labels) out += "<th>" + escape(name) + "</th>";
  out += "</tr>\n";
  for (int64_t t = 0; t < m.n_classes; ++t) {
    const int64_t total = m.support_per_class[static_cast<size_t>(t)];
    out += "<tr><th class=\"name\">" + escape(predictions.labels[static_cast<size_t>(t)]) + "</th>";
    for (int64_t p = 0; p < m.n_classes; ++p) {
      const int64_t count = m.confusion(t, p);
      const double share = total > 0 ? static_cast<double>(count) / static_cast<double>(total) : 0;
      out += fmt::format("<td style=\"background: rgba(78, 121, 167, {:.3f}); color: {}\">{}</td>",
                         share, share > 0.6 ? "#fff" : "#222", count);
    }
    out += "</tr>\n";
  }
  out +=
      "</table>\n<h3>Per class, by frequency</h3>\n<table>\n<tr><th class=\"name\">class</th>"
      "<th>support</th><th>precision</th><th>recall</th><th>F1</th></tr>\n";
  for (const size_t c : by_frequency(m.support_per_class)) {
    out += fmt::format(
        "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        escape(predictions.labels[c]), m.support_per_class[c], cell(m.precision_per_class[c]),
        cell(m.recall_per_class[c]), cell(m.f1_per_class[c]));
  }
  return out + "</table>\n";
}

}  // namespace fulcrum::train::report
