#include "fulcrum/optim/adam.hpp"

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"

namespace fulcrum::optim {
namespace {

// An Adam element costs a sqrt and a division besides the loads and stores,
// so fewer elements than kParallelGrain already pay for the threads.
constexpr int64_t kAdamCostPerElement = 2;

AdamOptions to_adam_options(const AdamWOptions& o) {
  return {.lr = o.lr,
          .betas = o.betas,
          .eps = o.eps,
          .weight_decay = o.weight_decay,
          .amsgrad = o.amsgrad};
}

}  // namespace

Adam::Adam(std::vector<Tensor> params, AdamOptions options)
    : Adam(std::move(params), options, WeightDecay::kL2, "Adam") {}

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions options)
    : Adam(std::move(params), to_adam_options(options), WeightDecay::kDecoupled, "AdamW") {}

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options, WeightDecay mode,
           const char* name)
    : Optimizer(std::move(params), options.lr, name),
      options_(options),
      mode_(mode),
      state_(params_.size()) {
  const auto [beta1, beta2] = options.betas;
  check_option(beta1 >= 0 && beta1 < 1, "betas.first", beta1, "must be in [0, 1)");
  check_option(beta2 >= 0 && beta2 < 1, "betas.second", beta2, "must be in [0, 1)");
  check_option(std::isfinite(options.eps) && options.eps >= 0, "eps", options.eps,
               "must be finite and >= 0");
  check_option(std::isfinite(options.weight_decay) && options.weight_decay >= 0, "weight_decay",
               options.weight_decay, "must be finite and >= 0");
}

void Adam::step() {
  NoGradGuard no_grad;
  const std::vector<Tensor> grads = gradients();
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!grads[i].defined()) continue;  // no gradient: no update, state unchanged
    ParamState& s = state_[i];
    if (!s.exp_avg.defined()) {
      s.exp_avg = Tensor::zeros(params_[i].shape());
      s.exp_avg_sq = Tensor::zeros(params_[i].shape());
      if (options_.amsgrad) s.max_exp_avg_sq = Tensor::zeros(params_[i].shape());
    }
    ++s.step;
    update(params_[i], grads[i], s);
  }
  advance_step_count();
}

namespace {

// The per-step constants of the update: computed in double, as PyTorch
// computes them in Python floats, then rounded to float, as its kernels take
// a Python scalar for a float32 tensor.
struct StepConstants {
  float beta1, one_minus_beta1, beta2, one_minus_beta2, l2, decay, minus_step_size,
      bias_correction2_sqrt, eps;
};

// Adam (or AdamW) over elements [begin, end), in float32, one rounding per
// operation of PyTorch's single-tensor Adam (torch.optim.Adam, foreach=False):
//   param.mul_(decay)                               AdamW (decay 1 for Adam)
//   grad = grad.add(param, alpha=l2)                kL2: Adam's weight decay, an fma
//   exp_avg.mul_(beta1).add_(grad, alpha=1-beta1)   mul, then fma
//   exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2)
//                                                   mul, then fma((1-beta2)*g, g, .)
//   [kAmsgrad: max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq), used below]
//   denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
//   param.addcdiv_(exp_avg, denom, value=-step_size) param + (-step_size*m)/denom
// This file is compiled without floating-point contraction, so the fused
// multiply-adds are the std::fma calls and nothing else; on the same gradients
// the result is PyTorch's to the bit. The buffers are distinct (__restrict)
// and the loop has no branch, so it compiles to vector instructions.
template <bool kL2, bool kAmsgrad>
void adam_range(int64_t begin, int64_t end, float* __restrict p, const float* __restrict g,
                float* __restrict m, float* __restrict v, float* __restrict v_max,
                const StepConstants c) {
  for (int64_t j = begin; j < end; ++j) {
    const float pj = p[j] * c.decay;
    const float gj = kL2 ? std::fma(pj, c.l2, g[j]) : g[j];
    m[j] = std::fma(gj, c.one_minus_beta1, m[j] * c.beta1);
    v[j] = std::fma(c.one_minus_beta2 * gj, gj, v[j] * c.beta2);
    float second_moment = v[j];
    if constexpr (kAmsgrad) {
      // torch.maximum: NaN wins, so a broken state stays visible.
      const float seen = v_max[j];
      v_max[j] = (seen > second_moment || std::isnan(seen)) ? seen : second_moment;
      second_moment = v_max[j];
    }
    const float denom = std::sqrt(second_moment) / c.bias_correction2_sqrt + c.eps;
    p[j] = pj + c.minus_step_size * m[j] / denom;
  }
}

}  // namespace

void Adam::update(Tensor& param, const Tensor& grad, ParamState& s) const {
  const double beta1 = options_.betas.first;
  const double beta2 = options_.betas.second;
  const double lr = this->lr();
  const double t = static_cast<double>(s.step);
  const double bias_correction1 = 1 - std::pow(beta1, t);
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, t));
  const bool decoupled = mode_ == WeightDecay::kDecoupled;
  const StepConstants c{
      .beta1 = static_cast<float>(beta1),
      .one_minus_beta1 = static_cast<float>(1 - beta1),
      .beta2 = static_cast<float>(beta2),
      .one_minus_beta2 = static_cast<float>(1 - beta2),
      .l2 = static_cast<float>(options_.weight_decay),
      .decay = decoupled ? static_cast<float>(1 - lr * options_.weight_decay) : 1.0f,
      .minus_step_size = static_cast<float>(-(lr / bias_correction1)),
      .bias_correction2_sqrt = static_cast<float>(bias_correction2_sqrt),
      .eps = static_cast<float>(options_.eps)};
  const bool amsgrad = options_.amsgrad;
  // PyTorch adds weight_decay * param to the gradient only when it is not 0.
  const bool l2 = !decoupled && options_.weight_decay != 0;

  float* p = param.data();
  const float* g = grad.data();
  float* m = s.exp_avg.data();
  float* v = s.exp_avg_sq.data();
  float* v_max = amsgrad ? s.max_exp_avg_sq.data() : nullptr;
  parallel_for(
      param.numel(),
      [=](int64_t begin, int64_t end) {
        if (l2 && amsgrad) adam_range<true, true>(begin, end, p, g, m, v, v_max, c);
        if (l2 && !amsgrad) adam_range<true, false>(begin, end, p, g, m, v, v_max, c);
        if (!l2 && amsgrad) adam_range<false, true>(begin, end, p, g, m, v, v_max, c);
        if (!l2 && !amsgrad) adam_range<false, false>(begin, end, p, g, m, v, v_max, c);
      },
      kAdamCostPerElement);
}

std::vector<std::string> Adam::param_state_names() const {
  if (options_.amsgrad) return {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"step", "exp_avg", "exp_avg_sq"};
}

std::vector<Tensor> Adam::export_param_state(size_t i) const {
  const ParamState& s = state_[i];
  if (!s.exp_avg.defined()) return {};
  std::vector<Tensor> out{Tensor::scalar(static_cast<float>(s.step)), s.exp_avg, s.exp_avg_sq};
  if (options_.amsgrad) out.push_back(s.max_exp_avg_sq);
  return out;
}

void Adam::import_param_state(size_t i, std::vector<Tensor> values) {
  ParamState& s = state_[i];
  if (values.empty()) {
    s = ParamState{};
    return;
  }
  s.step = static_cast<int64_t>(values[0].item());
  s.exp_avg = std::move(values[1]);
  s.exp_avg_sq = std::move(values[2]);
  s.max_exp_avg_sq = options_.amsgrad ? std::move(values[3]) : Tensor();
}

}  // namespace fulcrum::optim
