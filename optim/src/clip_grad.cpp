#include "fulcrum/optim/clip_grad.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"

namespace fulcrum::optim {
namespace {

// Partial results are formed over blocks of this many elements and combined
// in block order, so the total is the same for any number of threads.
constexpr int64_t kBlock = int64_t{1} << 15;
constexpr int64_t kLanes = 8;

// max(a, b) that keeps NaN, like torch.max: a NaN gradient must not vanish
// from the infinity norm.
double nan_max(double a, double b) { return (a > b || std::isnan(a)) ? a : b; }

// Reduces op(|x|) over x with `combine` (sum or nan_max), deterministically.
template <typename Op, typename Combine>
double reduce_abs(const Tensor& x, Op op, Combine combine) {
  const float* data = x.data();
  const int64_t n = x.numel();
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  parallel_for(
      blocks,
      [&](int64_t first, int64_t last) {
        for (int64_t b = first; b < last; ++b) {
          // Independent lanes let the compiler vectorise a strictly ordered
          // double sum; their order is fixed, so the result is too.
          double lane[kLanes] = {};
          const int64_t end = std::min(n, (b + 1) * kBlock);
          int64_t j = b * kBlock;
          for (; j + kLanes <= end; j += kLanes)
            for (int64_t l = 0; l < kLanes; ++l)
              lane[l] = combine(lane[l], op(std::abs(static_cast<double>(data[j + l]))));
          for (; j < end; ++j) lane[0] = combine(lane[0], op(std::abs(static_cast<double>(data[j]))));
          double acc = lane[0];
          for (int64_t l = 1; l < kLanes; ++l) acc = combine(acc, lane[l]);
          partial[static_cast<size_t>(b)] = acc;
        }
      },
      kBlock);
  double total = 0;
  for (double p : partial) total = combine(total, p);
  return total;
}

double norm_of(const Tensor& g, double norm_type) {
  if (std::isinf(norm_type)) return reduce_abs(g, [](double a) { return a; }, nan_max);
  const auto plus = [](double a, double b) { return a + b; };
  if (norm_type == 2) return reduce_abs(g, [](double a) { return a * a; }, plus);
  if (norm_type == 1) return reduce_abs(g, [](double a) { return a; }, plus);
  return reduce_abs(g, [norm_type](double a) { return std::pow(a, norm_type); }, plus);
}

}  // namespace

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type) {
  FULCRUM_CHECK(std::isfinite(max_norm) && max_norm >= 0,
                "clip_grad_norm: invalid max_norm = {} (must be finite and >= 0)", max_norm);
  FULCRUM_CHECK(norm_type > 0, "clip_grad_norm: invalid norm_type = {} (must be > 0 or infinity)",
                norm_type);
  NoGradGuard no_grad;
  const bool inf_norm = std::isinf(norm_type);

  // For finite p, `accumulated` is sum |g|^p over all gradients; the p-th root
  // is taken once at the end.
  std::vector<Tensor> grads;
  double accumulated = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    FULCRUM_CHECK(params[i].defined(), "clip_grad_norm: parameter {} is an undefined tensor", i);
    Tensor g = params[i].grad();
    if (!g.defined()) continue;
    const double part = norm_of(g, norm_type);
    accumulated = inf_norm ? nan_max(accumulated, part) : accumulated + part;
    grads.push_back(std::move(g));
  }
  if (grads.empty()) return 0.0;
  const double total = inf_norm ? accumulated
                       : norm_type == 2 ? std::sqrt(accumulated)
                                        : std::pow(accumulated, 1.0 / norm_type);

  if (!std::isfinite(total)) {
    std::string culprit = "no single gradient is non-finite: the norm overflowed";
    for (size_t i = 0; i < params.size(); ++i) {
      const Tensor g = params[i].grad();
      if (g.defined() && !std::all_of(g.values().begin(), g.values().end(),
                                      [](float x) { return std::isfinite(x); })) {
        culprit = fmt::format("the first non-finite gradient is that of parameter {} (shape {})",
                              i, to_string(g.shape()));
        break;
      }
    }
    throw_value_error(fmt::format(
        "gradient norm is {}: the total {}-norm of {} gradients is not finite, so they cannot be "
        "clipped; {}. Check the loss and the learning rate",
        std::isnan(total) ? "nan" : "inf", norm_type, grads.size(), culprit));
  }

  const double clip_coef = max_norm / (total + 1e-6);
  if (clip_coef < 1) {
    for (Tensor& g : grads) {
      float* data = g.data();
      parallel_for(g.numel(), [&](int64_t begin, int64_t end) {
        for (int64_t j = begin; j < end; ++j)
          data[j] = static_cast<float>(static_cast<double>(data[j]) * clip_coef);
      });
    }
  }
  return total;
}

}  // namespace fulcrum::optim
