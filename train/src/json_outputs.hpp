#pragma once
// The JSON forms of what a run writes: metrics as JSON trees, the per-epoch
// records of metrics.jsonl, evaluations. Not installed (the public headers
// carry no JSON library, they offer the same as text): shared by the sources
// of fulcrum::train, fulcrum::experiment and the tests through the
// fulcrum_train_internal target.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "fulcrum/metrics/multiclass.hpp"
#include "fulcrum/metrics/multilabel.hpp"
#include "fulcrum/train/evaluation.hpp"

namespace fulcrum::train {

/// The objects of metrics_json.hpp's to_json_string.
nlohmann::json to_json(const metrics::MultiLabelMetrics& metrics,
                       std::span<const std::string> label_names = {});
nlohmann::json to_json(const metrics::MultiClassMetrics& metrics,
                       std::span<const std::string> class_names = {});

/// EvaluationResult::scalars() as one object (null for undefined values).
nlohmann::ordered_json flat_json(const EvaluationResult& result);
/// The object of EvaluationResult::to_json_string.
nlohmann::json to_json(const EvaluationResult& result);

/// Appends one JSON object per line to a log file.
/// Requires: the directory exists.
class MetricsLog {
 public:
  /// Starts `path` afresh, or, with keep_epochs >= 0, keeps the records whose
  /// "epoch" is <= keep_epochs (a resumed run continues its log without the
  /// epochs it is about to redo).
  explicit MetricsLog(std::filesystem::path path, int64_t keep_epochs = -1);
  /// Writes `record` as one line and flushes it (a crash loses no epoch).
  void append(const nlohmann::ordered_json& record);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The records of a JSON-lines file, in order. Throws fulcrum::Error naming the
/// file and line for a line that is not JSON. With drop_torn_last_line, a last
/// line that has no newline or is not JSON (what a crash during
/// MetricsLog::append leaves) is dropped with a warning instead.
std::vector<nlohmann::ordered_json> read_metrics_log(const std::filesystem::path& path,
                                                     bool drop_torn_last_line = false);

}  // namespace fulcrum::train
