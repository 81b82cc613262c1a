#pragma once
// Showing and saving evaluation metrics: a readable text table (the CLI prints
// it after each evaluation) and CSV with `metric,label,value` rows. (Their JSON
// form, what a run writes, is fulcrum::train's: fulcrum/train/metrics_json.hpp.)
//
// Every function takes the names of the labels (or classes) in order; an empty
// span means "name them by index" ("0", "1", ...). A non-empty span must hold
// exactly one name per label, else ValueError.
// Undefined values (the ROC-AUC and average precision of a label whose y_true
// holds one class) are "n/a" in tables and an empty value in CSV.

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "fulcrum/metrics/multiclass.hpp"
#include "fulcrum/metrics/multilabel.hpp"

namespace fulcrum::metrics {

/// A per-label table (name, support, threshold, precision, recall, F1, AUC, AP)
/// followed by a summary block (averages, ranking, calibration).
std::string format_report(const MultiLabelMetrics& metrics,
                          std::span<const std::string> label_names = {});

/// A per-class table (name, support, precision, recall, F1), the summary
/// (accuracy, balanced accuracy, F1 macro/weighted, log loss) and the
/// confusion matrix (rows: true class, columns: predicted class).
std::string format_report(const MultiClassMetrics& metrics,
                          std::span<const std::string> class_names = {});

/// CSV text with the header `metric,label,value`: one row per summary metric
/// (empty label) and per label and metric. Numbers are written with the fewest
/// digits that read back exactly; fields are quoted as RFC 4180 says.
std::string to_csv(const MultiLabelMetrics& metrics, std::span<const std::string> label_names = {});

/// As above; the confusion matrix is written as rows
/// `confusion_matrix,<true class>-><predicted class>,<count>`.
std::string to_csv(const MultiClassMetrics& metrics, std::span<const std::string> class_names = {});

/// Write to_csv to `path`, replacing the file.
/// Throws fulcrum::Error naming the path if it cannot be written.
void write_csv(const std::filesystem::path& path, const MultiLabelMetrics& metrics,
               std::span<const std::string> label_names = {});
void write_csv(const std::filesystem::path& path, const MultiClassMetrics& metrics,
               std::span<const std::string> class_names = {});

namespace detail {
/// `names` if it holds `count` names, the indices "0".."count-1" if it is
/// empty; else ValueError naming `fn` and both counts. `what` is "label" or
/// "class".
std::vector<std::string> resolve_names(std::span<const std::string> names, int64_t count,
                                       const char* fn, const char* what);
}  // namespace detail

}  // namespace fulcrum::metrics
