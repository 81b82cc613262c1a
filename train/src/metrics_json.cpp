// Metrics as JSON (metrics_json.hpp, json_outputs.hpp).
#include "fulcrum/train/metrics_json.hpp"

#include <fmt/format.h>

#include <fstream>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/report.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "json_outputs.hpp"

namespace fulcrum::train {
namespace {

nlohmann::json or_null(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

/// A float32 threshold as the double with its shortest decimal form, so that
/// 0.3f is written 0.3 rather than 0.30000001192092896.
double decimal(float value) { return std::stod(fmt::format("{}", value)); }

}  // namespace

nlohmann::json to_json(const metrics::MultiLabelMetrics& m,
                       std::span<const std::string> label_names) {
  const auto names = metrics::detail::resolve_names(label_names, m.n_labels, "to_json", "label");
  nlohmann::json j;
  j["task"] = "multilabel";
  j["n_samples"] = m.n_samples;
  j["n_labels"] = m.n_labels;
  j["labels"] = names;
  j["precision_micro"] = m.precision_micro;
  j["recall_micro"] = m.recall_micro;
  j["f1_micro"] = m.f1_micro;
  j["precision_macro"] = m.precision_macro;
  j["recall_macro"] = m.recall_macro;
  j["f1_macro"] = m.f1_macro;
  j["precision_weighted"] = m.precision_weighted;
  j["recall_weighted"] = m.recall_weighted;
  j["f1_weighted"] = m.f1_weighted;
  j["precision_samples"] = m.precision_samples;
  j["recall_samples"] = m.recall_samples;
  j["f1_samples"] = m.f1_samples;
  j["hamming_loss"] = m.hamming_loss;
  j["subset_accuracy"] = m.subset_accuracy;
  j["roc_auc_macro"] = or_null(m.roc_auc_macro);
  j["roc_auc_micro"] = or_null(m.roc_auc_micro);
  j["average_precision_macro"] = or_null(m.average_precision_macro);
  j["average_precision_micro"] = or_null(m.average_precision_micro);
  j["label_ranking_average_precision"] = m.label_ranking_average_precision;
  j["coverage_error"] = m.coverage_error;
  j["brier_per_label_mean"] = m.brier_per_label_mean;
  j["expected_calibration_error"] = m.expected_calibration_error;
  nlohmann::json ranked = nlohmann::json::array();
  for (int64_t label : m.ranked_labels) ranked.push_back(names[static_cast<size_t>(label)]);
  j["ranked_labels"] = ranked;
  nlohmann::json per_label = nlohmann::json::array();
  for (size_t l = 0; l < names.size(); ++l) {
    per_label.push_back({{"label", names[l]},
                         {"threshold", decimal(m.thresholds[l])},
                         {"support", m.support[l]},
                         {"precision", m.precision[l]},
                         {"recall", m.recall[l]},
                         {"f1", m.f1[l]},
                         {"roc_auc", or_null(m.roc_auc[l])},
                         {"average_precision", or_null(m.average_precision[l])},
                         {"brier", m.brier[l]}});
  }
  j["per_label"] = per_label;
  return j;
}

nlohmann::json to_json(const metrics::MultiClassMetrics& m,
                       std::span<const std::string> class_names) {
  const auto names = metrics::detail::resolve_names(class_names, m.n_classes, "to_json", "class");
  nlohmann::json j;
  j["task"] = "multiclass";
  j["n_samples"] = m.n_samples;
  j["n_classes"] = m.n_classes;
  j["classes"] = names;
  j["accuracy"] = m.accuracy;
  j["balanced_accuracy"] = m.balanced_accuracy;
  j["f1_macro"] = m.f1_macro;
  j["f1_weighted"] = m.f1_weighted;
  j["log_loss"] = m.log_loss;
  nlohmann::json matrix = nlohmann::json::array();
  for (int64_t t = 0; t < m.n_classes; ++t) {
    nlohmann::json row = nlohmann::json::array();
    for (int64_t p = 0; p < m.n_classes; ++p) row.push_back(m.confusion(t, p));
    matrix.push_back(row);
  }
  j["confusion_matrix"] = matrix;
  nlohmann::json per_class = nlohmann::json::array();
  for (size_t c = 0; c < names.size(); ++c) {
    per_class.push_back({{"class", names[c]},
                         {"support", m.support_per_class[c]},
                         {"precision", m.precision_per_class[c]},
                         {"recall", m.recall_per_class[c]},
                         {"f1", m.f1_per_class[c]}});
  }
  j["per_class"] = per_class;
  return j;
}

std::string to_json_string(const metrics::MultiLabelMetrics& metrics,
                           std::span<const std::string> label_names, int indent) {
  return to_json(metrics, label_names).dump(indent);
}

std::string to_json_string(const metrics::MultiClassMetrics& metrics,
                           std::span<const std::string> class_names, int indent) {
  return to_json(metrics, class_names).dump(indent);
}

void write_json(const std::filesystem::path& path, const metrics::MultiLabelMetrics& metrics,
                std::span<const std::string> label_names) {
  write_text_file(path, to_json(metrics, label_names).dump(2) + "\n");
}

void write_json(const std::filesystem::path& path, const metrics::MultiClassMetrics& metrics,
                std::span<const std::string> class_names) {
  write_text_file(path, to_json(metrics, class_names).dump(2) + "\n");
}

}  // namespace fulcrum::train
