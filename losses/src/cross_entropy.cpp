#include "fulcrum/losses/cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

// GCC 12 warns that _mm512_undefined_pd() is "used uninitialized" wherever
// Eigen's AVX-512 packet math is inlined (GCC bug 105593), a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Core>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "loss_support.hpp"

namespace fulcrum::nn {
namespace {

constexpr const char* kName = "cross_entropy";

enum class TargetKind { Index, Probabilities };

// The exps and logs run a chunk of kChunk positions at a time, in double, on
// Eigen's vectorised exp and log (rather than libm's scalar ones). Chunks
// start at multiples of kChunk and a short last chunk is padded, so every
// position goes through the same vector code whatever the thread count.
constexpr int64_t kChunk = detail::kSumChunk;
using Chunk = Eigen::Array<double, kChunk, 1>;

// The loss at each position, given raw pointers; shared by forward and
// backward so both use the same formulas.
//
// Input [N, C, d1..dk] is viewed as [N, C, D] with D = d1 * ... * dk. A
// "position" p = n * D + d is one softmax; its class c sits at
// first(p) + c * D. Index targets and the None output are indexed by p;
// probability targets share the input's layout.
struct CrossEntropyKernel {
  int64_t classes = 0;  // C
  int64_t inner = 1;    // D
  TargetKind kind = TargetKind::Index;
  const float* x = nullptr;
  const float* target = nullptr;
  const float* weight = nullptr;  // null: all 1
  double smoothing = 0.0;
  double ignore_index = -100.0;
  double weight_sum = 0.0;  // sum_c w[c]

  int64_t first(int64_t p) const { return (p / inner) * classes * inner + p % inner; }
  double w(int64_t c) const { return weight ? static_cast<double>(weight[c]) : 1.0; }
  bool ignored(int64_t p) const {
    return kind == TargetKind::Index && static_cast<double>(target[p]) == ignore_index;
  }

  // Class c of the positions [begin, begin + count), count <= kChunk, the
  // lanes past count 0.
  Chunk class_values(int64_t begin, int64_t count, int64_t c) const {
    Chunk v = Chunk::Zero();
    for (int64_t i = 0; i < count; ++i) v[i] = x[first(begin + i) + c * inner];
    return v;
  }

  // log sum_c exp(x_c) of the positions [begin, begin + count) into lse,
  // shifted by each position's max so that no exp overflows.
  void log_sum_exps(int64_t begin, int64_t count, double* lse) const {
    Chunk m = Chunk::Constant(-std::numeric_limits<double>::infinity());
    for (int64_t c = 0; c < classes; ++c) m = m.max(class_values(begin, count, c));
    Chunk s = Chunk::Zero();
    for (int64_t c = 0; c < classes; ++c) s += (class_values(begin, count, c) - m).exp();
    const Chunk result = m + s.log();
    std::copy_n(result.data(), count, lse + begin);
  }

  // q_c, the coefficient of -log p_c in the loss at p (see the header):
  // index: (1 - eps) w[y] [c == y] + (eps / C) w[c]; probabilities:
  // w[c] ((1 - eps) t_c + eps / C).
  double coefficient(int64_t p, int64_t c, int64_t y) const {
    const double uniform = smoothing / static_cast<double>(classes);
    if (kind == TargetKind::Index)
      return uniform * w(c) + (c == y ? (1.0 - smoothing) * w(y) : 0.0);
    const double t = target[first(p) + c * inner];
    return w(c) * ((1.0 - smoothing) * t + uniform);
  }
  int64_t label(int64_t p) const {
    return kind == TargetKind::Index ? static_cast<int64_t>(target[p]) : -1;
  }

  // The loss at p, given its log-sum-exp.
  double loss(int64_t p, double lse) const {
    if (ignored(p)) return 0.0;
    const float* row = x + first(p);
    const int64_t y = label(p);
    if (kind == TargetKind::Index && smoothing == 0.0) return w(y) * (lse - row[y * inner]);
    double total = 0.0;
    for (int64_t c = 0; c < classes; ++c) total += coefficient(p, c, y) * (lse - row[c * inner]);
    return total;
  }

