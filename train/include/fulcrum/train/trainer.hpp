#pragma once
// Trainer: the training loop behind `fulcrum train`, usable from C++:
//
//   fulcrum::train::RunConfig config = fulcrum::train::load_config("configs/quickstart.yaml");
//   fulcrum::train::Trainer trainer(config);
//   fulcrum::train::TrainResult result = trainer.fit();
//   std::cout << result.test->format_report();
//
// One fit() is one run: data read and split, features standardised with the
// training split's statistics, loss weights computed from the training split,
// then epochs of mini-batch steps, each followed by a validation pass, a line
// in metrics.jsonl and checkpoints; finally the best model is evaluated on the
// test split. The output directory's files are listed in run_outputs.hpp.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/optim/optimizer.hpp"
#include "fulcrum/train/config.hpp"
#include "fulcrum/train/evaluation.hpp"
#include "fulcrum/train/loss_builder.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "fulcrum/train/trainer_data.hpp"

namespace fulcrum::train {

/// Training produced a non-finite loss, logits or gradient norm. The message
/// names the epoch, the batch and the head (or the parameter), and what to try.
class TrainingDiverged : public Error {
 public:
  using Error::Error;
};

/// Progress inside an epoch, reported after every optimizer step.
struct BatchProgress {
  int64_t epoch = 0;  ///< 1-based
  int64_t epochs = 0;
  int64_t batch = 0;  ///< 1-based; == batches at the epoch's last step
  int64_t batches = 0;
  double loss = 0;  ///< mean training loss of the epoch so far
  double samples_per_second = 0;
};

/// One finished epoch.
struct EpochSummary {
  int64_t epoch = 0;  ///< 1-based
  int64_t epochs = 0;
  double lr = 0;
  double train_loss = 0;  ///< mean over the epoch's batches, weighted by batch size
  std::optional<EvaluationResult> validation;  ///< none without a validation split
  std::string monitor;                         ///< e.g. "validation labels.f1_macro"
  std::optional<double> monitored;             ///< its value this epoch
  bool improved = false;                       ///< best.safetensors was written
  int64_t epochs_without_improvement = 0;
  double seconds = 0;
  double samples_per_second = 0;
};

/// Called from fit(). on_batch drives a progress bar; on_epoch sees each
/// epoch's results (and may call Trainer::request_stop()).
struct TrainerCallbacks {
  std::function<void(const BatchProgress&)> on_batch;
  std::function<void(const EpochSummary&)> on_epoch;
};

/// What fit() returns.
struct TrainResult {
  int64_t epochs_completed = 0;  ///< including those of a resumed run
  int64_t best_epoch = 0;        ///< 1-based; 0 if no epoch improved the monitor
  std::string monitor;
  std::optional<double> best_value;
  bool stopped_early = false;  ///< early stopping's patience ran out
  bool interrupted = false;    ///< request_stop(): no final test evaluation
  /// The best model on the test split (none when interrupted or without a test split).
  std::optional<EvaluationResult> test;
  RunPaths paths;
  double seconds = 0;
};

/// Represents: one run of a RunConfig, from data to checkpoints.
/// Requires: a config that passes validate_config (the constructor checks it).
/// Ensures: the same config, seed and thread count give the same run bit for
/// bit, and fit(resume_from) continues an interrupted run exactly as if it had
/// never stopped: the weights, optimizer state, dropout generator, epoch count
/// and early-stopping state are in the last checkpoint, the shuffling order
/// depends on (seed, epoch) only (also with data.sampling: the class-aware
/// draws and the ML-ROS clones come from the seed, the order from (seed,
/// epoch)) and the learning rate on the epoch only.
/// After the epochs: the best model is loaded, its per-label thresholds tuned
/// on the validation split when evaluation.threshold_tuning is set (stored in
/// best.safetensors), and it is evaluated on the test split.
/// Seeds: config.seed drives the synthetic data and the split directly; the
/// initial weights, the dropout masks and the batch order each use their own
/// generator derived from it.
class Trainer {
 public:
  /// Checks the config, sets the OpenMP thread count (config.threads > 0),
  /// loads and splits the data, builds the model, the losses (weights from the
  /// training split) and the optimizer. Logs the setup with spdlog.
  /// Throws ConfigError for config problems, data::DataError for data ones.
  explicit Trainer(RunConfig config);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  void set_callbacks(TrainerCallbacks callbacks) { callbacks_ = std::move(callbacks); }

