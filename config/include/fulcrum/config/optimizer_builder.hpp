#pragma once
// Building the optimizer of a run from the `training.optimizer` section.

#include <memory>
#include <vector>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/optim/optimizer.hpp"

namespace fulcrum::config {

/// optim::Adam, AdamW or SGD over `params` with the section's settings
/// (betas, eps and amsgrad for Adam and AdamW; momentum and nesterov for SGD;
/// lr and weight_decay for all). Requires: a config that passed
/// validate_config (the optimizers check their options again).
std::unique_ptr<optim::Optimizer> build_optimizer(const OptimizerConfig& config,
                                                  std::vector<Tensor> params);

}  // namespace fulcrum::config
