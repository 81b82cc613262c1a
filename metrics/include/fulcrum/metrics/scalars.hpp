#pragma once
// The scalar metrics of a head, by the names configs and logs use
// ("f1_macro", "hamming_loss", ...), and the metric a run monitors: "loss" or
// "HEAD.METRIC" ("labels.f1_macro").

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/metrics/multiclass.hpp"
#include "fulcrum/metrics/multilabel.hpp"

namespace fulcrum::metrics {

/// (name, value) pairs; undefined values (ROC-AUC with one class present) are nullopt.
using Scalars = std::vector<std::pair<std::string, std::optional<double>>>;

/// multilabel: f1_micro, f1_macro, f1_weighted, f1_samples, precision_*,
/// recall_*, hamming_loss, subset_accuracy, roc_auc_macro, roc_auc_micro,
/// average_precision_macro, average_precision_micro,
/// label_ranking_average_precision, coverage_error, brier_per_label_mean,
/// expected_calibration_error.
Scalars scalars(const MultiLabelMetrics& metrics);
/// multiclass: accuracy, balanced_accuracy, f1_macro, f1_weighted, log_loss.
Scalars scalars(const MultiClassMetrics& metrics);

/// "loss" then the names of scalars() for a head of that kind.
const std::vector<std::string>& metric_names(TaskKind kind);

/// Whether a larger value of the metric ("loss", "f1_macro" or
/// "HEAD.METRIC") is better: false for losses, errors and calibration scores.
bool higher_is_better(std::string_view metric);

/// A head as the monitor parser sees it.
struct HeadName {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
};

/// Represents: the monitored metric. head empty: the total "loss".
struct MetricKey {
  std::string head;
  std::string metric = "loss";

  /// "loss" or "HEAD.METRIC".
  std::string to_string() const { return head.empty() ? metric : head + "." + metric; }
  friend bool operator==(const MetricKey&, const MetricKey&) = default;
};

/// Reads "loss" or "HEAD.METRIC" against the model's heads. Throws ValueError
/// naming the text, with a suggestion for a mistyped head or metric and the
/// valid ones: "'labels' is not a metric", "names no head 'lables'; did you
/// mean 'labels'?", "unknown metric 'f1' for multilabel head 'labels'".
MetricKey parse_metric_key(std::string_view text, std::span<const HeadName> heads);

}  // namespace fulcrum::metrics
