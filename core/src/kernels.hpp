#pragma once
// Loop kernels shared by the op files (private to core).

#include <cstdint>
#include <vector>

#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::detail {

/// out[i] = f(x[i]) over all elements.
template <typename F>
Tensor map(const Tensor& x, F f) {
  Tensor out = Tensor::empty(x.shape());
  const float* src = x.data();
  float* dst = out.data();
  parallel_for(x.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) dst[i] = f(src[i]);
  });
  return out;
}

/// Strides of `shape` seen from a broadcast `out_shape`: 0 along broadcast dims.
std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out_shape);

/// out = f(a, b) elementwise, with a and b broadcast to out's shape.
template <typename F>
void zip_into(const Tensor& a, const Tensor& b, Tensor& out, F f) {
  const float* pa = a.data();
  const float* pb = b.data();
  float* po = out.data();
  const int64_t n = out.numel();
  if (a.numel() == n && b.numel() == n) {  // the same shape: the common case
    parallel_for(n, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) po[i] = f(pa[i], pb[i]);
    });
    return;
  }
  if (b.numel() == 1 && a.numel() == n) {
    const float vb = pb[0];
    parallel_for(n, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) po[i] = f(pa[i], vb);
    });
    return;
  }
  if (a.numel() == 1 && b.numel() == n) {
    const float va = pa[0];
    parallel_for(n, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) po[i] = f(va, pb[i]);
    });
    return;
  }
  // General broadcast: walk rows of the last dimension, computing each row's
  // offsets into a and b from its multi-index.
  const Shape& shape = out.shape();
  const auto sa = broadcast_strides(a.shape(), shape);
  const auto sb = broadcast_strides(b.shape(), shape);
  const size_t nd = shape.size();
  const int64_t inner = nd ? shape[nd - 1] : 1;
  const int64_t ia = nd ? sa[nd - 1] : 0, ib = nd ? sb[nd - 1] : 0;
  const int64_t rows = inner ? n / inner : 0;
  parallel_for(
      rows,
      [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
          int64_t rest = r, oa = 0, ob = 0;
          for (size_t d = nd - 1; d-- > 0;) {
            const int64_t idx = rest % shape[d];
            rest /= shape[d];
            oa += idx * sa[d];
            ob += idx * sb[d];
          }
          float* row = po + r * inner;
          for (int64_t k = 0; k < inner; ++k) row[k] = f(pa[oa + k * ia], pb[ob + k * ib]);
        }
      },
      inner);
}

/// A new tensor f(a, b) of the broadcast shape; `name` goes into shape errors.
template <typename F>
Tensor zip(const Tensor& a, const Tensor& b, const char* name, F f) {
  Tensor out =
      Tensor::empty(a.shape() == b.shape() ? a.shape() : broadcast_shapes(a.shape(), b.shape(), name));
  zip_into(a, b, out, f);
  return out;
}

/// Sizes around `dim`: x viewed as [outer, n, inner].
struct DimSplit {
  int64_t outer, n, inner;
};
DimSplit split_at(const Shape& shape, int64_t dim);

}  // namespace fulcrum::detail
