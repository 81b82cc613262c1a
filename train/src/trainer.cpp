// Trainer: checkpoints (what they carry, saving, resuming), evaluation and
// threshold tuning. Making a run: trainer_setup.cpp; the epochs: trainer_loop.cpp.
#include "fulcrum/train/trainer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/config/config_changes.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/config/loss_builder.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/data/sampling.hpp"
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

const std::string& metadata_value(const checkpoint::Metadata& metadata, const char* key,
                                  const std::filesystem::path& file) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) {
    throw checkpoint::CheckpointError(
        fmt::format("{}: no '{}' in the metadata: not a last checkpoint of a "
                    "fulcrum run",
                    file.string(), key));
  }
  return it->second;
}

// The card in `file`'s metadata; its checks' errors name the file.
ModelCard card_of(const checkpoint::Metadata& metadata, const std::filesystem::path& file) {
  try {
    return model_card_from(metadata);
  } catch (const ValueError& e) {
    throw_value_error(fmt::format("{}: {}", file.string(), e.what()));
  }
}

std::vector<float> floats_of(const Tensor& t) {
  return t.defined() ? t.to_vector() : std::vector<float>{};
}

}  // namespace

void save_model(const std::filesystem::path& file, const nn::MultiHead& model,
                const ModelCard& card) {
  checkpoint::save_checkpoint(file, model, nullptr, to_metadata(card));
}

double Trainer::head_threshold(size_t head) const {
  return head < options_.head_thresholds.size() ? options_.head_thresholds[head] : 0.5;
}

ModelCard Trainer::model_card() const {
  ModelCard card;
  card.model_yaml = model_yaml_;
  if (config_) card.config_yaml = config::to_yaml(*config_);
  card.feature_names = data_.train.feature_names;
  card.imputer_fill = data_.imputer.fill;
  if (data_.scaler.fitted()) {
    card.scaler_mean = floats_of(data_.scaler.mean);
    card.scaler_scale = floats_of(data_.scaler.scale);
  }
  for (size_t h = 0; h < losses_.size(); ++h) {
    const nn::HeadLoss& loss = losses_[h];
    const std::vector<std::string>& labels = data_.train.target(loss.head).classes;
    std::vector<double> thresholds;
    if (loss.task() == TaskKind::MultiLabel) thresholds.assign(labels.size(), head_threshold(h));
    if (h < label_thresholds_.size() && !label_thresholds_[h].empty()) {
      thresholds.assign(label_thresholds_[h].begin(), label_thresholds_[h].end());
    }
    card.heads.push_back({loss.head, loss.task(), labels, std::move(thresholds),
                          config::weight_values(loss.weight),
                          config::weight_values(loss.pos_weight)});
  }
  return card;
}

void Trainer::save(const std::filesystem::path& file, bool with_optimizer,
                   const State& state) const {
  checkpoint::Metadata metadata = to_metadata(model_card());
  metadata[kEpoch] = std::to_string(state.epochs_completed);
  metadata[kBestEpoch] = std::to_string(state.best_epoch);
  metadata[kBestValue] =
      state.best_value ? nlohmann::json(*state.best_value).dump() : std::string("null");
  metadata[kEpochsWithoutImprovement] = std::to_string(state.epochs_without_improvement);
  metadata[kMonitor] = monitor_.to_string();
  if (options_.dropout_generator != nullptr) {
    metadata[kDropoutRng] = options_.dropout_generator->state();
  }
  checkpoint::save_checkpoint(file, *model_, with_optimizer ? optimizer_.get() : nullptr, metadata);
}

Trainer::BestSnapshot Trainer::snapshot(const State& state) const {
  BestSnapshot best{model_->state_dict(), state};
  for (auto& [name, tensor] : best.weights) tensor = tensor.clone();
  return best;
}

// Saves the snapshot's weights as best.safetensors, lending them to the model
// for the write and then putting the live weights back.
void Trainer::save_best(const BestSnapshot& best) {
  BestSnapshot live = snapshot(best.state);
  model_->load_state_dict(best.weights);
  save(paths().best_checkpoint(), /*with_optimizer=*/false, best.state);
  model_->load_state_dict(live.weights);
}

