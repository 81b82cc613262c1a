#include <fmt/format.h>

#include <optional>

#include "fulcrum/metrics/report.hpp"

namespace fulcrum::metrics {
namespace {

/// Quotes a field that holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

/// Accumulates `metric,label,value` rows.
class CsvRows {
 public:
  CsvRows() : text_("metric,label,value\n") {}
  /// `{}` formats a double with the fewest digits that read back exactly.
  void add(const std::string& metric, const std::string& label, double value) {
    row(metric, label, fmt::format("{}", value));
  }
  /// A float32 value with the fewest digits that read back as that float.
  void add(const std::string& metric, const std::string& label, float value) {
    row(metric, label, fmt::format("{}", value));
  }
  void add(const std::string& metric, const std::string& label, int64_t value) {
    row(metric, label, std::to_string(value));
  }
  void add(const std::string& metric, const std::string& label,
           const std::optional<double>& value) {
    row(metric, label, value ? fmt::format("{}", *value) : std::string());
  }
  std::string str() && { return std::move(text_); }

 private:
  void row(const std::string& metric, const std::string& label, const std::string& value) {
    text_ += csv_field(metric) + "," + csv_field(label) + "," + value + "\n";
  }
  std::string text_;
};

}  // namespace

std::string to_csv(const MultiLabelMetrics& m, std::span<const std::string> label_names) {
  const auto names = detail::resolve_names(label_names, m.n_labels, "to_csv", "label");
  CsvRows rows;
  rows.add("n_samples", "", m.n_samples);
  rows.add("n_labels", "", m.n_labels);
  rows.add("precision_micro", "", m.precision_micro);
  rows.add("recall_micro", "", m.recall_micro);
  rows.add("f1_micro", "", m.f1_micro);
  rows.add("precision_macro", "", m.precision_macro);
  rows.add("recall_macro", "", m.recall_macro);
  rows.add("f1_macro", "", m.f1_macro);
  rows.add("precision_weighted", "", m.precision_weighted);
  rows.add("recall_weighted", "", m.recall_weighted);
  rows.add("f1_weighted", "", m.f1_weighted);
  rows.add("precision_samples", "", m.precision_samples);
  rows.add("recall_samples", "", m.recall_samples);
  rows.add("f1_samples", "", m.f1_samples);
  rows.add("hamming_loss", "", m.hamming_loss);
  rows.add("subset_accuracy", "", m.subset_accuracy);
  rows.add("roc_auc_macro", "", m.roc_auc_macro);
  rows.add("roc_auc_micro", "", m.roc_auc_micro);
  rows.add("average_precision_macro", "", m.average_precision_macro);
  rows.add("average_precision_micro", "", m.average_precision_micro);
  rows.add("label_ranking_average_precision", "", m.label_ranking_average_precision);
  rows.add("coverage_error", "", m.coverage_error);
  rows.add("brier_per_label_mean", "", m.brier_per_label_mean);
  rows.add("expected_calibration_error", "", m.expected_calibration_error);
  for (size_t l = 0; l < names.size(); ++l) {
    rows.add("threshold", names[l], m.thresholds[l]);
    rows.add("support", names[l], m.support[l]);
    rows.add("precision", names[l], m.precision[l]);
    rows.add("recall", names[l], m.recall[l]);
    rows.add("f1", names[l], m.f1[l]);
    rows.add("roc_auc", names[l], m.roc_auc[l]);
    rows.add("average_precision", names[l], m.average_precision[l]);
    rows.add("brier", names[l], m.brier[l]);
  }
  return std::move(rows).str();
}

std::string to_csv(const MultiClassMetrics& m, std::span<const std::string> class_names) {
  const auto names = detail::resolve_names(class_names, m.n_classes, "to_csv", "class");
  CsvRows rows;
  rows.add("n_samples", "", m.n_samples);
  rows.add("n_classes", "", m.n_classes);
  rows.add("accuracy", "", m.accuracy);
  rows.add("balanced_accuracy", "", m.balanced_accuracy);
  rows.add("f1_macro", "", m.f1_macro);
  rows.add("f1_weighted", "", m.f1_weighted);
  rows.add("log_loss", "", m.log_loss);
  for (size_t c = 0; c < names.size(); ++c) {
    rows.add("support", names[c], m.support_per_class[c]);
    rows.add("precision", names[c], m.precision_per_class[c]);
    rows.add("recall", names[c], m.recall_per_class[c]);
    rows.add("f1", names[c], m.f1_per_class[c]);
  }
  for (int64_t t = 0; t < m.n_classes; ++t)
    for (int64_t p = 0; p < m.n_classes; ++p)
      rows.add("confusion_matrix",
               names[static_cast<size_t>(t)] + "->" + names[static_cast<size_t>(p)],
               m.confusion(t, p));
  return std::move(rows).str();
}

}  // namespace fulcrum::metrics
