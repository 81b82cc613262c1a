#pragma once
// The progress of a run that the last checkpoint carries, so that a resumed
// run continues exactly (internal to the trainer).

#include <cstdint>
#include <optional>

#include "fulcrum/train/trainer.hpp"

namespace fulcrum::train {

struct Trainer::State {
  int64_t epochs_completed = 0;
  int64_t best_epoch = 0;  ///< 1-based; 0 before any improvement
  std::optional<double> best_value;
  int64_t epochs_without_improvement = 0;
};

}  // namespace fulcrum::train
