#include "fulcrum/config/optimizer_builder.hpp"

#include <fmt/format.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/optim/adam.hpp"
#include "fulcrum/optim/sgd.hpp"

namespace fulcrum::config {

std::unique_ptr<optim::Optimizer> build_optimizer(const OptimizerConfig& c,
                                                  std::vector<Tensor> params) {
  FULCRUM_CHECK(c.betas.size() == 2, "training.optimizer.betas: must be two numbers, got {}",
                c.betas.size());
  const std::pair<double, double> betas{c.betas[0], c.betas[1]};
  switch (c.name) {
    case optim::OptimizerKind::Adam:
      return std::make_unique<optim::Adam>(
          std::move(params), optim::AdamOptions{c.lr, betas, c.eps, c.weight_decay, c.amsgrad});
    case optim::OptimizerKind::AdamW:
      return std::make_unique<optim::AdamW>(
          std::move(params), optim::AdamWOptions{c.lr, betas, c.eps, c.weight_decay, c.amsgrad});
    case optim::OptimizerKind::SGD:
      return std::make_unique<optim::SGD>(std::move(params),
                                          optim::SGDOptions{.lr = c.lr,
                                                            .momentum = c.momentum,
                                                            .weight_decay = c.weight_decay,
                                                            .nesterov = c.nesterov});
  }
  throw_value_error(
      fmt::format("training.optimizer.name: not an OptimizerKind ({})", static_cast<int>(c.name)));
}

}  // namespace fulcrum::config
