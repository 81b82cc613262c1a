// Trainer::fit: the epochs of a run, their log and checkpoints, and the final
// evaluation of the best model.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "config_json.hpp"
#include "data_parallel.hpp"
#include "epoch_line.hpp"
#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/config/loss_builder.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/optim/clip_grad.hpp"
#include "fulcrum/optim/schedule.hpp"
#include "fulcrum/train/run_report.hpp"
#include "fulcrum/train/test_predictions.hpp"
#include "fulcrum/train/trainer.hpp"
#include "json_outputs.hpp"
#include "trainer_state.hpp"

namespace fulcrum::train {

namespace {

using Clock = std::chrono::steady_clock;
using ordered_json = nlohmann::ordered_json;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string format_value(const std::optional<double>& value) {
  return value ? fmt::format("{:.4f}", *value) : std::string("n/a");
}

ordered_json optional_json(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? ordered_json(*value) : ordered_json(nullptr);
}

// One line of metrics.jsonl.
ordered_json epoch_record(const EpochSummary& s) {
  return ordered_json{{"epoch", s.epoch},
                      {"lr", s.lr},
                      {"train_loss", s.train_loss},
                      {"validation", s.validation ? flat_json(*s.validation) : ordered_json()},
                      {"monitor", s.monitor},
                      {"monitored", optional_json(s.monitored)},
                      {"improved", s.improved},
                      {"seconds", s.seconds},
                      {"samples_per_second", s.samples_per_second}};
}

// The model on every row of the test split, decided as the test evaluation decides.
TestPredictions predict_split(nn::MultiHead& model, const data::Dataset& split,
                              const ModelCard& card, int64_t batch_size) {
  const std::vector<Tensor> logits = head_logits(model, split, batch_size);
  TestPredictions predictions{split.size(), {}};
  for (size_t h = 0; h < card.heads.size(); ++h) {
    const HeadCard& head = card.heads[h];
    predictions.heads.push_back(head_predictions(head, logits[h], split.target(head.name).values));
  }
  return predictions;
}

// A run whose report cannot be drawn has still trained: say why and go on.
void write_report_or_warn(const std::filesystem::path& dir) {
  try {
    const std::filesystem::path page = write_run_report(dir);
    spdlog::info("report: {}", page.string());
  } catch (const std::exception& e) {
    spdlog::warn("could not write the run's report.html: {}", e.what());
  }
}

}  // namespace

TrainResult Trainer::fit() { return run(std::nullopt); }

TrainResult Trainer::fit(const std::filesystem::path& last_checkpoint) {
  return run(last_checkpoint);
}

double Trainer::train_epoch(data::DataLoader& loader, int64_t epoch, double& seconds) {
  const TrainerOptions& training = options_;
  loader.start_epoch(epoch);
  model_->train();
  const std::vector<Tensor> params = model_->parameters();
  const auto start = Clock::now();
  BatchProgress progress{epoch + 1, training.epochs, 0, loader.batches_per_epoch(), 0.0, 0.0};
  double loss_sum = 0;
  int64_t samples = 0;
  data::Batch batch;
  DataParallel& parallel = *parallel_;
  while (loader.next(batch)) {
    ++progress.batch;
    if (parallel.split()) parallel.check_batch(batch, epoch, progress.batch);
    const DropoutRowsScope dropout_rows(parallel.split() ? training.dropout_generator : nullptr,
                                        batch);
    // Never train on: a NaN would spread into every weight at the next step.
    const auto diverged = [&](const std::string& where, const std::string& what) {
      throw TrainingDiverged(fmt::format(
          "training diverged at epoch {}, batch {}{}: {} (learning rate {:g}); try a lower "
          "training.optimizer.lr or training.grad_clip",
          epoch + 1, progress.batch, where, what, optimizer_->lr()));
    };
    optimizer_->zero_grad();
    const nn::HeadOutputs outputs = batch.is_sparse() ? model_->forward_heads(batch.sparse_features)
                                                      : model_->forward_heads(batch.features);
    Tensor total;
    for (size_t h = 0; h < losses_.size(); ++h) {
      const nn::HeadLoss& head = losses_[h];
      const Tensor& logits = outputs[h].second;
      const std::string where = fmt::format(", head '{}'", head.head);
      if (!all_finite(logits)) diverged(where, "the logits are not finite");
      Tensor loss = head(logits, batch.targets[h]);
      const auto value = static_cast<double>(loss.item());
      if (!std::isfinite(value)) diverged(where, fmt::format("the loss is {}", value));
      if (head.head_weight != 1.0) loss = loss * static_cast<float>(head.head_weight);
      // Split: this process's part of the loss of the whole batch.
      if (parallel.split()) loss = loss * DataParallel::loss_factor(head, batch);
      total = total.defined() ? total + loss : loss;
    }
    total.backward();
    float batch_loss = total.item();
    if (parallel.split()) batch_loss = parallel.sum_gradients(batch_loss);
    if (training.grad_clip > 0.0) {
      try {
        optim::clip_grad_norm(params, training.grad_clip);
      } catch (const ValueError& e) {
        diverged("", e.what());
      }
    }
    optimizer_->step();
    const int64_t rows = parallel.split() ? batch.global_size : batch.size();
    loss_sum += static_cast<double>(batch_loss) * static_cast<double>(rows);
    samples += rows;
    if (callbacks_.on_batch) {
      const double elapsed = seconds_since(start);
      progress.loss = loss_sum / static_cast<double>(samples);
      progress.samples_per_second = elapsed > 0 ? static_cast<double>(samples) / elapsed : 0.0;
      callbacks_.on_batch(progress);
    }
  }
  seconds = seconds_since(start);
  FULCRUM_CHECK(samples > 0,
                "epoch {}: no batch to train on ({} training rows, batch_size {}, drop_last {})",
                epoch + 1, data_.train.size(), training.batch_size, training.drop_last);
  return loss_sum / static_cast<double>(samples);
}

EpochSummary Trainer::run_epoch(data::DataLoader& loader, int64_t epoch, State& state) {
  const TrainerOptions& training = options_;
  const bool has_validation = data_.validation.size() > 0;
  EpochSummary summary;
  summary.epoch = epoch + 1;
  summary.epochs = training.epochs;
  summary.lr = optim::scheduled_lr(training.schedule, base_lr_, epoch, training.epochs);
  optimizer_->set_lr(summary.lr);
  summary.train_loss = train_epoch(loader, epoch, summary.seconds);
  summary.samples_per_second =
      summary.seconds > 0 ? static_cast<double>(data_.train.size()) / summary.seconds : 0.0;
  if (has_validation)
    summary.validation = evaluate(data::Split::Validation, /*recalibrated=*/false);
  summary.monitor = monitor_label();
  summary.monitored =
      has_validation ? summary.validation->metric(monitor_.to_string()) : summary.train_loss;

  // Only a strictly better, finite value counts (an undefined ROC-AUC never does).
  const bool finite = summary.monitored && std::isfinite(*summary.monitored);
  summary.improved =
      finite && (!state.best_value || (maximize_ ? *summary.monitored > *state.best_value
                                                 : *summary.monitored < *state.best_value));
  state.epochs_completed = epoch + 1;
  if (summary.improved) {
    state.best_value = summary.monitored;
    state.best_epoch = epoch + 1;
    state.epochs_without_improvement = 0;
  } else {
    ++state.epochs_without_improvement;
  }
  summary.epochs_without_improvement = state.epochs_without_improvement;
  return summary;
}

std::string Trainer::monitor_label() const {
  return data_.validation.size() > 0 ? "validation " + monitor_.to_string()
                                     : std::string("training loss");
}

TrainResult Trainer::run(std::optional<std::filesystem::path> resume_from) {
  const auto run_start = Clock::now();
  const RunPaths paths = this->paths();
  DataParallel& parallel = *parallel_;
  // Split across processes, rank 0 alone writes the run's files.
  const bool writes = parallel.is_root();
  std::optional<RunLock> lock;
  if (writes) lock.emplace(paths.dir);  // creates the directory
  stop_requested_.store(false);

  State state;
  if (resume_from) {
    if (writes) {
      for (const std::string& name : discard_unfinished_writes(paths)) {
        spdlog::info("removed {}, left by an interrupted write", (paths.dir / name).string());
      }
    }
    if (parallel.split()) parallel.comm().barrier();  // the others read what rank 0 kept
    restore(*resume_from, state);
    spdlog::info("resuming from {} after epoch {}", resume_from->string(), state.epochs_completed);
  } else if (writes) {
    if (holds_run(paths) && existing_run_ == ExistingRun::Refuse) {
      const std::string source = config_ ? config_->source_path : std::string();
      throw config::ConfigError(
          fmt::format("output_dir: '{}' already holds a run; continue it with --resume or "
                      "replace it with --overwrite",
                      paths.dir.string()),
          source, 0, 0, "output_dir");
    }
    // What an earlier run left in this directory is not this run's.
    remove_run_files(paths);
  }
  // Every process starts from rank 0's weights, as DistributedDataParallel does.
  parallel.broadcast_parameters();
  if (config_ && writes)
    checkpoint::write_file_atomically(paths.config(), config::to_yaml(*config_));
  std::optional<MetricsLog> log;
  if (writes) log.emplace(paths.metrics_log(), resume_from ? state.epochs_completed : -1);

  const TrainerOptions& training = options_;
  // Built after restore(), which may re-standardise the data.
  data::DataLoader loader(data_.train, {training.batch_size, /*shuffle=*/true, training.drop_last,
                                        training.loader_seed, training_order(), parallel.shard()});
  if (parallel.split() && writes) {
    spdlog::info(
        "data-parallel over {} processes: each computes about {} rows of every batch of {}",
        parallel.comm().size(), training.batch_size / parallel.comm().size(), training.batch_size);
  }
  TrainResult result;
  result.paths = paths;
  result.monitor = monitor_label();

  std::optional<BestSnapshot> unsaved_best;
  auto last_save = Clock::now();
  const auto stops_early = [&] {
    return training.early_stopping.enabled &&
           state.epochs_without_improvement >= training.early_stopping.patience;
  };
  int64_t epochs_run = 0;  // by this call, for the estimate of the time left
  for (int64_t epoch = state.epochs_completed; epoch < training.epochs; ++epoch) {
    if (stops_early()) {
      result.stopped_early = true;
      spdlog::info("early stopping: {} did not improve for {} epochs", result.monitor,
                   state.epochs_without_improvement);
      break;
    }
    const EpochSummary summary = run_epoch(loader, epoch, state);
    if (log) log->append(epoch_record(summary));
    if (summary.improved && writes) unsaved_best = snapshot(state);
    ++epochs_run;
    const bool lr_changes = training.schedule.kind != optim::ScheduleKind::Constant ||
                            training.schedule.warmup_epochs > 0;
    spdlog::info("{}",
                 format_epoch_line({.epoch = summary.epoch,
                                    .epochs = summary.epochs,
                                    .lr = lr_changes ? std::optional(summary.lr) : std::nullopt,
                                    .train_loss = summary.train_loss,
                                    .monitor = summary.monitor,
                                    .monitored = summary.monitored,
                                    .improved = summary.improved,
                                    .epoch_seconds = summary.seconds,
                                    .samples_per_second = summary.samples_per_second,
                                    .elapsed_seconds = seconds_since(run_start),
                                    .epochs_run = epochs_run},
                                   kEpochLineColumns));
    if (callbacks_.on_epoch) callbacks_.on_epoch(summary);
    // best before last: until last.safetensors says these epochs are done, a
    // crash makes the resumed run redo them, best model included; the other
    // order could leave a last checkpoint whose best epoch has no file.
    const auto commit = [&] {
      if (!writes) return;
      if (unsaved_best) save_best(*unsaved_best);
      unsaved_best.reset();
      save(paths.last_checkpoint(), /*with_optimizer=*/true, state);
      last_save = Clock::now();
    };
    const bool last_epoch = epoch + 1 == training.epochs;
    // Split, the processes stop together when one was asked to (one vote per epoch).
    const bool stop = parallel.split() ? parallel.any(stopping()) : stopping();
    const bool due = seconds_since(last_save) >= training.checkpoint_interval || last_epoch ||
                     stop || stops_early();
    if (due) commit();
    // Also a stop requested while the checkpoint was written.
    const bool stop_now = parallel.split() ? parallel.any(stopping()) : stopping();
    if (stop_now && !last_epoch) {
      if (!due) commit();
      result.interrupted = true;
      spdlog::info("stopped after epoch {}; resume from {}", state.epochs_completed,
                   paths.last_checkpoint().string());
      break;
    }
  }

  result.epochs_completed = state.epochs_completed;
  result.best_epoch = state.best_epoch;
  result.best_value = state.best_value;
  // The final model, its thresholds and the test evaluation are rank 0's.
  if (!writes) {
    result.seconds = seconds_since(run_start);
    return result;
  }
  if (!result.interrupted) {
    const bool keep_last = training.final_model == config::FinalModel::Last;
    if (keep_last) {
      // best.safetensors is "the final model": here the last epoch's.
      save(paths.best_checkpoint(), /*with_optimizer=*/false, state);
      spdlog::info("final model: the last epoch's ({}), as training.final_model says",
                   state.epochs_completed);
    } else if (state.best_epoch > 0) {
      model_->load_state_dict(checkpoint::load_checkpoint(paths.best_checkpoint(), false).model);
      spdlog::info("best epoch {} ({} {})", state.best_epoch, result.monitor,
                   format_value(state.best_value));
    }
    if (training.threshold_tuning) {
      tune_thresholds_on_validation();
      if (keep_last || state.best_epoch > 0) {
        store_thresholds(paths.best_checkpoint());
      } else {
        spdlog::warn("no epoch improved {}, so there is no best.safetensors to store the tuned "
                     "thresholds in; they are in summary.json",
                     result.monitor);
      }
    }
    if (data_.test.size() > 0) {
      result.test = evaluate(data::Split::Test);
      write_text_file(paths.test_metrics_json(), to_json(*result.test).dump(2) + "\n");
      write_text_file(paths.test_metrics_csv(), result.test->to_csv());
      write_test_predictions(paths.test_predictions(),
                             predict_split(*model_, data_.test, model_card(),
                                           std::max<int64_t>(training.batch_size, 1024)));
    }
  }
  result.seconds = seconds_since(run_start);
  write_summary(result);
  if (!result.interrupted) write_report_or_warn(paths.dir);
  return result;
}

void Trainer::write_summary(const TrainResult& result) const {
  ordered_json heads = ordered_json::array();
  for (size_t h = 0; h < losses_.size(); ++h) {
    // How often each label (or class) occurs in the training split: what
    // imbalance measures and per-label orderings are computed from.
    const data::Target& target = data_.train.target(losses_[h].head);
    const std::vector<int64_t> train_counts =
        target.kind == TaskKind::MultiClass ? nn::class_counts(target.values, target.num_classes())
                                            : nn::label_positive_counts(target.values);
    heads.push_back(
        {{"name", losses_[h].head},
         {"kind", name_of(losses_[h].task())},
         {"loss", name_of(losses_[h].kind)},
         {"labels", data_.train.target(losses_[h].head).classes},
         {"threshold", head_threshold(h)},
         {"thresholds", h < label_thresholds_.size() ? label_thresholds_[h] : std::vector<float>{}},
         {"weight", config::weight_values(losses_[h].weight)},
         {"pos_weight", config::weight_values(losses_[h].pos_weight)},
         {"labels_without_positives", losses_[h].labels_without_positives},
         {"train_counts", train_counts}});
  }
  ordered_json summary{
      {"name", config_ ? config_->name : paths().dir.filename().string()},
      {"epochs", options_.epochs},
      {"epochs_completed", result.epochs_completed},
      {"best_epoch", result.best_epoch},
      {"monitor", result.monitor},
      {"best_value", optional_json(result.best_value)},
      {"stopped_early", result.stopped_early},
      {"interrupted", result.interrupted},
      {"seconds", result.seconds},
      {"data",
       {{"train", data_.train.size()},
        {"validation", data_.validation.size()},
        {"test", data_.test.size()},
        {"features", data_.train.num_features()}}},
      {"heads", heads},
      {"test", result.test ? flat_json(*result.test) : ordered_json()},
      {"checkpoints",
       {{"best", result.paths.best_checkpoint().string()},
        {"last", result.paths.last_checkpoint().string()}}},
  };
  if (config_) summary["config"] = config::to_json(*config_);
  write_text_file(result.paths.summary(), summary.dump(2) + "\n");
}

}  // namespace fulcrum::train