namespace {

// Says which settings a resumed run changes, and refuses the ones that would
// make the saved weights, data split or optimizer state mean something else.
void check_resumed_config(const std::string& saved_yaml, const config::RunConfig& now,
                          const std::filesystem::path& checkpoint_file) {
  const std::vector<config::ConfigChange> changes =
      config::config_changes(saved_yaml, config::to_yaml(now),
                             checkpoint_file.string() + " (stored config)", now.source_path);
  if (changes.empty()) return;
  std::vector<config::ConfigChange> fixed;
  for (const config::ConfigChange& change : changes) {
    if (!config::may_change_on_resume(change.key)) fixed.push_back(change);
  }
  if (!fixed.empty()) {
    throw config::ConfigError(
        fmt::format("--resume: {} cannot change when a run is resumed (the model's shape, the "
                    "data and its split, or the optimizer's kind), but the config changes:\n{}"
                    "Resume with the run's own settings (its config.yaml), or train a new run "
                    "(--overwrite, or another output_dir)",
                    fixed.front().key, config::format_changes(fixed)),
        now.source_path, 0, 0, fixed.front().key);
  }
  std::string listed = config::format_changes(changes);
  listed.pop_back();  // the log adds its own newline
  spdlog::warn("resuming from {} with {} changed setting{} (saved -> now):\n{}",
               checkpoint_file.string(), changes.size(), changes.size() == 1 ? "" : "s", listed);
}

}  // namespace

void Trainer::restore(const std::filesystem::path& file, State& state) {
  checkpoint::Checkpoint checkpoint = checkpoint::load_checkpoint(file, /*with_optimizer=*/true);
  const checkpoint::Metadata& md = checkpoint.metadata;
  const ModelCard card = card_of(md, file);
  if (metadata_value(md, kMonitor, file) != monitor_.to_string()) {
    throw checkpoint::CheckpointError(
        fmt::format("{}: the run monitored '{}' but this one monitors '{}'", file.string(),
                    md.at(kMonitor), monitor_.to_string()));
  }
  if (config_ && !card.config_yaml.empty()) check_resumed_config(card.config_yaml, *config_, file);
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
    throw checkpoint::CheckpointError(
        fmt::format("{}: malformed run metadata: {}", file.string(), e.what()));
  }
  if (state.epochs_completed > options_.epochs) {
    throw config::ConfigError(
        fmt::format("training.epochs: {} is fewer than the {} epochs the run in {} has already "
                    "completed; on --resume epochs may grow, not shrink (use --overwrite to "
                    "train a new run)",
                    options_.epochs, state.epochs_completed, paths().dir.string()),
        config_ ? config_->source_path : std::string(), 0, 0, "training.epochs");
  }
  if (options_.dropout_generator != nullptr) {
    options_.dropout_generator->set_state(metadata_value(md, kDropoutRng, file));
  }
  if (!card.imputer_fill.empty() && card.imputer_fill != data_.imputer.fill) {
    // As with the scaler below, the model goes on with the values it was
    // trained with. The data given to the trainer is imputed already, so
    // only a trainer that read it from its config can read it again.
    if (config_) {
      spdlog::warn(
          "{}: the stored imputation values differ from the ones fitted on the training split "
          "now (has the data changed?); using the stored ones",
          file.string());
      raw_ = config::load_run_data(*config_, imputer_of(card));
      data_ = config::standardized(raw_, raw_.scaler);
    } else {
      spdlog::warn(
          "{}: the stored imputation values differ from those of the data this trainer was "
          "given; the data is used as given",
          file.string());
    }
  }
  if (!card.scaler_mean.empty()) {
    const auto mean = floats_of(data_.scaler.mean);
    const auto scale = floats_of(data_.scaler.scale);
    if (mean != card.scaler_mean || scale != card.scaler_scale) {
      spdlog::warn(
          "{}: the stored standardisation differs from the one fitted on the training "
          "split now; using the stored one",
          file.string());
      data_ = config::standardized(raw_, scaler_of(card));
    }
  }
}

