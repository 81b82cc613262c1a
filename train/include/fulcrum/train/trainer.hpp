#pragma once
// Trainer: the training loop behind `fulcrum train`, usable from C++ with a
// config file:
//
// ```cpp
// #include <iostream>
// fulcrum::config::RunConfig config = fulcrum::config::load_config("configs/quickstart.yaml");
// fulcrum::train::Trainer trainer(config);
// fulcrum::train::TrainResult result = trainer.fit();
// std::cout << result.test->format_report();
// ```
//
// or with a model, per-head losses, an optimizer and data built in C++ (the
// README's "Use as a library", apps/examples/hand_built_example.cpp), which
// gets the same checkpoints, early stopping and reports.
//
// One fit() is one run: epochs of mini-batch steps, each followed by a
// validation pass, a line in metrics.jsonl and checkpoints; finally the best
// model is evaluated on the test split. The output directory's files are
// listed in run_outputs.hpp.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/config/run_data.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/data/sampling.hpp"
#include "fulcrum/data/split.hpp"
#include "fulcrum/distributed/communicator.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/losses/head_loss.hpp"
#include "fulcrum/metrics/scalars.hpp"
#include "fulcrum/metrics/thresholds.hpp"
#include "fulcrum/optim/optimizer.hpp"
#include "fulcrum/optim/schedule.hpp"
#include "fulcrum/train/evaluation.hpp"
#include "fulcrum/train/run_outputs.hpp"

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

/// What fit() without a checkpoint to resume from does when the output
/// directory already holds a run (holds_run): replace it (remove_run_files),
/// or refuse with a config::ConfigError naming output_dir.
enum class ExistingRun { Replace, Refuse };

/// What a Trainer does around the optimizer's steps. The defaults are those
/// of a config file that leaves the settings out.
struct TrainerOptions {
  /// Where checkpoints, metrics.jsonl, test metrics and summary.json go.
  std::filesystem::path output_dir = "runs/run";
  int64_t epochs = 20;
  int64_t batch_size = 64;
  bool drop_last = false;
  /// The learning rate per epoch, relative to the optimizer's lr when the
  /// Trainer is made.
  optim::ScheduleOptions schedule{};
  double grad_clip = 0.0;  ///< max global gradient norm; 0: off
  /// The model tested at the end and saved as best.safetensors: the epoch
  /// with the best monitored value, or the last epoch's.
  config::FinalModel final_model = config::FinalModel::Best;
  /// Seconds of training between two saves of last.safetensors; 0: after
  /// every epoch. The best model is kept in memory until the next save, and
  /// the last epoch, early stopping and a stop request always save. A crash
  /// loses at most this much training: --resume redoes it, bit for bit.
  double checkpoint_interval = 10.0;
  /// The monitored metric ("loss" or "HEAD.METRIC" on the validation split),
  /// and, when enabled, stopping after `patience` epochs without improvement.
  config::EarlyStoppingConfig early_stopping{};
  /// Per-label thresholds of the multilabel heads, tuned on the validation
  /// split with the final model; unset: each head's threshold.
  std::optional<metrics::ThresholdObjective> threshold_tuning{};
  /// Per head (in head order), the decision threshold of its labels; missing: 0.5.
  std::vector<double> head_thresholds{};
  /// Re-sampling of the training split's order (on the first head's targets).
  data::Sampling sampling = data::Sampling::None;
  double ml_ros_percentage = 25.0;  ///< ML-ROS: rows to clone, % of the training split
  /// Seeds the batch order (and the re-sampling).
  uint64_t loader_seed = 0;
  /// The generator the model's Dropout layers draw from, if any: its state is
  /// saved in the last checkpoint so that a resumed run draws the same masks.
  Generator* dropout_generator = nullptr;
  /// The processes this run is split across (data-parallel training, like
  /// PyTorch's DistributedDataParallel; docs/distributed.md); null: this
  /// process alone. Every process runs the same Trainer: each computes its
  /// rows of every batch (the batch order is the one of a single process),
  /// the gradients are summed across the processes before each step, and
  /// rank 0 alone writes the run's files. The dropout masks equal a single
  /// process's when dropout_generator is the model's Dropout generator.
  std::shared_ptr<distributed::Communicator> communicator = nullptr;
};

class DataParallel;

