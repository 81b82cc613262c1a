#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "fulcrum/metrics/calibration.hpp"
#include "fulcrum/metrics/report.hpp"

namespace fulcrum::metrics {
namespace {

/// Four decimals, or "n/a" for an undefined value.
std::string cell(const std::optional<double>& value) {
  return value ? fmt::format("{:.4f}", *value) : std::string("n/a");
}

size_t name_width(const std::vector<std::string>& names, size_t header) {
  size_t width = header;
  for (const auto& name : names) width = std::max(width, name.size());
  return width;
}

}  // namespace

std::string format_report(const MultiLabelMetrics& m, std::span<const std::string> label_names) {
  const auto names = detail::resolve_names(label_names, m.n_labels, "format_report", "label");
  const size_t w = name_width(names, 5);
  std::string out =
      fmt::format("Multi-label evaluation: {} samples, {} labels\n", m.n_samples, m.n_labels);
  out += fmt::format("{:<{}}  {:>7}  {:>9}  {:>9}  {:>6}  {:>6}  {:>7}  {:>6}\n", "label", w,
                     "support", "threshold", "precision", "recall", "F1", "ROC-AUC", "AP");
  out += fmt::format("{:-<{}}\n", "", w + 2 + 7 + 2 + 9 + 2 + 9 + 2 + 6 + 2 + 6 + 2 + 7 + 2 + 6);
  for (size_t l = 0; l < names.size(); ++l) {
    out += fmt::format("{:<{}}  {:>7}  {:>9.4f}  {:>9.4f}  {:>6.4f}  {:>6.4f}  {:>7}  {:>6}\n",
                       names[l], w, m.support[l], m.thresholds[l], m.precision[l], m.recall[l],
                       m.f1[l], cell(m.roc_auc[l]), cell(m.average_precision[l]));
  }
  out += fmt::format("\n{:<9}  {:>9}  {:>6}  {:>6}\n", "average", "precision", "recall", "F1");
  const auto average = [&](const char* name, double p, double r, double f) {
    out += fmt::format("{:<9}  {:>9.4f}  {:>6.4f}  {:>6.4f}\n", name, p, r, f);
  };
  average("micro", m.precision_micro, m.recall_micro, m.f1_micro);
  average("macro", m.precision_macro, m.recall_macro, m.f1_macro);
  average("weighted", m.precision_weighted, m.recall_weighted, m.f1_weighted);
  average("samples", m.precision_samples, m.recall_samples, m.f1_samples);

  out += fmt::format("\nROC-AUC            macro {}  micro {}\n", cell(m.roc_auc_macro),
                     cell(m.roc_auc_micro));
  out += fmt::format("average precision  macro {}  micro {}\n", cell(m.average_precision_macro),
                     cell(m.average_precision_micro));
  if (static_cast<int64_t>(m.ranked_labels.size()) < m.n_labels) {
    std::string undefined;
    for (size_t l = 0; l < names.size(); ++l)
      if (!m.roc_auc[l]) undefined += (undefined.empty() ? "" : ", ") + names[l];
    out += fmt::format(
        "  (averaged over {} of {} labels; undefined with one class in y_true: "
        "{})\n",
        m.ranked_labels.size(), m.n_labels, undefined);
  }
  out += fmt::format("label ranking AP   {:.4f}   coverage error {:.4f}\n",
                     m.label_ranking_average_precision, m.coverage_error);
  out += fmt::format("hamming loss       {:.4f}   subset accuracy {:.4f}\n", m.hamming_loss,
                     m.subset_accuracy);
  out += fmt::format("Brier (label mean) {:.4f}   ECE ({} bins) {:.4f}\n", m.brier_per_label_mean,
                     kCalibrationBins, m.expected_calibration_error);
  return out;
}

std::string format_report(const MultiClassMetrics& m, std::span<const std::string> class_names) {
  const auto names = detail::resolve_names(class_names, m.n_classes, "format_report", "class");
  const size_t w = name_width(names, 5);
  std::string out =
      fmt::format("Multi-class evaluation: {} samples, {} classes\n", m.n_samples, m.n_classes);
  out += fmt::format("{:<{}}  {:>7}  {:>9}  {:>6}  {:>6}\n", "class", w, "support", "precision",
                     "recall", "F1");
  out += fmt::format("{:-<{}}\n", "", w + 2 + 7 + 2 + 9 + 2 + 6 + 2 + 6);
  for (size_t c = 0; c < names.size(); ++c) {
    out += fmt::format("{:<{}}  {:>7}  {:>9.4f}  {:>6.4f}  {:>6.4f}\n", names[c], w,
                       m.support_per_class[c], m.precision_per_class[c], m.recall_per_class[c],
                       m.f1_per_class[c]);
  }
  out += fmt::format("\naccuracy {:.4f}   balanced accuracy {:.4f}\n", m.accuracy,
                     m.balanced_accuracy);
  out += fmt::format("F1 macro {:.4f}   F1 weighted {:.4f}\n", m.f1_macro, m.f1_weighted);
  out += fmt::format("log loss {:.4f}\n", m.log_loss);

  // Confusion matrix: rows are true classes, columns predicted ones.
  size_t cw = 1;
  for (int64_t count : m.confusion_matrix) cw = std::max(cw, std::to_string(count).size());
  for (const auto& name : names) cw = std::max(cw, name.size());
  out += fmt::format("\nconfusion matrix (rows: true class, columns: predicted)\n{:<{}}", "", w);
  for (const auto& name : names) out += fmt::format("  {:>{}}", name, cw);
  out += "\n";
  for (int64_t t = 0; t < m.n_classes; ++t) {
    out += fmt::format("{:<{}}", names[static_cast<size_t>(t)], w);
    for (int64_t p = 0; p < m.n_classes; ++p) out += fmt::format("  {:>{}}", m.confusion(t, p), cw);
    out += "\n";
  }
  return out;
}

}  // namespace fulcrum::metrics
