// Trainer: setting a run up, checkpoints, evaluation. The epochs: trainer_loop.cpp.
#include "fulcrum/train/trainer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/data/sampling.hpp"
#include "fulcrum/optim/adam.hpp"
#include "fulcrum/optim/sgd.hpp"
#include "fulcrum/train/checkpoint.hpp"
#include "fulcrum/train/config_error.hpp"
#include "fulcrum/train/config_loader.hpp"
#include "fulcrum/train/model_builder.hpp"
#include "fulcrum/train/thresholds.hpp"
#include "trainer_state.hpp"

namespace fulcrum::train {

namespace {

// Checkpoint metadata keys of the run's progress (the last checkpoint carries
// them so that a resumed run continues exactly).
constexpr const char* kEpoch = "run.epoch";
constexpr const char* kBestEpoch = "run.best_epoch";
constexpr const char* kBestValue = "run.best_value";
constexpr const char* kEpochsWithoutImprovement = "run.epochs_without_improvement";
constexpr const char* kMonitor = "run.monitor";
constexpr const char* kDropoutRng = "rng.dropout";

// Independent streams from one seed: distinct (seed, stream) pairs give
// unrelated generators (splitmix64, as the data loader uses).
uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  return splitmix64(seed ^ splitmix64(stream));
}
constexpr uint64_t kInitStream = 1, kDropoutStream = 2, kLoaderStream = 3;

[[noreturn]] void config_fail(const RunConfig& config, const std::string& key,
                              const std::string& message) {
  const std::string where = config.source_path.empty() ? "" : config.source_path + ": ";
  throw ConfigError(fmt::format("{}{}: {}", where, key, message), config.source_path, 0, 0, key);
}

std::unique_ptr<optim::Optimizer> make_optimizer(const OptimizerConfig& c,
                                                 std::vector<Tensor> params) {
  const std::pair<double, double> betas{c.betas.at(0), c.betas.at(1)};
  if (c.name == "adam") {
    return std::make_unique<optim::Adam>(
        std::move(params), optim::AdamOptions{c.lr, betas, c.eps, c.weight_decay, c.amsgrad});
  }
  if (c.name == "adamw") {
    return std::make_unique<optim::AdamW>(
        std::move(params), optim::AdamWOptions{c.lr, betas, c.eps, c.weight_decay, c.amsgrad});
  }
  if (c.name == "sgd") {
    optim::SGDOptions options;
    options.lr = c.lr;
    options.momentum = c.momentum;
    options.weight_decay = c.weight_decay;
    options.nesterov = c.nesterov;
    return std::make_unique<optim::SGD>(std::move(params), options);
  }
  throw_value_error(fmt::format("training.optimizer.name: unknown optimizer '{}'", c.name));
}

const std::string& metadata_value(const Metadata& metadata, const char* key,
                                  const std::filesystem::path& file) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) {
    throw CheckpointError(
        fmt::format("{}: no '{}' in the metadata: not a last checkpoint of a "
                    "fulcrum run",
                    file.string(), key));
  }
  return it->second;
}

std::vector<float> floats_of(const Tensor& t) {
  return t.defined() ? t.to_vector() : std::vector<float>{};
}

}  // namespace

Trainer::~Trainer() = default;