  // Writes g_p * d loss(p) / d x into dx at the classes of the positions
  // [begin, begin + count): g_p (p_c * sum_k q_k - q_c), p_c = exp(x_c - lse).
  // g_p is g[p] per position, or g[0] * scale for all.
  void gradients(int64_t begin, int64_t count, const double* lse, const float* g, double scale,
                 bool per_position, float* dx) const {
    double g_of[kChunk], q_sum[kChunk];
    Chunk lse_of = Chunk::Zero();
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = begin + i;
      lse_of[i] = lse[p];
      g_of[i] = ignored(p) ? 0.0 : per_position ? static_cast<double>(g[p]) : g[0] * scale;
      const int64_t y = label(p);
      if (kind == TargetKind::Index) {
        q_sum[i] = ignored(p) ? 0.0
                              : (1.0 - smoothing) * w(y) +
                                    smoothing / static_cast<double>(classes) * weight_sum;
      } else {
        q_sum[i] = 0.0;
        for (int64_t c = 0; c < classes; ++c) q_sum[i] += coefficient(p, c, y);
      }
    }
    for (int64_t c = 0; c < classes; ++c) {
      const Chunk prob = (class_values(begin, count, c) - lse_of).exp();
      for (int64_t i = 0; i < count; ++i) {
        const int64_t p = begin + i;
        const double value =
            ignored(p) ? 0.0 : g_of[i] * (prob[i] * q_sum[i] - coefficient(p, c, label(p)));
        dx[first(p) + c * inner] = static_cast<float>(value);
      }
    }
  }
};

// Input's shape without the class dimension: the shape of index targets and
// of the None output.
Shape positions_shape(const Shape& input_shape) {
  Shape s = input_shape;
  s.erase(s.begin() + 1);
  return s;
}

TargetKind target_kind(const Shape& input_shape, const Shape& target_shape) {
  if (target_shape == input_shape) return TargetKind::Probabilities;
  const Shape index_shape = positions_shape(input_shape);
  FULCRUM_CHECK_SHAPE(target_shape == index_shape,
                      "{}: target of shape {} fits neither class indices (expected shape {}) "
                      "nor class probabilities (expected shape {}) for input of shape {}",
                      kName, fulcrum::to_string(target_shape), fulcrum::to_string(index_shape),
                      fulcrum::to_string(input_shape), fulcrum::to_string(input_shape));
  return TargetKind::Index;
}

// Checks every index target and returns the mean's divisor for index targets:
// the summed weights of the non-ignored positions.
double check_indices(const CrossEntropyKernel& k, const Tensor& target) {
  double divisor = 0.0;
  for (int64_t p = 0, n = target.numel(); p < n; ++p) {
    const float v = k.target[p];
    if (k.ignored(p)) continue;
    if (!std::isfinite(v) || v != std::floor(v))
      throw_value_error(fmt::format("{}: target{} = {} is not a class index (an integer)", kName,
                                    detail::index_string(target.shape(), p), v));
    if (v < 0.0f || v >= static_cast<float>(k.classes))
      throw_value_error(fmt::format(
          "{}: target{} = {} is out of range for {} classes (expected 0 to {}, or ignore_index "
          "{})",
          kName, detail::index_string(target.shape(), p), v, k.classes, k.classes - 1,
          k.ignore_index));
    divisor += k.w(static_cast<int64_t>(v));
  }
  return divisor;
}

void check_label_smoothing(float label_smoothing) {
  FULCRUM_CHECK(label_smoothing >= 0.0f && label_smoothing <= 1.0f,
                "{}: label_smoothing must be in [0, 1], got {}", kName, label_smoothing);
}

Tensor constant(const Tensor& t) { return t.defined() ? t.detach() : Tensor{}; }

}  // namespace

