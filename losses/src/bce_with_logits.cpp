#include "fulcrum/losses/bce_with_logits.hpp"

#include <algorithm>
#include <cmath>
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

constexpr const char* kName = "binary_cross_entropy_with_logits";
// Relative cost of one element (an exp and a log1p in double) for parallel_for.
constexpr int64_t kCostPerElement = 16;

// The kernels run a chunk of detail::kSumChunk elements at a time, in double,
// on Eigen's vectorised exp and log (rather than libm's scalar ones). Chunks
// start at multiples of kSumChunk and a short last chunk is padded, so every
// element goes through the same vector code whatever the thread count.
constexpr int64_t kChunk = detail::kSumChunk;
using Chunk = Eigen::Array<double, kChunk, 1>;
using ChunkView = Eigen::Map<Chunk>;

// log1p(e) for e in [0, 1]: log(u) for u = 1 + e, corrected by the rounding
// error of u, -((u - 1) - e) / u, to first order (which is exact here); where
// 1 + e rounds to 1 this gives e. No select: Eigen 3.4 does not vectorise one.
Chunk log1p_unit(const Chunk& e) {
  const Chunk u = 1.0 + e;
  return u.log() - ((u - 1.0) - e) / u;
}

// An optional per-element factor (weight or pos_weight) read through
// broadcasting.
class Factor {
 public:
  Factor(const Tensor& t, const Shape& to)
      : data_(t.defined() ? t.data() : nullptr), index_(t.defined() ? t.shape() : Shape{}, to) {}
  bool given() const { return data_ != nullptr; }
  /// The factors of elements [begin, begin + count) into out.
  void gather(int64_t begin, int64_t count, double* out) const {
    index_.gather(data_, begin, count, out);
  }

 private:
  const float* data_;
  detail::BroadcastIndex index_;
};

// Logits, targets and factors of one chunk, as doubles, zero past `count`.
struct ChunkInputs {
  double x[kChunk] = {}, t[kChunk] = {}, w[kChunk] = {}, pw[kChunk] = {};

  ChunkInputs(const float* xs, const float* ts, const Factor& weight, const Factor& pos_weight,
              int64_t begin, int64_t count) {
    for (int64_t k = 0; k < count; ++k) {
      x[k] = xs[begin + k];
      t[k] = ts[begin + k];
    }
    if (weight.given()) weight.gather(begin, count, w);
    if (pos_weight.given()) pos_weight.gather(begin, count, pw);
  }
};

// The loss of elements [begin, begin + count):
//   w * ((1 - t) softplus(x) + pw t softplus(-x)),
// with softplus(+-x) = max(+-x, 0) + log1p(e^-|x|): no overflow, no cancellation.
void loss_chunk(const float* xs, const float* ts, const Factor& weight, const Factor& pos_weight,
                int64_t begin, int64_t count, double* out) {
  ChunkInputs in(xs, ts, weight, pos_weight, begin, count);
  const ChunkView x(in.x), t(in.t), w(in.w), pw(in.pw);
  const Chunk tail = log1p_unit((-x.abs()).exp().eval());
  const Chunk pos = x.max(0.0) + tail, neg = (-x).max(0.0) + tail;
  Chunk loss =
      pos_weight.given() ? Chunk((1.0 - t) * pos + pw * t * neg) : Chunk((1.0 - t) * pos + t * neg);
  if (weight.given()) loss *= w;
  std::copy_n(loss.data(), count, out);
}

// d loss / dx of elements [begin, begin + count), times the output gradient g:
//   g w ((1 - t) sigmoid(x) - pw t sigmoid(-x)),
// each sigmoid as 1 / (1 + e^-x), which never subtracts from 1 (an overflowing
// e^-x gives 0, the limit).
void grad_chunk(const float* xs, const float* ts, const Factor& weight, const Factor& pos_weight,
                const detail::OutputGrad& g, int64_t begin, int64_t count, float* out) {
  ChunkInputs in(xs, ts, weight, pos_weight, begin, count);
  const ChunkView x(in.x), t(in.t), w(in.w), pw(in.pw);
  const Chunk sig_pos = 1.0 / (1.0 + (-x).exp()), sig_neg = 1.0 / (1.0 + x.exp());
  Chunk grad = pos_weight.given() ? Chunk((1.0 - t) * sig_pos - pw * t * sig_neg)
                                  : Chunk((1.0 - t) * sig_pos - t * sig_neg);
  if (weight.given()) grad *= w;
  for (int64_t k = 0; k < count; ++k) out[k] = static_cast<float>(g(begin + k) * grad[k]);
}

void check_factor_shape(const Tensor& factor, const char* what, const Shape& input_shape) {
  if (!factor.defined()) return;
  FULCRUM_CHECK_SHAPE(broadcasts_to(factor.shape(), input_shape),
                      "{}: {} of shape {} does not broadcast to input of shape {}", kName, what,
                      fulcrum::to_string(factor.shape()), fulcrum::to_string(input_shape));
}

void check_targets(const Tensor& target) {
  const float* t = target.data();
  for (int64_t i = 0, n = target.numel(); i < n; ++i) {
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
  Tensor out;
  if (reduction == Reduction::None) {
    out = Tensor::empty(shape);
    float* o = out.data();
    parallel_for((n + kChunk - 1) / kChunk,
                 [&](int64_t first, int64_t last) {
                   double loss[kChunk];
                   for (int64_t c = first; c < last; ++c) {
                     const int64_t begin = c * kChunk, count = std::min(kChunk, n - begin);
                     loss_chunk(x, t, w, pw, begin, count, loss);
                     for (int64_t k = 0; k < count; ++k) o[begin + k] = static_cast<float>(loss[k]);
                   }
                 },
                 kChunk * kCostPerElement);
  } else {
    const double total = detail::deterministic_chunked_sum(
        n,
        [&](int64_t begin, int64_t end, double* terms) {
          loss_chunk(x, t, w, pw, begin, end - begin, terms);
        },
        kCostPerElement);
    out = Tensor::scalar(
        static_cast<float>(reduction == Reduction::Mean ? total / static_cast<double>(n) : total));
  }
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
        const detail::OutputGrad g(grad_output, reduction, count);
        const Factor wf(weight, in.shape()), pwf(pos_weight, in.shape());
        parallel_for((count + kChunk - 1) / kChunk,
                     [&](int64_t first, int64_t last) {
                       for (int64_t c = first; c < last; ++c)
                         grad_chunk(in.data(), target.data(), wf, pwf, g, c * kChunk,
                                    std::min(kChunk, count - c * kChunk), grad.data() + c * kChunk);
                     },
                     kChunk * kCostPerElement);
        accumulate_grad(in, grad);
      });
}

BCEWithLogitsLoss::BCEWithLogitsLoss(BCEWithLogitsLossOptions options)
    : options_(std::move(options)) {}

Tensor BCEWithLogitsLoss::forward(const Tensor& input, const Tensor& target) const {
  return binary_cross_entropy_with_logits(input, target, options_);
}

}  // namespace fulcrum::nn
