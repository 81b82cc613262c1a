#pragma once
// What a run leaves in its output directory, and what its checkpoints say
// about the model besides its weights.
//
//   <output_dir>/config.yaml           the config the run used (to_yaml)
//   <output_dir>/metrics.jsonl         one JSON object per epoch
//   <output_dir>/last.safetensors      the model after the latest epoch
//                                      (+ last.optim.<token>.safetensors, the
//                                      optimizer state it names: resume state)
//   <output_dir>/best.safetensors      the model of the best epoch so far
//   <output_dir>/test_metrics.json/.csv  the best model on the test split
//   <output_dir>/summary.json          epochs, best epoch, weights, test metrics
//   <output_dir>/test_predictions.csv  the final model on the test split, row by
//                                      row (test_predictions.hpp)
//   <output_dir>/report.html           the run as one page: config, curves,
//                                      per-label results (run_report.hpp)
//   <output_dir>/run.lock              flock'ed by the process training into the
//                                      directory (RunLock); holds its pid

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/checkpoint/safetensors.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/data/imputer.hpp"
#include "fulcrum/data/scaler.hpp"

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
  std::filesystem::path test_predictions() const { return dir / "test_predictions.csv"; }
  std::filesystem::path report() const { return dir / "report.html"; }
  std::filesystem::path lock() const { return dir / "run.lock"; }
};

/// Whether `paths.dir` holds the outputs of a run, finished or not (any of the
/// files above but run.lock), or what an interrupted one left (their temporary
/// files, an optimizer file).
bool holds_run(const RunPaths& paths);

/// Removes the outputs of a run from `paths.dir` (the files above but
/// run.lock, the optimizer files and what interrupted writes left); other files
/// stay. Returns the names removed.
std::vector<std::string> remove_run_files(const RunPaths& paths);

/// Removes the temporary files that interrupted writes of a run's files left
/// in `paths.dir`, and optimizer files no checkpoint names. Returns their names.
std::vector<std::string> discard_unfinished_writes(const RunPaths& paths);

/// Another process holds a run directory's lock. The message names the
/// directory and the holder's pid.
class RunLocked : public Error {
 public:
  using Error::Error;
};

/// Represents: this process is the only writer of a run directory, for the
/// RunLock's lifetime: an exclusive flock on `<dir>/run.lock` (created, with
/// the directory, when missing), which holds the pid of its holder. The
/// kernel releases the lock when the process ends, however it ends.
/// Throws RunLocked, without waiting, when another process (or another
/// RunLock of this one) holds it; fulcrum::Error when the file cannot be
/// opened (a symlink there is refused).
class RunLock {
 public:
  explicit RunLock(const std::filesystem::path& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

/// Represents: one head as trained: its labels (classes) in output order, the
/// decision threshold of each label (multilabel; the head's `threshold` for
/// every label unless tuned), and the loss weights resolved on the training split.
struct HeadCard {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<std::string> labels;
  std::vector<double> thresholds;  ///< one per label (multilabel), empty (multiclass)
  std::vector<double> weight;      ///< empty: none
  std::vector<double> pos_weight;  ///< empty: none
};

/// Represents: what predicting with a checkpoint needs besides the weights:
/// the architecture, the feature columns in input order, the imputation
/// (empty when the run did not impute), the standardisation (empty when the
/// run did not standardise) and the heads; and, for a run
/// trained from a config, that config (what `fulcrum eval` reads the data with).
struct ModelCard {
  /// The `model` section of a config (config::ModelConfig) the weights fit:
  /// what config::build_model builds again.
  std::string model_yaml;
  /// The run's whole config; empty for a model trained from C++ objects.
  std::string config_yaml;
  std::vector<std::string> feature_names;
  /// Per feature, what a missing value becomes (fitted on the training split).
  std::vector<float> imputer_fill;
  std::vector<float> scaler_mean;
  std::vector<float> scaler_scale;
  std::vector<HeadCard> heads;
};

/// The card's imputation as an imputer (not fitted when the run did not
/// impute: a missing value is then an error).
data::Imputer imputer_of(const ModelCard& card);

/// The card's standardisation as a scaler (not fitted when the run did not
/// standardise).
data::StandardScaler scaler_of(const ModelCard& card);

/// Checkpoint metadata keys (plain keys: "fulcrum." is the checkpoint's own).
namespace run_keys {
inline constexpr const char* kModel = "model";               ///< YAML text (ModelConfig)
inline constexpr const char* kConfig = "config";             ///< YAML text (RunConfig)
inline constexpr const char* kFeatures = "features";         ///< JSON array of names
inline constexpr const char* kScalerMean = "scaler.mean";    ///< encode_floats
inline constexpr const char* kScalerScale = "scaler.scale";  ///< encode_floats
/// encode_floats; written only by a run that imputes (absent: nothing imputed)
inline constexpr const char* kImputerFill = "imputer.fill";
inline constexpr const char* kHeads = "heads";               ///< JSON array of HeadCard
}  // namespace run_keys

/// The card as checkpoint metadata (the keys of run_keys).
checkpoint::Metadata to_metadata(const ModelCard& card);

/// The card stored in a checkpoint's metadata. Throws ValueError naming the
/// missing or malformed key (a safetensors file not written by the trainer).
/// A checkpoint of an earlier fulcrum, without "model", has the architecture
/// in its config.
ModelCard model_card_from(const checkpoint::Metadata& metadata);

/// Replaces `path` with `text`; throws fulcrum::Error naming the path on failure.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace fulcrum::train
