#pragma once
// The frame shared by the sigmoid losses that act element by element on
// logits (sigmoid focal loss, asymmetric loss): argument checks, the
// reduction in double, and one fused backward node. Each loss supplies only a
// kernel with its per-element loss and derivative. Private to losses/.

#include <cmath>
#include <cstdint>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/reduction.hpp"
#include "loss_support.hpp"

namespace fulcrum::nn::detail {

/// sigmoid(x), sigmoid(-x) = 1 - sigmoid(x), and their logs, for a logit x.
/// Each is computed without subtracting from 1 and without overflow, so tiny
/// probabilities keep their relative accuracy and every value is finite for
/// every finite x (the logs are -softplus(-x) and -softplus(x)).
struct Logistic {
  double p;      ///< sigmoid(x)
  double q;      ///< sigmoid(-x) = 1 - p
  double log_p;  ///< log sigmoid(x) = -softplus(-x)
  double log_q;  ///< log sigmoid(-x) = -softplus(x)
};

inline Logistic logistic(double x) {
  const double e = std::exp(-std::abs(x));  // in (0, 1]: never overflows
  const double tail = std::log1p(e);
  const double big = 1.0 / (1.0 + e), small = e / (1.0 + e);
  if (x >= 0) return {big, small, -tail, -x - tail};
  return {small, big, x - tail, -tail};
}

/// Throws ValueError naming the first target outside [0, 1] (or NaN).
inline void check_unit_interval_targets(const Tensor& target, const char* loss) {
  const float* t = target.data();
  for (int64_t i = 0, n = target.numel(); i < n; ++i) {
    if (!(t[i] >= 0.0f && t[i] <= 1.0f))  // written so that NaN fails too
      throw_value_error(fmt::format("{}: target{} = {} is outside [0, 1]", loss,
                                    index_string(target.shape(), i), t[i]));
  }
}

/// A loss of the form reduce_i kernel.loss(x_i, t_i), with t the same shape as
/// x. `Kernel` is copyable and provides
///   double loss(double x, double t) const;   // the per-element loss
///   double grad(double x, double t) const;   // its derivative in x
/// both finite for every finite x and t in [0, 1].
///
/// Requires: input and target defined, target.shape() == input.shape(), every
///   input finite, every target in [0, 1], and a non-empty input for Mean
///   (else ShapeError / ValueError naming `name` and the shapes or the element).
/// Ensures: None gives the elementwise losses in input's shape; Mean their plain
///   mean; Sum their sum, accumulated in double in a fixed order. When input
///   requires grad, the result gets one node `name` whose backward writes
///   g * kernel.grad(x_i, t_i) per element. `target` is a constant (detached).
template <typename Kernel>
Tensor elementwise_logit_loss(const char* name, const Tensor& input, const Tensor& target,
                              Reduction reduction, const Kernel& kernel, int64_t cost_per_element) {
  FULCRUM_CHECK(input.defined() && target.defined(), "{}: input and target must be given", name);
  const Shape& shape = input.shape();
  FULCRUM_CHECK_SHAPE(target.shape() == shape,
                      "{}: target of shape {} does not match input of shape {} (they must be "
                      "equal)",
                      name, fulcrum::to_string(target.shape()), fulcrum::to_string(shape));
  check_all_finite(input, name, "input");
  check_unit_interval_targets(target, name);
  const int64_t n = input.numel();
  FULCRUM_CHECK(reduction != Reduction::Mean || n > 0,
                "{}: the mean over an empty input (shape {}) is undefined", name,
                fulcrum::to_string(shape));

  const float* x = input.data();
  const float* t = target.data();
  const auto loss_at = [&](int64_t i) { return kernel.loss(x[i], t[i]); };
  const Tensor out = reduce_elementwise(shape, loss_at, reduction, cost_per_element);
  if (!needs_grad({input})) return out;

  // The node keeps the target (detached, so no graph behind it stays alive)
  // and recomputes everything from the logits in one pass.
  return record(name, out, {input},
                [kernel, target = target.detach(), reduction, cost_per_element](
                    const Tensor&, const Tensor& grad_output, const std::vector<Tensor>& inputs) {
                  const Tensor& in = inputs[0];
                  const int64_t count = in.numel();
                  Tensor grad = Tensor::empty(in.shape());
                  const float* xs = in.data();
                  const float* ts = target.data();
                  const OutputGrad g(grad_output, reduction, count);
                  float* dx = grad.data();
                  parallel_for(
                      count,
                      [&](int64_t begin, int64_t end) {
                        for (int64_t i = begin; i < end; ++i) {
                          dx[i] = static_cast<float>(g(i) * kernel.grad(xs[i], ts[i]));
                        }
                      },
                      cost_per_element);
                  accumulate_grad(in, grad);
                });
}

}  // namespace fulcrum::nn::detail
