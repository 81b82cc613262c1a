#include "fulcrum/optim/sgd.hpp"

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"

namespace fulcrum::optim {

SGD::SGD(std::vector<Tensor> params, SGDOptions options)
    : Optimizer(std::move(params), std::isnan(options.lr) ? 0.0 : options.lr, "SGD"),
      options_(options),
      momentum_buffers_(params_.size()) {
  FULCRUM_CHECK(!std::isnan(options.lr),
                "SGD: lr is required (SGDOptions::lr has no default), e.g. SGDOptions{{.lr = 0.1}}");
  check_option(std::isfinite(options.momentum) && options.momentum >= 0, "momentum",
               options.momentum, "must be finite and >= 0");
  check_option(std::isfinite(options.dampening), "dampening", options.dampening,
               "must be finite");
  check_option(std::isfinite(options.weight_decay) && options.weight_decay >= 0, "weight_decay",
               options.weight_decay, "must be finite and >= 0");
  FULCRUM_CHECK(!options.nesterov || (options.momentum > 0 && options.dampening == 0),
                "SGD: nesterov requires momentum > 0 and dampening = 0 (got momentum = {}, "
                "dampening = {})",
                options.momentum, options.dampening);
}

void SGD::step() {
  NoGradGuard no_grad;
  const std::vector<Tensor> grads = gradients();
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!grads[i].defined()) continue;  // no gradient: no update, buffer unchanged
    update(params_[i], grads[i], momentum_buffers_[i]);
  }
  advance_step_count();
}

void SGD::update(Tensor& param, const Tensor& grad, Tensor& momentum_buffer) const {
  const double lr = this->lr();
  const double momentum = options_.momentum;
  const double dampening = options_.dampening;
  const double weight_decay = options_.weight_decay;
  const bool nesterov = options_.nesterov;
  // PyTorch starts the buffer as a copy of the first (decayed) gradient
  // rather than as (1 - dampening) * gradient.
  const bool first = momentum != 0 && !momentum_buffer.defined();
  if (first) momentum_buffer = Tensor::empty(param.shape());

  float* p = param.data();
  const float* g = grad.data();
  float* buf = momentum != 0 ? momentum_buffer.data() : nullptr;
  parallel_for(param.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      double d = g[j];
      if (weight_decay != 0) d += weight_decay * p[j];
      if (buf) {
        buf[j] = first ? static_cast<float>(d)
                       : static_cast<float>(momentum * buf[j] + (1 - dampening) * d);
        d = nesterov ? d + momentum * buf[j] : buf[j];
      }
      p[j] = static_cast<float>(p[j] - lr * d);
    }
  });
}

std::vector<std::string> SGD::param_state_names() const {
  if (options_.momentum == 0) return {};
  return {"momentum_buffer"};
}

std::vector<Tensor> SGD::export_param_state(size_t i) const {
  if (!momentum_buffers_[i].defined()) return {};
  return {momentum_buffers_[i]};
}

void SGD::import_param_state(size_t i, std::vector<Tensor> values) {
  momentum_buffers_[i] = values.empty() ? Tensor() : std::move(values[0]);
}

}  // namespace fulcrum::optim
