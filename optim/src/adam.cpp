#include "fulcrum/optim/adam.hpp"

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"

namespace fulcrum::optim {
namespace {

// An Adam element costs a sqrt and a division besides the loads and stores,
// so fewer elements than kParallelGrain already pay for the threads.
constexpr int64_t kAdamCostPerElement = 4;

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

// The per-step constants of the update, in double.
struct StepConstants {
  double beta1, beta2, l2, decay, step_size, bias_correction2_sqrt, eps;
};

// Adam (or AdamW) over elements [begin, end). The parameter, its gradient and
// its state are distinct buffers (__restrict) and the loop has no branch, so
// it compiles to vector instructions; double sqrt and division round exactly,
// so vector and scalar code give the same bits.
void adam_range(int64_t begin, int64_t end, float* __restrict p, const float* __restrict g,
                float* __restrict m, float* __restrict v, const StepConstants c) {
  for (int64_t j = begin; j < end; ++j) {
    const double pj = p[j];
    const double gj = c.l2 != 0 ? g[j] + c.l2 * pj : g[j];
    m[j] = static_cast<float>(c.beta1 * m[j] + (1 - c.beta1) * gj);
    v[j] = static_cast<float>(c.beta2 * v[j] + (1 - c.beta2) * gj * gj);
    const double denom = std::sqrt(static_cast<double>(v[j])) / c.bias_correction2_sqrt + c.eps;
    p[j] = static_cast<float>(pj * c.decay - c.step_size * (static_cast<double>(m[j]) / denom));
  }
}

// The same with amsgrad: the denominator from the running maximum of v.
void amsgrad_range(int64_t begin, int64_t end, float* __restrict p, const float* __restrict g,
                   float* __restrict m, float* __restrict v, float* __restrict v_max,
                   const StepConstants c) {
  for (int64_t j = begin; j < end; ++j) {
    const double pj = p[j];
    const double gj = c.l2 != 0 ? g[j] + c.l2 * pj : g[j];
    m[j] = static_cast<float>(c.beta1 * m[j] + (1 - c.beta1) * gj);
    v[j] = static_cast<float>(c.beta2 * v[j] + (1 - c.beta2) * gj * gj);
    // torch.maximum: NaN wins, so a broken state stays visible.
    const float seen = v_max[j], now = v[j];
    v_max[j] = (seen > now || std::isnan(seen)) ? seen : now;
    const double denom = std::sqrt(static_cast<double>(v_max[j])) / c.bias_correction2_sqrt + c.eps;
    p[j] = static_cast<float>(pj * c.decay - c.step_size * (static_cast<double>(m[j]) / denom));
  }
}

}  // namespace

void Adam::update(Tensor& param, const Tensor& grad, ParamState& s) const {
  // Scalars in double, as PyTorch computes them in Python floats.
  // Plain variables, not a structured binding: clang (up to 15) cannot
  // capture one in the lambda below.
  const double beta1 = options_.betas.first;
  const double beta2 = options_.betas.second;
  const double lr = this->lr();
  const double t = static_cast<double>(s.step);
  const double bias_correction1 = 1 - std::pow(beta1, t);
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, t));
  const double step_size = lr / bias_correction1;
  const double eps = options_.eps;
  const double l2 = mode_ == WeightDecay::kL2 ? options_.weight_decay : 0.0;
  const double decay = mode_ == WeightDecay::kDecoupled ? 1 - lr * options_.weight_decay : 1.0;
  const bool amsgrad = options_.amsgrad;

  float* p = param.data();
  const float* g = grad.data();
  float* m = s.exp_avg.data();
  float* v = s.exp_avg_sq.data();
  float* v_max = amsgrad ? s.max_exp_avg_sq.data() : nullptr;

  // One fused pass per element. The arithmetic runs in double and each stored
  // value is rounded to float once; the update reads m and v back as stored,
  // so it depends only on the state a checkpoint records.
  parallel_for(
      param.numel(),
      [=](int64_t begin, int64_t end) {
        if (amsgrad) {
          amsgrad_range(begin, end, p, g, m, v, v_max,
                        {beta1, beta2, l2, decay, step_size, bias_correction2_sqrt, eps});
          return;
        }
        adam_range(begin, end, p, g, m, v,
                   {beta1, beta2, l2, decay, step_size, bias_correction2_sqrt, eps});
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