Trainer::Trainer(RunConfig config)
    : config_(std::move(config)),
      init_gen_(derive_seed(config_.seed, kInitStream)),
      dropout_gen_(derive_seed(config_.seed, kDropoutStream)),
      loader_seed_(derive_seed(config_.seed, kLoaderStream)) {
  validate_config(config_);
  if (config_.threads > 0) set_num_threads(static_cast<int>(config_.threads));

  raw_ = load_run_data(config_);
  data_ = standardized(raw_, raw_.scaler);
  for (size_t h = 0; h < config_.model.heads.size(); ++h) {
    HeadConfig& head = config_.model.heads[h];
    const int64_t count = data_.train.targets[h].num_classes();
    if (head.outputs != 0 && head.outputs != count) {
      config_fail(config_, fmt::format("model.heads.{}.outputs", head.name),
                  fmt::format("is {} but the data has {} {} for head '{}' (0: take the count "
                              "from the data)",
                              head.outputs, count, head.kind == "multiclass" ? "classes" : "labels",
                              head.name));
    }
    head.outputs = count;
    // The loss kind as used, so config.yaml and the checkpoints name it.
    if (head.loss.kind.empty()) head.loss.kind = head.kind == "multiclass" ? "cross_entropy" : "bce";
  }
  if (config_.evaluation.threshold_tuning != "none" && data_.validation.size() == 0) {
    config_fail(config_, "evaluation.threshold_tuning",
                "tunes thresholds on the validation split, which is empty: set "
                "data.validation_fraction > 0");
  }

  const auto& stopping = config_.training.early_stopping;
  const bool has_validation = data_.validation.size() > 0;
  if (stopping.enabled) {
    if (!has_validation) {
      config_fail(config_, "training.early_stopping",
                  "needs a validation split: set data.validation_fraction > 0");
    }
    monitor_ = stopping.metric;
    maximize_ = stopping.mode == "max";
    if (monitor_ != "loss") {
      const size_t dot = monitor_.find('.');
      const std::string head_name = dot == std::string::npos ? monitor_ : monitor_.substr(0, dot);
      const std::string metric = dot == std::string::npos ? "" : monitor_.substr(dot + 1);
      const HeadConfig* head = nullptr;
      for (const auto& h : config_.model.heads) {
        if (h.name == head_name) head = &h;
      }
      const auto& valid = metric_names(head != nullptr ? head->kind : "multilabel");
      if (head == nullptr || std::find(valid.begin(), valid.end(), metric) == valid.end()) {
        config_fail(config_, "training.early_stopping.metric",
                    fmt::format("unknown metric '{}': use 'loss' or HEAD.METRIC, where a {} head "
                                "has the metrics {}",
                                monitor_, head != nullptr ? head->kind : "multilabel",
                                fmt::join(valid, ", ")));
      }
    }
    if (maximize_ != higher_is_better(monitor_)) {
      spdlog::warn("training.early_stopping: mode is '{}' for '{}', where {} values are better",
                   stopping.mode, monitor_, higher_is_better(monitor_) ? "higher" : "lower");
    }
  } else {
    monitor_ = "loss";
    maximize_ = false;
  }

  const int64_t features = data_.train.num_features();
  model_ = build_model(config_.model, features, init_gen_, dropout_gen_);
  losses_ = build_losses(config_.model, data_.train);
  optimizer_ = make_optimizer(config_.training.optimizer, model_->parameters());

  spdlog::info(
      "run '{}': {} train / {} validation / {} test rows, {} features{}", config_.name,
      data_.train.size(), data_.validation.size(), data_.test.size(), features,
      config_.data.standardize ? " (standardised with the training split's statistics)" : "");
  for (const HeadLoss& loss : losses_) {
    const data::Target& target = data_.train.target(loss.head);
    spdlog::info("head '{}' ({}): {} {}", loss.head, loss.kind, target.num_classes(),
                 loss.kind == "multiclass" ? "classes" : "labels");
    if (loss.pos_weight.defined()) {
      spdlog::info("head '{}': pos_weight from the training split: [{:.4g}]", loss.head,
                   fmt::join(weight_values(loss.pos_weight), ", "));
    }
    if (loss.weight.defined()) {
      spdlog::info("head '{}': weight from the training split: [{:.4g}]", loss.head,
                   fmt::join(weight_values(loss.weight), ", "));
    }
    if (!loss.labels_without_positives.empty()) {
      spdlog::warn(
          "head '{}': {} without a positive example in the training split: {}; they "
          "keep weight 1 (the unweighted loss)",
          loss.head, loss.kind == "multiclass" ? "classes" : "labels",
          fmt::join(loss.labels_without_positives, ", "));
    }
  }
}

ModelCard Trainer::model_card() const {
  ModelCard card;
  card.config_yaml = to_yaml(config_);
  card.feature_names = data_.train.feature_names;
  if (data_.scaler.fitted()) {
    card.scaler_mean = floats_of(data_.scaler.mean);
    card.scaler_scale = floats_of(data_.scaler.scale);
  }
  for (size_t h = 0; h < config_.model.heads.size(); ++h) {
    const HeadConfig& head = config_.model.heads[h];
    const std::vector<std::string>& labels = data_.train.targets[h].classes;
    std::vector<double> thresholds;
    if (head.kind != "multiclass") thresholds.assign(labels.size(), head.threshold);
    if (h < label_thresholds_.size() && !label_thresholds_[h].empty()) {
      thresholds.assign(label_thresholds_[h].begin(), label_thresholds_[h].end());
    }
    card.heads.push_back({head.name, head.kind, labels, std::move(thresholds),
                          weight_values(losses_[h].weight), weight_values(losses_[h].pos_weight)});
  }
  return card;
}