void Trainer::load_checkpoint(const std::filesystem::path& model_file) {
  const checkpoint::Checkpoint checkpoint =
      checkpoint::load_checkpoint(model_file, /*with_optimizer=*/false);
  model_->load_state_dict(checkpoint.model);
  if (checkpoint.metadata.count(run_keys::kScalerMean) == 0) {
    spdlog::warn("{}: no stored standardisation; using the training split's", model_file.string());
    return;
  }
  const ModelCard card = card_of(checkpoint.metadata, model_file);
  // The stored per-label thresholds (tuned, or the head's threshold each).
  label_thresholds_.assign(losses_.size(), {});
  for (size_t h = 0; h < card.heads.size() && h < label_thresholds_.size(); ++h) {
    if (card.heads[h].kind == TaskKind::MultiClass ||
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
  data_ = config::standardized(raw_, scaler_of(card));
}

EvaluationResult Trainer::evaluate(data::Split split, bool recalibrated) {
  const data::Dataset& dataset = data_.split(split);
  FULCRUM_CHECK(dataset.size() > 0,
                "the {} split is empty (see data.validation_fraction, "
                "data.test_fraction and data.test)",
                name_of(split));
  return train::evaluate(*model_, dataset, losses_, std::string(name_of(split)),
                         {.batch_size = std::max<int64_t>(options_.batch_size, 1024),
                          .head_thresholds = options_.head_thresholds,
                          .label_thresholds = label_thresholds_,
                          .recalibrate = recalibrated});
}

data::EpochOrderFn Trainer::training_order() const {
  // The first head's targets drive the re-sampling (one label set decides which
  // rows are rare; the other heads' targets come along with the rows).
  const data::Target& target = data_.train.targets.front();
  const uint64_t seed = options_.loader_seed;
  switch (options_.sampling) {
    case data::Sampling::None:
      return nullptr;
    case data::Sampling::ClassAware:
      return data::class_aware_order(data::ClassAwareSampler(target, seed));
    case data::Sampling::MLROS: {
      std::vector<int64_t> rows = data::ml_ros(target.values, options_.ml_ros_percentage, seed);
      spdlog::info("data.sampling ml_ros: {} training rows + {} clones (head '{}')",
                   data_.train.size(), static_cast<int64_t>(rows.size()) - data_.train.size(),
                   target.name);
      return data::shuffled_order(std::move(rows), seed);
    }
  }
  return nullptr;
}

void Trainer::tune_thresholds_on_validation() {
  const metrics::ThresholdObjective& objective = *options_.threshold_tuning;
  const std::vector<Tensor> logits =
      head_logits(*model_, data_.validation, std::max<int64_t>(1, data_.validation.size()));
  label_thresholds_.assign(losses_.size(), {});
  for (size_t h = 0; h < losses_.size(); ++h) {
    const nn::HeadLoss& head = losses_[h];
    if (head.task() == TaskKind::MultiClass) continue;
    const data::Target& target = data_.validation.target(head.head);
    const std::vector<metrics::LabelThreshold> tuned = metrics::tune_label_thresholds(
        target.values, sigmoid(logits[h]), objective, static_cast<float>(head_threshold(h)));
    for (size_t l = 0; l < tuned.size(); ++l) {
      label_thresholds_[h].push_back(tuned[l].threshold);
      spdlog::info(
          "head '{}' label '{}': threshold {:.4g} ({}; validation precision {:.3f}, "
          "recall {:.3f}, F1 {:.3f})",
          head.head, target.classes[l], tuned[l].threshold, threshold_status_name(tuned[l].status),
          tuned[l].precision, tuned[l].recall, tuned[l].f1);
    }
  }
}

void Trainer::store_thresholds(const std::filesystem::path& model_file) const {
  // Only the heads' entry changes: the rest of the metadata stays that of the
  // epoch the model is from.
  const checkpoint::Checkpoint checkpoint =
      checkpoint::load_checkpoint(model_file, /*with_optimizer=*/false);
  checkpoint::Metadata metadata;
  for (const auto& [key, value] : checkpoint.metadata) {
    if (key.rfind("fulcrum.", 0) != 0) metadata[key] = value;  // save_checkpoint writes those
  }
  metadata[run_keys::kHeads] = to_metadata(model_card()).at(run_keys::kHeads);
  checkpoint::save_checkpoint(model_file, *model_, nullptr, metadata);
}

}  // namespace fulcrum::train
