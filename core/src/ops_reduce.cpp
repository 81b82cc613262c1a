// Reductions: sum and mean over everything or one dimension, and sum_to
// (the adjoint of broadcasting, which reduces gradients to an input's shape).

#include <algorithm>
#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "kernels.hpp"

namespace fulcrum {
namespace {

// Partial sums over fixed blocks, added in block order: the result does not
// depend on the thread count, and double accumulation keeps long sums exact
// to float precision.
double blocked_sum(const float* x, int64_t n) {
  constexpr int64_t kBlock = 4096;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks <= 1) {
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) total += x[i];
    return total;
  }
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  parallel_for(
      blocks,
      [&](int64_t lo, int64_t hi) {
        for (int64_t b = lo; b < hi; ++b) {
          double s = 0.0;
          const int64_t end = std::min(n, (b + 1) * kBlock);
          for (int64_t i = b * kBlock; i < end; ++i) s += x[i];
          partial[static_cast<size_t>(b)] = s;
        }
      },
      kBlock);
  double total = 0.0;
  for (double p : partial) total += p;
  return total;
}

Shape reduced_shape(const Shape& shape, int64_t dim, bool keepdim) {
  Shape out = shape;
  if (keepdim)
    out[static_cast<size_t>(dim)] = 1;
  else
    out.erase(out.begin() + dim);
  return out;
}

}  // namespace

Tensor sum(const Tensor& x) {
  Tensor out = Tensor::scalar(static_cast<float>(blocked_sum(x.data(), x.numel())));
  return record("sum", out, {x}, [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
    accumulate_grad(in[0], Tensor::full(in[0].shape(), g.item()));
  });
}

Tensor mean(const Tensor& x) {
  FULCRUM_CHECK(x.numel() > 0, "mean() of an empty tensor of shape {}", to_string(x.shape()));
  const double n = static_cast<double>(x.numel());
  Tensor out = Tensor::scalar(static_cast<float>(blocked_sum(x.data(), x.numel()) / n));
  return record("mean", out, {x},
                [n](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], Tensor::full(in[0].shape(),
                                                      static_cast<float>(g.item() / n)));
                });
}

Tensor sum(const Tensor& x, int64_t dim, bool keepdim) {
  dim = wrap_dim(dim, x.dim(), "sum");
  if (x.dim() == 0) return sum(x);
  const auto s = detail::split_at(x.shape(), dim);
  Tensor out = Tensor::zeros(reduced_shape(x.shape(), dim, keepdim));
  const float* src = x.data();
  float* dst = out.data();
  // Each output element sums its line in index order: deterministic.
  if (s.inner == 1) {
    parallel_for(
        s.outer,
        [&](int64_t lo, int64_t hi) {
          for (int64_t o = lo; o < hi; ++o) {
            double total = 0.0;
            for (int64_t i = 0; i < s.n; ++i) total += src[o * s.n + i];
            dst[o] = static_cast<float>(total);
          }
        },
        s.n);
  } else {
    parallel_for(
        s.outer * s.inner,
        [&](int64_t lo, int64_t hi) {
          // Rows of `inner` contiguous elements are added whole, for vectorisation.
          for (int64_t line = lo; line < hi;) {
            const int64_t o = line / s.inner, k0 = line % s.inner;
            const int64_t k1 = std::min(s.inner, k0 + (hi - line));
            float* row_out = dst + o * s.inner;
            for (int64_t i = 0; i < s.n; ++i) {
              const float* row_in = src + (o * s.n + i) * s.inner;
              for (int64_t k = k0; k < k1; ++k) row_out[k] += row_in[k];
            }
            line += k1 - k0;
          }
        },
        s.n);
  }
  const Shape keep_shape = reduced_shape(x.shape(), dim, true);
  return record("sum_dim", out, {x},
                [keep_shape](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], broadcast_to(reshape(g, keep_shape), in[0].shape()));
                });
}

Tensor mean(const Tensor& x, int64_t dim, bool keepdim) {
  dim = wrap_dim(dim, x.dim(), "mean");
  const int64_t n = x.dim() == 0 ? 1 : x.size(dim);
  FULCRUM_CHECK(n > 0, "mean() over dimension {} of size 0 (shape {})", dim, to_string(x.shape()));
  return mul(sum(x, dim, keepdim), Tensor::scalar(1.0f / static_cast<float>(n)));
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  FULCRUM_CHECK_SHAPE(broadcasts_to(shape, x.shape()),
                      "sum_to: shape {} does not broadcast to {}, so {} cannot be reduced to it",
                      to_string(shape), to_string(x.shape()), to_string(x.shape()));
  Tensor out = Tensor::zeros(shape);
  const Shape& full = x.shape();
  const auto so = detail::broadcast_strides(shape, full);
  const size_t nd = full.size();
  const int64_t inner = full[nd - 1], step = so[nd - 1];
  const int64_t rows = inner ? x.numel() / inner : 0;
  const float* src = x.data();
  float* dst = out.data();
  for (int64_t r = 0; r < rows; ++r) {
    int64_t rest = r, offset = 0;
    for (size_t d = nd - 1; d-- > 0;) {
      offset += (rest % full[d]) * so[d];
      rest /= full[d];
    }
    const float* row = src + r * inner;
    if (step == 0) {
      float acc = 0.0f;
      for (int64_t k = 0; k < inner; ++k) acc += row[k];
      dst[offset] += acc;
    } else {
      for (int64_t k = 0; k < inner; ++k) dst[offset + k] += row[k];
    }
  }
  return record("sum_to", out, {x}, [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
    accumulate_grad(in[0], broadcast_to(g, in[0].shape()));
  });
}

Tensor argmax_last(const Tensor& x) {
  FULCRUM_CHECK_SHAPE(x.dim() >= 1 && x.size(-1) > 0, "argmax_last: needs a non-empty last "
                      "dimension, got shape {}", to_string(x.shape()));
  const int64_t n = x.size(-1), rows = x.numel() / n;
  Shape shape = x.shape();
  shape.pop_back();
  Tensor out = Tensor::empty(shape);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x.data() + r * n;
    out.data()[r] = static_cast<float>(std::max_element(row, row + n) - row);
  }
  return out;
}

}  // namespace fulcrum