/// Represents: one run: a model trained with its losses and optimizer on a
/// run's data, from data to checkpoints.
/// Ensures: the same inputs, seed and thread count (and number of processes,
/// with options.communicator) give the same run bit for bit, and fit(resume_from) continues an
/// interrupted run exactly as if it had never stopped: the weights, optimizer state, dropout
/// generator, epoch count and early-stopping state are in the last checkpoint, the shuffling order
/// depends on (loader_seed, epoch) only (also with re-sampling: the
/// class-aware draws and the ML-ROS clones come from the seed) and the
/// learning rate on the epoch only.
/// After the epochs: the final model is loaded, its per-label thresholds tuned
/// on the validation split when asked (stored in best.safetensors), and it is
/// evaluated on the test split. Every checkpoint carries a ModelCard (the
/// architecture, label names, standardisation, thresholds and loss weights),
/// so `fulcrum predict` and `fulcrum eval` serve it, however the Trainer was
/// made.
class Trainer {
 public:
  /// The run a config describes: checks it, sets the OpenMP thread count
  /// (config.threads > 0), loads and splits the data, builds the model, the
  /// losses (weights from the training split) and the optimizer
  /// (config::build_* ), and the options from the training section. Seeds:
  /// config.seed drives the synthetic data and the split directly; the initial
  /// weights, the dropout masks and the batch order each use their own
  /// generator derived from it. The run is split across the processes of
  /// `communicator` (null: distributed::world(), the job's processes under
  /// mpirun with a distributed::Session alive, else this one), whose waits
  /// time out after config.distributed.timeout. Logs the setup with spdlog.
  /// Throws ConfigError for config problems, data::DataError for data ones.
  explicit Trainer(config::RunConfig config,
                   std::shared_ptr<distributed::Communicator> communicator = nullptr);

  /// A run of a model built in C++. `data` holds the splits as read; when its
  /// scaler is fitted, every split is standardised with it (and the
  /// checkpoints store it). `losses` has one HeadLoss per head of `model`, in
  /// head order, each matching a target of the data by name and kind.
  /// Requires: `optimizer` steps `model`'s parameters; a non-empty training
  /// split; a validation split for early stopping and threshold tuning;
  /// options.dropout_generator, when given, outlives the Trainer.
  /// Throws ValueError naming the head, the metric or the option otherwise.
  Trainer(std::shared_ptr<nn::MultiHead> model, std::vector<nn::HeadLoss> losses,
          std::unique_ptr<optim::Optimizer> optimizer, config::RunData data,
          TrainerOptions options);

  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  void set_callbacks(TrainerCallbacks callbacks) { callbacks_ = std::move(callbacks); }
  /// Replace by default; `fulcrum train` refuses unless given --overwrite.
  void set_existing_run(ExistingRun policy) { existing_run_ = policy; }

  /// Runs the training from the model as it is (metrics.jsonl is started
  /// anew). One fit per Trainer: a second call would continue from the first
  /// one's weights and optimizer state. Holds a RunLock on the output
  /// directory throughout (RunLocked when another process trains into it);
  /// an earlier run there is replaced or refused (set_existing_run).
  /// Throws TrainingDiverged for a non-finite loss, logits or gradient norm.
  TrainResult fit();
  /// Continues the run whose last checkpoint is `last_checkpoint` (normally
  /// <output_dir>/last.safetensors) up to options().epochs, under the same
  /// lock; metrics.jsonl keeps the epochs done before it (a last line cut
  /// short by a crash is dropped with a warning). First removes what
  /// interrupted saves left (discard_unfinished_writes), so that a process
  /// killed at any moment resumes from its last complete checkpoint.
  /// Throws CheckpointError / SafetensorsError for a checkpoint without
  /// optimizer state or a damaged one.
  TrainResult fit(const std::filesystem::path& last_checkpoint);

  /// Asks fit() to stop after the current epoch (its checkpoint is written and
  /// TrainResult::interrupted is set). Safe to call from a signal handler.
  void request_stop() { stop_requested_.store(true); }
  /// Also stop once *flag is true: it is read where request_stop() is (after
  /// each epoch and after each checkpoint write), so a signal handler may set
  /// it. Null: no flag. The flag must outlive fit().
  void set_stop_flag(const std::atomic<bool>* flag) { stop_flag_ = flag; }