void Trainer::save(const std::filesystem::path& file, bool with_optimizer,
                   const State& state) const {
  Metadata metadata = to_metadata(model_card());
  metadata[kEpoch] = std::to_string(state.epochs_completed);
  metadata[kBestEpoch] = std::to_string(state.best_epoch);
  metadata[kBestValue] =
      state.best_value ? nlohmann::json(*state.best_value).dump() : std::string("null");
  metadata[kEpochsWithoutImprovement] = std::to_string(state.epochs_without_improvement);
  metadata[kMonitor] = monitor_;
  metadata[kDropoutRng] = dropout_gen_.state();
  save_checkpoint(file, *model_, with_optimizer ? optimizer_.get() : nullptr, metadata);
}

void Trainer::restore(const std::filesystem::path& file, State& state) {
  Checkpoint checkpoint = train::load_checkpoint(file, /*with_optimizer=*/true);
  const Metadata& md = checkpoint.metadata;
  const ModelCard card = model_card_from(md);
  if (metadata_value(md, kMonitor, file) != monitor_) {
    throw CheckpointError(fmt::format("{}: the run monitored '{}' but the config monitors '{}'",
                                      file.string(), md.at(kMonitor), monitor_));
  }
  if (card.config_yaml != to_yaml(config_)) {
    spdlog::warn("resuming with a config that differs from the one in {}", file.string());
  }
  model_->load_state_dict(checkpoint.model);
  optimizer_->load_state(checkpoint.optimizer);
  try {
    state.epochs_completed = std::stoll(metadata_value(md, kEpoch, file));
    state.best_epoch = std::stoll(metadata_value(md, kBestEpoch, file));
    state.epochs_without_improvement =
        std::stoll(metadata_value(md, kEpochsWithoutImprovement, file));
    const auto best = nlohmann::json::parse(metadata_value(md, kBestValue, file));
    if (best.is_number()) state.best_value = best.get<double>();
  } catch (const std::exception& e) {
    throw CheckpointError(fmt::format("{}: malformed run metadata: {}", file.string(), e.what()));
  }
  dropout_gen_.set_state(metadata_value(md, kDropoutRng, file));
  if (!card.scaler_mean.empty()) {
    const auto mean = floats_of(data_.scaler.mean);
    const auto scale = floats_of(data_.scaler.scale);
    if (mean != card.scaler_mean || scale != card.scaler_scale) {
      spdlog::warn(
          "{}: the stored standardisation differs from the one fitted on the training "
          "split now; using the stored one",
          file.string());
      data::StandardScaler scaler;
      scaler.mean = Tensor::from({static_cast<int64_t>(card.scaler_mean.size())}, card.scaler_mean);
      scaler.scale =
          Tensor::from({static_cast<int64_t>(card.scaler_scale.size())}, card.scaler_scale);
      data_ = standardized(raw_, scaler);
    }
  }
}

void Trainer::load_checkpoint(const std::filesystem::path& model_file) {
  const Checkpoint checkpoint = train::load_checkpoint(model_file, /*with_optimizer=*/false);
  model_->load_state_dict(checkpoint.model);
  if (checkpoint.metadata.count(run_keys::kScalerMean) == 0) {
    spdlog::warn("{}: no stored standardisation; using the training split's", model_file.string());
    return;
  }
  const ModelCard card = model_card_from(checkpoint.metadata);
  // The stored per-label thresholds (tuned, or the head's threshold each).
  label_thresholds_.assign(config_.model.heads.size(), {});
  for (size_t h = 0; h < card.heads.size() && h < label_thresholds_.size(); ++h) {
    if (card.heads[h].kind == "multiclass" ||
        card.heads[h].thresholds.size() != data_.train.targets[h].classes.size()) {
      continue;
    }
    label_thresholds_[h].assign(card.heads[h].thresholds.begin(), card.heads[h].thresholds.end());
  }
  if (card.feature_names != data_.train.feature_names) {
    throw data::DataError(fmt::format(
        "{}: the checkpoint was trained on {} features ({}...), the "
        "data has {}",
        model_file.string(), card.feature_names.size(),
        card.feature_names.empty() ? "" : card.feature_names[0], data_.train.feature_names.size()));
  }
  data::StandardScaler scaler;
  if (!card.scaler_mean.empty()) {
    scaler.mean = Tensor::from({static_cast<int64_t>(card.scaler_mean.size())}, card.scaler_mean);
    scaler.scale =
        Tensor::from({static_cast<int64_t>(card.scaler_scale.size())}, card.scaler_scale);
  }
  data_ = standardized(raw_, scaler);
}

