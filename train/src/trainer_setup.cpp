// Trainer: making a run, from a config or from objects, and checking that its
// pieces fit together. Checkpoints and evaluation: trainer.cpp; the epochs:
// trainer_loop.cpp.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "data_parallel.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/config/loss_builder.hpp"
#include "fulcrum/config/model_builder.hpp"
#include "fulcrum/config/optimizer_builder.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/distributed/session.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_state.hpp"

namespace fulcrum::train {

namespace {

// The generators of a config's run, each its own stream of config.seed.
constexpr uint64_t kInitStream = 1, kDropoutStream = 2, kLoaderStream = 3;

[[noreturn]] void config_fail(const config::RunConfig& config, const std::string& key,
                              const std::string& message) {
  const std::string where = config.source_path.empty() ? "" : config.source_path + ": ";
  throw config::ConfigError(fmt::format("{}{}: {}", where, key, message), config.source_path, 0, 0,
                            key);
}

TrainerOptions options_of(const config::RunConfig& config) {
  const config::TrainingConfig& training = config.training;
  TrainerOptions options;
  options.output_dir = config.output_dir;
  options.epochs = training.epochs;
  options.batch_size = training.batch_size;
  options.drop_last = training.drop_last;
  options.schedule = training.schedule.options();
  options.grad_clip = training.grad_clip;
  options.final_model = training.final_model;
  options.checkpoint_interval = training.checkpoint_interval;
  options.early_stopping = training.early_stopping;
  options.threshold_tuning = config.evaluation.threshold_tuning;
  for (const config::HeadConfig& head : config.model.heads) {
    options.head_thresholds.push_back(head.threshold);
  }
  options.sampling = config.data.sampling;
  options.ml_ros_percentage = config.data.ml_ros_percentage;
  options.loader_seed = derive_seed(config.seed, kLoaderStream);

  return options;
}

std::string labels_or_classes(TaskKind kind) {
  return kind == TaskKind::MultiClass ? "classes" : "labels";
}

}  // namespace

Trainer::Trainer(config::RunConfig config, std::shared_ptr<distributed::Communicator> communicator)
    : Trainer(setup_from(std::move(config), std::move(communicator))) {}

Trainer::Setup Trainer::setup_from(config::RunConfig config,
                                   std::shared_ptr<distributed::Communicator> communicator) {
  config::validate_config(config);
  if (config.threads > 0) set_num_threads(static_cast<int>(config.threads));
  Setup setup;
  setup.data = config::load_run_data(config);
  for (size_t h = 0; h < config.model.heads.size(); ++h) {
    config::HeadConfig& head = config.model.heads[h];
    const int64_t count = setup.data.train.targets[h].num_classes();
    if (head.outputs != 0 && head.outputs != count) {
      config_fail(config, fmt::format("model.heads.{}.outputs", head.name),
                  fmt::format("is {} but the data has {} {} for head '{}' (0: take the count "
                              "from the data)",
                              head.outputs, count, labels_or_classes(head.kind), head.name));
    }
    head.outputs = count;
    // The loss kind as used, so config.yaml and the checkpoints name it.
    if (!head.loss.kind) head.loss.kind = config::default_loss_kind(head.kind);
  }
  if (config.evaluation.threshold_tuning && setup.data.validation.size() == 0) {
    config_fail(config, "evaluation.threshold_tuning",
                "tunes thresholds on the validation split, which is empty: set "
                "data.validation_fraction > 0");
  }
  if (config.training.early_stopping.enabled && setup.data.validation.size() == 0) {
    config_fail(config, "training.early_stopping",
                "needs a validation split: set data.validation_fraction > 0");
  }

  Generator init_gen(derive_seed(config.seed, kInitStream));
  setup.dropout_gen = std::make_unique<Generator>(derive_seed(config.seed, kDropoutStream));
  setup.model = config::build_model(config.model, setup.data.train.num_features(), init_gen,
                                    *setup.dropout_gen);
  setup.losses = config::build_losses(config.model, setup.data.train);
  setup.optimizer = config::build_optimizer(config.training.optimizer, setup.model->parameters());
  setup.options = options_of(config);
  setup.options.communicator = communicator ? std::move(communicator) : distributed::world();
  if (setup.options.communicator->size() > 1) distributed::set_timeout(config.distributed.timeout);
  setup.options.dropout_generator = setup.dropout_gen.get();
  setup.config = std::move(config);
  return setup;
}

Trainer::Trainer(Setup setup)
    : Trainer(std::move(setup.model), std::move(setup.losses), std::move(setup.optimizer),
              std::move(setup.data), std::move(setup.options)) {
  config_ = std::move(setup.config);
  owned_dropout_gen_ = std::move(setup.dropout_gen);
  spdlog::info(
      "run '{}': {} train / {} validation / {} test rows, {} features{}", config_->name,
      data_.train.size(), data_.validation.size(), data_.test.size(), data_.train.num_features(),
      config_->data.standardize ? " (standardised with the training split's statistics)" : "");
  log_losses();
}

Trainer::Trainer(std::shared_ptr<nn::MultiHead> model, std::vector<nn::HeadLoss> losses,
                 std::unique_ptr<optim::Optimizer> optimizer, config::RunData data,
                 TrainerOptions options)
    : options_(std::move(options)),
      raw_(std::move(data)),
      model_(std::move(model)),
      losses_(std::move(losses)),
      optimizer_(std::move(optimizer)) {
  FULCRUM_CHECK(model_ != nullptr, "Trainer: no model");
  FULCRUM_CHECK(optimizer_ != nullptr, "Trainer: no optimizer");
  data_ = config::standardized(raw_, raw_.scaler);
  base_lr_ = optimizer_->lr();
  parallel_ = std::make_unique<DataParallel>(options_.communicator, model_->parameters());
  check_setup();
  std::string why;
  const std::optional<config::ModelConfig> description =
      config::describe_model(*model_, losses_, options_.head_thresholds, &why);
  if (description) {
    model_yaml_ = config::to_yaml(*description);
  } else {
    spdlog::warn("the checkpoints of this model cannot be served by `fulcrum predict`: {}", why);
  }
}

Trainer::~Trainer() = default;

void Trainer::check_setup() {
  FULCRUM_CHECK(options_.epochs >= 1, "Trainer: epochs = {} must be >= 1", options_.epochs);
  FULCRUM_CHECK(options_.batch_size >= 1, "Trainer: batch_size = {} must be >= 1",
                options_.batch_size);
  FULCRUM_CHECK(options_.grad_clip >= 0.0, "Trainer: grad_clip = {} must be >= 0",
                options_.grad_clip);
  FULCRUM_CHECK(options_.checkpoint_interval >= 0.0,
                "Trainer: checkpoint_interval = {} must be >= 0", options_.checkpoint_interval);
  FULCRUM_CHECK(data_.train.size() > 0, "Trainer: the training split is empty");
  const std::vector<std::string> heads = model_->head_names();
  FULCRUM_CHECK(losses_.size() == heads.size(),
                "Trainer: {} losses for the {} heads {} of the model", losses_.size(), heads.size(),
                fmt::join(heads, ", "));
  std::vector<metrics::HeadName> head_kinds;
  for (size_t h = 0; h < heads.size(); ++h) {
    const nn::HeadLoss& loss = losses_[h];
    FULCRUM_CHECK(loss.head == heads[h],
                  "Trainer: loss {} is for head '{}', the model's head {} is '{}'", h, loss.head, h,
                  heads[h]);
    const data::Target& target = data_.train.target(loss.head);
    FULCRUM_CHECK(target.kind == loss.task(),
                  "Trainer: head '{}' has a {} loss ({}) but its target is {}", loss.head,
                  name_of(loss.task()), name_of(loss.kind), data::to_string(target.kind));
    head_kinds.push_back({loss.head, loss.task()});
  }
  const bool has_validation = data_.validation.size() > 0;
  FULCRUM_CHECK(!options_.threshold_tuning || has_validation,
                "Trainer: threshold_tuning tunes on the validation split, which is empty");
  const config::EarlyStoppingConfig& stopping = options_.early_stopping;
  FULCRUM_CHECK(!stopping.enabled || has_validation,
                "Trainer: early stopping needs a validation split");
  FULCRUM_CHECK(!stopping.enabled || stopping.patience >= 1,
                "Trainer: early stopping patience = {} must be >= 1", stopping.patience);
  if (stopping.enabled) {
    monitor_ = metrics::parse_metric_key(stopping.metric, head_kinds);
    maximize_ = stopping.mode == config::MonitorMode::Max;
    if (maximize_ != metrics::higher_is_better(monitor_.metric)) {
      spdlog::warn("training.early_stopping: mode is '{}' for '{}', where {} values are better",
                   name_of(stopping.mode), monitor_.to_string(), maximize_ ? "lower" : "higher");
    }
  }
}

void Trainer::log_losses() const {
  for (const nn::HeadLoss& loss : losses_) {
    const data::Target& target = data_.train.target(loss.head);
    const std::string what = labels_or_classes(loss.task());
    spdlog::info("head '{}' ({}): {} {}", loss.head, name_of(loss.task()), target.num_classes(),
                 what);
    if (loss.pos_weight.defined()) {
      spdlog::info("head '{}': pos_weight from the training split: [{:.4g}]", loss.head,
                   fmt::join(config::weight_values(loss.pos_weight), ", "));
    }
    if (loss.weight.defined()) {
      spdlog::info("head '{}': weight from the training split: [{:.4g}]", loss.head,
                   fmt::join(config::weight_values(loss.weight), ", "));
    }
    if (!loss.labels_without_positives.empty()) {
      spdlog::warn(
          "head '{}': {} without a positive example in the training split: {}; they "
          "keep weight 1 (the unweighted loss)",
          loss.head, what, fmt::join(loss.labels_without_positives, ", "));
    }
  }
}

}  // namespace fulcrum::train