  /// Loads a checkpoint's weights into the model, and the standardisation and
  /// per-label thresholds stored with them (the data is standardised again
  /// with it). Throws data::DataError when its features are not the data's.
  void load_checkpoint(const std::filesystem::path& model_file);

  /// The model on a split (ValueError for an empty one), with the per-label
  /// thresholds of label_thresholds() where tuned. With `recalibrated`, the
  /// heads trained with pos_weight / class weights are also evaluated on
  /// recalibrated probabilities (EvaluationResult::recalibrated).
  EvaluationResult evaluate(data::Split split, bool recalibrated = true);

  /// Per multilabel head (in head order), the thresholds tuned on the
  /// validation split after fit() or read from a checkpoint by
  /// load_checkpoint(); an empty entry: the head's threshold.
  const std::vector<std::vector<float>>& label_thresholds() const { return label_thresholds_; }

  /// The config the Trainer was made from, with each head's `outputs` and
  /// loss kind resolved from the data; nullptr for a Trainer made from objects.
  const config::RunConfig* config() const { return config_ ? &*config_ : nullptr; }
  const TrainerOptions& options() const { return options_; }
  nn::MultiHead& model() { return *model_; }
  const std::vector<nn::HeadLoss>& losses() const { return losses_; }
  /// The standardised splits.
  const config::RunData& data() const { return data_; }
  optim::Optimizer& optimizer() { return *optimizer_; }
  RunPaths paths() const { return RunPaths{options_.output_dir}; }
  /// What the checkpoints store besides the weights.
  ModelCard model_card() const;
  /// The monitored metric, on the validation split (the training loss when
  /// there is no validation split).
  const metrics::MetricKey& monitor() const { return monitor_; }

 private:
  struct State;  // epoch counters and best value, saved in the last checkpoint
  struct Setup;  // what the config constructor builds before delegating

  static Setup setup_from(config::RunConfig config,
                          std::shared_ptr<distributed::Communicator> communicator);
  explicit Trainer(Setup setup);
  void check_setup();
  void log_losses() const;
  TrainResult run(std::optional<std::filesystem::path> resume_from);
  EpochSummary run_epoch(data::DataLoader& loader, int64_t epoch, State& state);
  double train_epoch(data::DataLoader& loader, int64_t epoch, double& seconds);
  std::string monitor_label() const;
  void write_summary(const TrainResult& result) const;
  void save(const std::filesystem::path& file, bool with_optimizer, const State& state) const;
  struct BestSnapshot;  // the best epoch's weights and state, until they are saved
  BestSnapshot snapshot(const State& state) const;
  void save_best(const BestSnapshot& best);
  data::EpochOrderFn training_order() const;
  void tune_thresholds_on_validation();
  void store_thresholds(const std::filesystem::path& model_file) const;
  void restore(const std::filesystem::path& file, State& state);
  double head_threshold(size_t head) const;

  std::optional<config::RunConfig> config_;
  TrainerOptions options_;
  std::unique_ptr<Generator> owned_dropout_gen_;  // the config constructor's
  config::RunData raw_;   // as given, for re-standardising with a checkpoint's scaler
  config::RunData data_;  // standardised
  std::shared_ptr<nn::MultiHead> model_;
  std::vector<nn::HeadLoss> losses_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  std::unique_ptr<DataParallel> parallel_;
  double base_lr_ = 0;
  std::string model_yaml_;  // the architecture the checkpoints store ("": none)
  metrics::MetricKey monitor_;
  bool maximize_ = false;
  std::vector<std::vector<float>> label_thresholds_;
  ExistingRun existing_run_ = ExistingRun::Replace;
  TrainerCallbacks callbacks_;
  std::atomic<bool> stop_requested_{false};
  const std::atomic<bool>* stop_flag_ = nullptr;
  bool stopping() const { return stop_requested_.load() || (stop_flag_ && stop_flag_->load()); }
};

/// Saves `model` with `card` as a checkpoint `fulcrum predict` can serve
/// (what the Trainer writes as best.safetensors), for a model trained by other
/// means. Throws SafetensorsError when the file cannot be written.
void save_model(const std::filesystem::path& file, const nn::MultiHead& model,
                const ModelCard& card);

}  // namespace fulcrum::train