EvaluationResult Trainer::evaluate(std::string_view split, bool recalibrated) {
  const data::Dataset* dataset = split == "train"        ? &data_.train
                                 : split == "validation" ? &data_.validation
                                 : split == "test"       ? &data_.test
                                                         : nullptr;
  FULCRUM_CHECK(dataset != nullptr, "unknown split '{}' (valid: train, validation, test)", split);
  FULCRUM_CHECK(dataset->size() > 0,
                "the {} split is empty (see data.validation_fraction, "
                "data.test_fraction and data.test)",
                split);
  return train::evaluate(*model_, *dataset, config_.model, losses_, std::string(split),
                         std::max<int64_t>(config_.training.batch_size, 1024), label_thresholds_,
                         recalibrated);
}

data::EpochOrderFn Trainer::training_order() const {
  // The first head's targets drive the re-sampling (one label set decides which
  // rows are rare; the other heads' targets come along with the rows).
  const std::string& sampling = config_.data.sampling;
  const data::Target& target = data_.train.targets.front();
  if (sampling == "class_aware") {
    return data::class_aware_order(data::ClassAwareSampler(target, loader_seed_));
  }
  if (sampling == "ml_ros") {
    std::vector<int64_t> rows = data::ml_ros(target.values, config_.data.ml_ros_percentage,
                                             loader_seed_);
    spdlog::info("data.sampling ml_ros: {} training rows + {} clones (head '{}')",
                 data_.train.size(), static_cast<int64_t>(rows.size()) - data_.train.size(),
                 target.name);
    return data::shuffled_order(std::move(rows), loader_seed_);
  }
  return nullptr;
}

void Trainer::tune_thresholds_on_validation() {
  const ThresholdObjective objective =
      parse_threshold_objective(config_.evaluation.threshold_tuning);
  std::vector<Tensor> logits;
  {
    const bool was_training = model_->is_training();
    model_->eval();
    NoGradGuard no_grad;
    const nn::HeadOutputs outputs = model_->forward_heads(data_.validation.features);
    for (const auto& output : outputs) logits.push_back(output.second);
    model_->train(was_training);
  }
  label_thresholds_.assign(config_.model.heads.size(), {});
  for (size_t h = 0; h < config_.model.heads.size(); ++h) {
    const HeadConfig& head = config_.model.heads[h];
    if (head.kind == "multiclass") continue;
    const data::Target& target = data_.validation.targets[h];
    const std::vector<LabelThreshold> tuned =
        tune_label_thresholds(target.values, sigmoid(logits[h]), objective,
                              static_cast<float>(head.threshold));
    for (size_t l = 0; l < tuned.size(); ++l) {
      label_thresholds_[h].push_back(tuned[l].threshold);
      spdlog::info("head '{}' label '{}': threshold {:.4g} ({}; validation precision {:.3f}, "
                   "recall {:.3f}, F1 {:.3f})",
                   head.name, target.classes[l], tuned[l].threshold,
                   threshold_status_name(tuned[l].status), tuned[l].precision, tuned[l].recall,
                   tuned[l].f1);
    }
  }
}

void Trainer::store_thresholds(const std::filesystem::path& model_file) const {
  // Only the heads' entry changes: the rest of the metadata stays that of the
  // epoch the model is from.
  const Checkpoint checkpoint = train::load_checkpoint(model_file, /*with_optimizer=*/false);
  Metadata metadata;
  for (const auto& [key, value] : checkpoint.metadata) {
    if (key.rfind("fulcrum.", 0) != 0) metadata[key] = value;  // save_checkpoint writes those
  }
  metadata[run_keys::kHeads] = to_metadata(model_card()).at(run_keys::kHeads);
  save_checkpoint(model_file, *model_, nullptr, metadata);
}

}  // namespace fulcrum::train
