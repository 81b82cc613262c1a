#pragma once
// What the Trainer keeps besides its members (internal to the trainer): the
// progress of a run that the last checkpoint carries, so that a resumed run
// continues exactly, and what the config constructor builds before it
// delegates to the one that takes objects.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "fulcrum/train/trainer.hpp"

namespace fulcrum::train {

struct Trainer::State {
  int64_t epochs_completed = 0;
  int64_t best_epoch = 0;  ///< 1-based; 0 before any improvement
  std::optional<double> best_value;
  int64_t epochs_without_improvement = 0;
};

struct Trainer::BestSnapshot {
  nn::Module::StateDict weights;  // clones, not views of the live parameters
  State state;
};

struct Trainer::Setup {
  config::RunConfig config;
  std::unique_ptr<Generator> dropout_gen;
  std::shared_ptr<nn::MultiHead> model;
  std::vector<nn::HeadLoss> losses;
  std::unique_ptr<optim::Optimizer> optimizer;
  config::RunData data;  // as read
  TrainerOptions options;
};

}  // namespace fulcrum::train
