#include "fulcrum/losses/bce_with_logits.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "loss_support.hpp"

namespace fulcrum::nn {
namespace {

constexpr const char* kName = "binary_cross_entropy_with_logits";
// Relative cost of one element (an exp and a log1p in double) for parallel_for.
constexpr int64_t kCostPerElement = 16;

// softplus(x) = log(1 + e^x) and softplus(-x), sharing one exp and one log1p.
// Written as max(., 0) + log1p(e^-|x|): no overflow and no cancellation.
struct Softplus {
  double pos, neg;  // softplus(x), softplus(-x)
};
Softplus softplus_pair(double x) {
  const double tail = std::log1p(std::exp(-std::abs(x)));
  return {std::max(x, 0.0) + tail, std::max(-x, 0.0) + tail};
}

// sigmoid(x) and sigmoid(-x) = 1 - sigmoid(x), each computed without
// subtracting from 1, so tiny values keep their relative accuracy.
struct Sigmoid {
  double pos, neg;  // sigmoid(x), sigmoid(-x)
};
Sigmoid sigmoid_pair(double x) {
  const double e = std::exp(-std::abs(x));
  const double big = 1.0 / (1.0 + e), small = e / (1.0 + e);
  return x >= 0 ? Sigmoid{big, small} : Sigmoid{small, big};
}

// An optional per-element factor (weight or pos_weight) read through
// broadcasting; 1 when not given.
class Factor {
 public:
  Factor(const Tensor& t, const Shape& to)
      : data_(t.defined() ? t.data() : nullptr), index_(t.defined() ? t.shape() : Shape{}, to) {}
  double operator()(int64_t i) const { return data_ ? static_cast<double>(data_[index_(i)]) : 1.0; }

 private:
  const float* data_;
  detail::BroadcastIndex index_;
};

void check_factor_shape(const Tensor& factor, const char* what, const Shape& input_shape) {
  if (!factor.defined()) return;
  FULCRUM_CHECK_SHAPE(broadcasts_to(factor.shape(), input_shape),
                      "{}: {} of shape {} does not broadcast to input of shape {}", kName, what,
                      fulcrum::to_string(factor.shape()), fulcrum::to_string(input_shape));
}

void check_targets(const Tensor& target) {
  const float* t = target.data();
  for (int64_t i = 0; i < target.numel(); ++i) {
    // Written so that NaN fails too.
    if (!(t[i] >= 0.0f && t[i] <= 1.0f))
      throw_value_error(fmt::format("{}: target{} = {} is outside [0, 1]", kName,
                                    detail::index_string(target.shape(), i), t[i]));
  }
}

Tensor constant(const Tensor& t) { return t.defined() ? t.detach() : Tensor{}; }

}  // namespace

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BCEWithLogitsLossOptions& options) {
  const Tensor& weight = options.weight;
  const Tensor& pos_weight = options.pos_weight;
  const Reduction reduction = options.reduction;
  FULCRUM_CHECK(input.defined() && target.defined(), "{}: input and target must be given",
                kName);
  const Shape& shape = input.shape();
  FULCRUM_CHECK_SHAPE(target.shape() == shape,
                      "{}: target of shape {} does not match input of shape {} (they must be "
                      "equal)",
                      kName, fulcrum::to_string(target.shape()), fulcrum::to_string(shape));
  check_factor_shape(weight, "weight", shape);
  check_factor_shape(pos_weight, "pos_weight", shape);
  detail::check_all_finite(input, kName, "input");
  check_targets(target);
  const int64_t n = input.numel();
  FULCRUM_CHECK(reduction != Reduction::Mean || n > 0,
                "{}: the mean over an empty input (shape {}) is undefined", kName,
                fulcrum::to_string(shape));

  const float* x = input.data();
  const float* t = target.data();
  const Factor w(weight, shape), pw(pos_weight, shape);
  const auto loss_at = [&](int64_t i) {
    const double ti = t[i];
    const Softplus sp = softplus_pair(x[i]);
    return w(i) * ((1.0 - ti) * sp.pos + pw(i) * ti * sp.neg);
  };

  Tensor out = detail::reduce_elementwise(shape, loss_at, reduction, kCostPerElement);
  if (!needs_grad({input})) return out;

  // The backward node keeps the constants (detached, so no graph behind them
  // stays alive) and recomputes the gradient from them in one pass.
  return record(
      kName, out, {input},
      [target = constant(target), weight = constant(weight), pos_weight = constant(pos_weight),
       reduction](const Tensor&, const Tensor& grad_output, const std::vector<Tensor>& inputs) {
        const Tensor& in = inputs[0];
        const int64_t count = in.numel();
        Tensor grad = Tensor::empty(in.shape());
        const float* xs = in.data();
        const float* ts = target.data();
        const detail::OutputGrad g(grad_output, reduction, count);
        float* dx = grad.data();
        const Factor wf(weight, in.shape()), pwf(pos_weight, in.shape());
        parallel_for(
            count,
            [&](int64_t begin, int64_t end) {
              for (int64_t i = begin; i < end; ++i) {
                const double gi = g(i);
                const double ti = ts[i];
                const Sigmoid s = sigmoid_pair(xs[i]);
                dx[i] = static_cast<float>(gi * wf(i) * ((1.0 - ti) * s.pos - pwf(i) * ti * s.neg));
              }
            },
            kCostPerElement);
        accumulate_grad(in, grad);
      });
}

BCEWithLogitsLoss::BCEWithLogitsLoss(BCEWithLogitsLossOptions options)
    : options_(std::move(options)) {}

Tensor BCEWithLogitsLoss::forward(const Tensor& input, const Tensor& target) const {
  return binary_cross_entropy_with_logits(input, target, options_);
}

}  // namespace fulcrum::nn