Tensor cross_entropy(const Tensor& input, const Tensor& target,
                     const CrossEntropyLossOptions& options) {
  FULCRUM_CHECK(input.defined() && target.defined(), "{}: input and target must be given", kName);
  const Shape& shape = input.shape();
  FULCRUM_CHECK_SHAPE(shape.size() >= 2,
                      "{}: input must have shape [N, C] or [N, C, d1, ...] (class dimension 1), "
                      "got {}",
                      kName, fulcrum::to_string(shape));
  const int64_t classes = shape[1];
  FULCRUM_CHECK_SHAPE(classes >= 1, "{}: input of shape {} has no classes", kName,
                      fulcrum::to_string(shape));
  const Tensor& weight = options.weight;
  if (weight.defined())
    FULCRUM_CHECK_SHAPE(weight.shape() == Shape{classes},
                        "{}: weight of shape {} does not match the {} classes of input of shape "
                        "{} (expected shape [{}])",
                        kName, fulcrum::to_string(weight.shape()), classes,
                        fulcrum::to_string(shape), classes);
  check_label_smoothing(options.label_smoothing);
  const TargetKind kind = target_kind(shape, target.shape());
  detail::check_all_finite(input, kName, "input");

  CrossEntropyKernel k;
  k.classes = classes;
  for (size_t d = 2; d < shape.size(); ++d) k.inner *= shape[d];
  k.kind = kind;
  k.x = input.data();
  k.target = target.data();
  k.weight = weight.defined() ? weight.data() : nullptr;
  k.smoothing = options.label_smoothing;
  k.ignore_index = static_cast<double>(options.ignore_index);
  for (int64_t c = 0; c < classes; ++c) k.weight_sum += k.w(c);

  const Shape out_shape = positions_shape(shape);
  const int64_t positions = numel(out_shape);
  double divisor = static_cast<double>(positions);
  if (kind == TargetKind::Index) {
    divisor = check_indices(k, target);
  } else {
    detail::check_all_finite(target, kName, "target");
  }
  const Reduction reduction = options.reduction;
  FULCRUM_CHECK(reduction != Reduction::Mean || divisor != 0.0,
                "{}: the mean divides by the summed weights of the non-ignored targets, which "
                "is 0 here (every target is ignore_index {} or has class weight 0, or the "
                "input is empty); PyTorch would return nan. Use reduction \"sum\" or skip "
                "this batch",
                kName, options.ignore_index);

  // Each position's log-sum-exp (in double, two floats of pooled storage
  // each), found a chunk at a time for the loss and kept for the backward pass.
  const bool backward = needs_grad({input});
  Tensor lse_storage = Tensor::empty({2 * positions});
  double* lse = reinterpret_cast<double*>(lse_storage.data());
  const int64_t chunks = (positions + kChunk - 1) / kChunk;
  const int64_t chunk_cost = kChunk * 4 * classes;  // ~2 exps per class, for parallel_for
  parallel_for(
      chunks,
      [&](int64_t first, int64_t last) {
        for (int64_t chunk = first; chunk < last; ++chunk)
          k.log_sum_exps(chunk * kChunk, std::min(kChunk, positions - chunk * kChunk), lse);
      },
      chunk_cost);

  Tensor out;
  if (reduction == Reduction::None) {
    out = Tensor::empty(out_shape);
    float* o = out.data();
    parallel_for(
        positions,
        [&](int64_t begin, int64_t end) {
          for (int64_t p = begin; p < end; ++p) o[p] = static_cast<float>(k.loss(p, lse[p]));
        },
        classes);
  } else {
    const double total = detail::deterministic_sum(
        positions, [&](int64_t p) { return k.loss(p, lse[p]); }, classes);
    out = Tensor::scalar(static_cast<float>(reduction == Reduction::Mean ? total / divisor : total));
  }
  if (!backward) return out;

  // The node keeps the constants, the divisor and the log-sum-exps; the
  // gradient is computed from them and the logits rather than storing the
  // softmax.
  return record(kName, out, {input},
                [k, target = constant(target), weight = constant(weight), lse_storage, reduction,
                 divisor, positions, chunks](const Tensor&, const Tensor& grad_output,
                                             const std::vector<Tensor>& inputs) {
                  const Tensor& in = inputs[0];
                  CrossEntropyKernel kb = k;
                  kb.x = in.data();
                  kb.target = target.data();
                  kb.weight = weight.defined() ? weight.data() : nullptr;
                  const double* saved_lse = reinterpret_cast<const double*>(lse_storage.data());
                  Tensor grad = Tensor::empty(in.shape());
                  float* dx = grad.data();
                  const float* g = grad_output.data();
                  const double scale = reduction == Reduction::Mean ? 1.0 / divisor : 1.0;
                  const bool per_position = reduction == Reduction::None;
                  parallel_for(
                      chunks,
                      [&](int64_t first, int64_t last) {
                        for (int64_t chunk = first; chunk < last; ++chunk)
                          kb.gradients(chunk * kChunk, std::min(kChunk, positions - chunk * kChunk),
                                       saved_lse, g, scale, per_position, dx);
                      },
                      kChunk * 4 * kb.classes);
                  accumulate_grad(in, grad);
                });
}

CrossEntropyLoss::CrossEntropyLoss(CrossEntropyLossOptions options) : options_(std::move(options)) {
  check_label_smoothing(options_.label_smoothing);
}

Tensor CrossEntropyLoss::forward(const Tensor& input, const Tensor& target) const {
  return cross_entropy(input, target, options_);
}

}  // namespace fulcrum::nn
