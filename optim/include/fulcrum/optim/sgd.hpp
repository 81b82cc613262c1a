#pragma once
// Stochastic gradient descent with momentum, torch.optim.SGD step for step:
//   g = grad + weight_decay * p
//   buf = g                                        (first step with momentum)
//   buf = momentum * buf + (1 - dampening) * g     (later steps)
//   g = nesterov ? g + momentum * buf : buf        (when momentum != 0)
//   p -= lr * g

#include <limits>
#include <vector>

#include "fulcrum/optim/optimizer.hpp"

namespace fulcrum::optim {

/// The hyperparameters of SGD.
/// Requires: lr given (it has no default, as in LibTorch's SGDOptions), finite
/// and >= 0; momentum and weight_decay finite and >= 0; dampening finite;
/// nesterov only with momentum > 0 and dampening == 0. The constructor throws
/// ValueError naming the option otherwise.
struct SGDOptions {
  double lr = std::numeric_limits<double>::quiet_NaN();  ///< NaN = not given
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
};

/// torch.optim.SGD. With momentum, each parameter keeps a momentum_buffer,
/// allocated at its first update.
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions options);
  void step() override;

 protected:
  std::vector<std::string> param_state_names() const override;
  std::vector<Tensor> export_param_state(size_t i) const override;
  void import_param_state(size_t i, std::vector<Tensor> values) override;

 private:
  void update(Tensor& param, const Tensor& grad, Tensor& momentum_buffer) const;

  SGDOptions options_;  ///< options_.lr is the initial rate; lr() is the current one
  std::vector<Tensor> momentum_buffers_;  ///< undefined until the parameter's first update
};

}  // namespace fulcrum::optim
