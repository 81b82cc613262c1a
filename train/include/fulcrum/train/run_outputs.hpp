#pragma once
// What a run leaves in its output directory, and what its checkpoints say
// about the model besides its weights.
//
//   <output_dir>/config.yaml           the config the run used (to_yaml)
//   <output_dir>/metrics.jsonl         one JSON object per epoch
//   <output_dir>/last.safetensors      the model after the latest epoch
//                                      (+ last.optim.safetensors: resume state)
//   <output_dir>/best.safetensors      the model of the best epoch so far
//   <output_dir>/test_metrics.json/.csv  the best model on the test split
//   <output_dir>/summary.json          epochs, best epoch, weights, test metrics

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fulcrum/train/safetensors.hpp"

namespace fulcrum::train {

/// The file names of a run in `dir`.
struct RunPaths {
  std::filesystem::path dir;

  std::filesystem::path config() const { return dir / "config.yaml"; }
  std::filesystem::path metrics_log() const { return dir / "metrics.jsonl"; }
  std::filesystem::path last_checkpoint() const { return dir / "last.safetensors"; }
  std::filesystem::path best_checkpoint() const { return dir / "best.safetensors"; }
  std::filesystem::path test_metrics_json() const { return dir / "test_metrics.json"; }
  std::filesystem::path test_metrics_csv() const { return dir / "test_metrics.csv"; }
  std::filesystem::path summary() const { return dir / "summary.json"; }
};

/// Represents: one head as trained: its labels (classes) in output order, the
/// decision threshold of each label (multilabel; the head's `threshold` for
/// every label unless tuned), and the loss weights resolved on the training split.
struct HeadCard {
  std::string name;
  std::string kind;  ///< multilabel | multiclass
  std::vector<std::string> labels;
  std::vector<double> thresholds;  ///< one per label (multilabel), empty (multiclass)
  std::vector<double> weight;      ///< empty: none
  std::vector<double> pos_weight;  ///< empty: none
};

/// Represents: what predicting with a checkpoint needs besides the weights:
/// the config it was trained with, the feature columns in input order, the
/// standardisation (empty when the run did not standardise) and the heads.
struct ModelCard {
  std::string config_yaml;
  std::vector<std::string> feature_names;
  std::vector<float> scaler_mean;
  std::vector<float> scaler_scale;
  std::vector<HeadCard> heads;
};

/// Checkpoint metadata keys (plain keys: "fulcrum." is the checkpoint's own).
namespace run_keys {
inline constexpr const char* kConfig = "config";             ///< YAML text
inline constexpr const char* kFeatures = "features";         ///< JSON array of names
inline constexpr const char* kScalerMean = "scaler.mean";    ///< encode_floats
inline constexpr const char* kScalerScale = "scaler.scale";  ///< encode_floats
inline constexpr const char* kHeads = "heads";               ///< JSON array of HeadCard
}  // namespace run_keys

/// The card as checkpoint metadata (the keys of run_keys).
Metadata to_metadata(const ModelCard& card);

/// The card stored in a checkpoint's metadata. Throws ValueError naming the
/// missing or malformed key (a safetensors file not written by the trainer).
ModelCard model_card_from(const Metadata& metadata);

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
/// file and line for a line that is not JSON.
std::vector<nlohmann::ordered_json> read_metrics_log(const std::filesystem::path& path);

/// Replaces `path` with `text`; throws fulcrum::Error naming the path on failure.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace fulcrum::train
