#pragma once
// Metrics as JSON: the form a run writes them in (test_metrics.json, the
// experiment's per-variant files). Undefined values (the ROC-AUC of a label
// whose y_true holds one class) are null.

#include <filesystem>
#include <span>
#include <string>

#include "fulcrum/metrics/multiclass.hpp"
#include "fulcrum/metrics/multilabel.hpp"

namespace fulcrum::train {

/// {"task": "multilabel", "n_samples", "n_labels", "labels": [...], every
/// summary metric under the key of its MultiLabelMetrics field (the keys of
/// metrics.json), "ranked_labels": [names], "per_label": [{"label", "threshold",
/// "support", "precision", "recall", "f1", "roc_auc", "average_precision",
/// "brier"}, ...]}. Undefined values are null.
/// `indent` < 0: one line.
std::string to_json_string(const metrics::MultiLabelMetrics& metrics,
                           std::span<const std::string> label_names = {}, int indent = 2);

/// {"task": "multiclass", "n_samples", "n_classes", "classes": [...],
/// "accuracy", "balanced_accuracy", "f1_macro", "f1_weighted", "log_loss",
/// "confusion_matrix": [[row of true class 0], ...], "per_class": [{"class",
/// "support", "precision", "recall", "f1"}, ...]}.
std::string to_json_string(const metrics::MultiClassMetrics& metrics,
                           std::span<const std::string> class_names = {}, int indent = 2);

/// Write to_json_string to `path`, replacing the file. Throws fulcrum::Error
/// naming the path if it cannot be written.
void write_json(const std::filesystem::path& path, const metrics::MultiLabelMetrics& metrics,
                std::span<const std::string> label_names = {});
void write_json(const std::filesystem::path& path, const metrics::MultiClassMetrics& metrics,
                std::span<const std::string> class_names = {});

}  // namespace fulcrum::train