  /// Runs the training from the model the constructor initialised
  /// (metrics.jsonl is started anew). One fit per Trainer: a second call would
  /// continue from the first one's weights and optimizer state.
  /// Throws TrainingDiverged for a non-finite loss, logits or gradient norm.
  TrainResult fit();
  /// Continues the run whose last checkpoint is `last_checkpoint` (normally
  /// <output_dir>/last.safetensors) up to config.training.epochs; metrics.jsonl
  /// keeps the epochs done before it. Throws CheckpointError / SafetensorsError
  /// for a checkpoint without optimizer state or a damaged one.
  TrainResult fit(const std::filesystem::path& last_checkpoint);

  /// Asks fit() to stop after the current epoch (its checkpoint is written and
  /// TrainResult::interrupted is set). Safe to call from a signal handler.
  void request_stop() { stop_requested_.store(true); }

  /// Loads a checkpoint's weights into the model, and the standardisation
  /// stored with them (the data is standardised again with it).
  void load_checkpoint(const std::filesystem::path& model_file);

  /// The model on a split: "train", "validation" or "test" (ValueError for
  /// another name or an empty split), with the per-label thresholds of
  /// label_thresholds() where tuned. With `recalibrated`, the heads trained
  /// with pos_weight / class weights are also evaluated on recalibrated
  /// probabilities (EvaluationResult::recalibrated).
  EvaluationResult evaluate(std::string_view split, bool recalibrated = true);

  /// Per multilabel head (in head order), the thresholds tuned on the
  /// validation split after fit() (evaluation.threshold_tuning) or read from
  /// a checkpoint by load_checkpoint(); an empty entry: the head's threshold.
  const std::vector<std::vector<float>>& label_thresholds() const { return label_thresholds_; }

  /// The config, with each head's `outputs` taken from the data.
  const RunConfig& config() const { return config_; }
  nn::MultiHead& model() { return *model_; }
  const std::vector<HeadLoss>& losses() const { return losses_; }
  /// The standardised splits.
  const RunData& data() const { return data_; }
  optim::Optimizer& optimizer() { return *optimizer_; }
  RunPaths paths() const { return RunPaths{config_.output_dir}; }
  /// What the checkpoints store besides the weights.
  ModelCard model_card() const;
  /// The monitored metric as "loss" or "HEAD.METRIC", on the validation split
  /// (the training loss when there is no validation split).
  const std::string& monitor() const { return monitor_; }

 private:
  struct State;  // epoch counters and best value, saved in the last checkpoint

  TrainResult run(std::optional<std::filesystem::path> resume_from);
  EpochSummary run_epoch(data::DataLoader& loader, int64_t epoch, State& state);
  double train_epoch(data::DataLoader& loader, int64_t epoch, double& seconds);
  std::string monitor_label() const;
  void write_summary(const TrainResult& result) const;
  void save(const std::filesystem::path& file, bool with_optimizer, const State& state) const;
  data::EpochOrderFn training_order() const;
  void tune_thresholds_on_validation();
  void store_thresholds(const std::filesystem::path& model_file) const;
  void restore(const std::filesystem::path& file, State& state);

  RunConfig config_;
  RunData raw_;   // as read, for re-standardising with a checkpoint's scaler
  RunData data_;  // standardised
  Generator init_gen_;
  Generator dropout_gen_;
  uint64_t loader_seed_ = 0;
  std::shared_ptr<nn::MultiHead> model_;
  std::vector<HeadLoss> losses_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  std::string monitor_;
  bool maximize_ = false;
  std::vector<std::vector<float>> label_thresholds_;
  TrainerCallbacks callbacks_;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace fulcrum::train
