// Shape ops: reshape, transpose, concat, slice, broadcast_to.
//
// Tensors are always contiguous, so every op except reshape copies. reshape
// shares the input's storage (like a PyTorch view): a later in-place write to
// either tensor (fill_, copy_, an optimizer step) is seen by both.

#include <algorithm>
#include <cstring>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"

namespace fulcrum {
namespace {

// dst[i] = src[offset(i)] for i over `out_shape` in row-major order, where the
// source offset of a multi-index is the dot product with `src_strides`. A zero
// stride repeats the source along that dimension (broadcasting); permuted
// strides transpose. Rows (the last dimension) are split over threads.
void strided_gather(const float* src, const std::vector<int64_t>& src_strides,
                    const Shape& out_shape, float* dst) {
  const int64_t n = numel(out_shape);
  if (n == 0) return;
  if (out_shape.empty()) {
    dst[0] = src[0];
    return;
  }
  const size_t ndim = out_shape.size();
  const int64_t cols = out_shape.back();
  const int64_t col_stride = src_strides.back();
  const int64_t rows = n / cols;
  parallel_for(
      rows,
      [&](int64_t begin, int64_t end) {
        // The multi-index of row `begin` over the leading ndim-1 dimensions.
        std::vector<int64_t> index(ndim - 1, 0);
        int64_t src_offset = 0;
        for (int64_t r = begin, d = static_cast<int64_t>(ndim) - 2; d >= 0; --d) {
          const auto k = static_cast<size_t>(d);
          index[k] = r % out_shape[k];
          r /= out_shape[k];
          src_offset += index[k] * src_strides[k];
        }
        for (int64_t row = begin; row < end; ++row) {
          float* out = dst + row * cols;
          const float* in = src + src_offset;
          for (int64_t c = 0; c < cols; ++c) out[c] = in[c * col_stride];
          // Advance the odometer by one row.
          for (size_t k = ndim - 1; k-- > 0;) {
            src_offset += src_strides[k];
            if (++index[k] < out_shape[k]) break;
            src_offset -= index[k] * src_strides[k];
            index[k] = 0;
          }
        }
      },
      cols);
}

// Product of shape[begin, end).
int64_t extent(const Shape& shape, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i) n *= shape[i];
  return n;
}

// Copies `outer` blocks of `block` floats from src (consecutive blocks
// `src_pitch` apart) to dst (blocks `dst_pitch` apart). The layout of every
// concat/slice along a dimension: outer = dims before it, block = the part of
// one row of that dimension that moves, pitch = the full row.
void copy_blocks(const float* src, int64_t src_pitch, float* dst, int64_t dst_pitch,
                 int64_t outer, int64_t block) {
  if (block == 0) return;
  const auto bytes = static_cast<size_t>(block) * sizeof(float);
  parallel_for(
      outer,
      [&](int64_t begin, int64_t end) {
        for (int64_t o = begin; o < end; ++o)
          std::memcpy(dst + o * dst_pitch, src + o * src_pitch, bytes);
      },
      block);
}

}  // namespace

// -- reshape -------------------------------------------------------------------

Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape resolved = shape;
  int64_t inferred = -1;  // index of the -1 entry, if any
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      FULCRUM_CHECK_SHAPE(inferred < 0, "reshape: shape {} has more than one -1",
                          to_string(shape));
      inferred = static_cast<int64_t>(i);
    } else {
      FULCRUM_CHECK_SHAPE(shape[i] >= 0, "reshape: shape {} has a negative size {}",
                          to_string(shape), shape[i]);
      known *= shape[i];
    }
  }
  const int64_t n = x.numel();
  if (inferred >= 0) {
    // -1 is ambiguous when the other sizes multiply to 0 (PyTorch refuses it too).
    FULCRUM_CHECK_SHAPE(known != 0 && n % known == 0,
                        "reshape: cannot reshape a tensor of shape {} ({} elements) into "
                        "shape {}",
                        to_string(x.shape()), n, to_string(shape));
    resolved[static_cast<size_t>(inferred)] = n / known;
  } else {
    FULCRUM_CHECK_SHAPE(known == n,
                        "reshape: cannot reshape a tensor of shape {} ({} elements) into "
                        "shape {} ({} elements)",
                        to_string(x.shape()), n, to_string(shape), known);
  }
  // A new handle on the same storage: detach() makes a fresh TensorImpl that
  // shares the Buffer, and only its shape changes.
  Tensor out = x.detach();
  out.impl()->shape = std::move(resolved);
  return record("reshape", out, {x},
                [](const Tensor&, const Tensor& grad_out, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], reshape(grad_out, in[0].shape()));
                });
}

// -- transpose -------------------------------------------------------------------

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  const auto d0 = static_cast<size_t>(wrap_dim(dim0, x.dim(), "transpose"));
  const auto d1 = static_cast<size_t>(wrap_dim(dim1, x.dim(), "transpose"));
  Shape shape = x.shape();
  std::vector<int64_t> strides = contiguous_strides(shape);
  if (!shape.empty()) {  // a scalar accepts dims 0 and -1 and stays as it is
    std::swap(shape[d0], shape[d1]);
    std::swap(strides[d0], strides[d1]);
  }
  Tensor out = Tensor::empty(shape);
  strided_gather(x.data(), strides, shape, out.data());
  return record("transpose", out, {x},
                [d0, d1](const Tensor&, const Tensor& grad_out, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], transpose(grad_out, static_cast<int64_t>(d0),
                                                   static_cast<int64_t>(d1)));
                });
}

// -- concat ----------------------------------------------------------------------

Tensor concat(const std::vector<Tensor>& xs, int64_t dim) {
  FULCRUM_CHECK(!xs.empty(), "concat: needs at least one tensor");
  const Shape& first = xs[0].shape();
  FULCRUM_CHECK_SHAPE(!first.empty(), "concat: cannot join scalars (tensor 0 has shape [])");
  const auto d = static_cast<size_t>(wrap_dim(dim, static_cast<int64_t>(first.size()), "concat"));
  Shape shape = first;
  shape[d] = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Shape& s = xs[i].shape();
    bool fits = s.size() == first.size();
    for (size_t k = 0; fits && k < s.size(); ++k) fits = k == d || s[k] == first[k];
    FULCRUM_CHECK_SHAPE(fits,
                        "concat along dimension {}: tensor {} has shape {}, which does not "
                        "match tensor 0's shape {} outside that dimension",
                        dim, i, to_string(s), to_string(first));
    shape[d] += s[d];
  }
  Tensor out = Tensor::empty(shape);
  const int64_t outer = extent(shape, 0, d);
  const int64_t inner = extent(shape, d + 1, shape.size());
  const int64_t out_pitch = shape[d] * inner;
  int64_t offset = 0;  // start of the current input's columns within a row
  for (const Tensor& x : xs) {
    const int64_t block = x.shape()[d] * inner;
    copy_blocks(x.data(), block, out.data() + offset, out_pitch, outer, block);
    offset += block;
  }
  return record("concat", out, xs,
                [d](const Tensor&, const Tensor& grad_out, const std::vector<Tensor>& in) {
                  int64_t start = 0;
                  for (const Tensor& x : in) {
                    const int64_t len = x.shape()[d];
                    if (x.requires_grad())
                      accumulate_grad(x, slice(grad_out, static_cast<int64_t>(d), start,
                                               start + len));
                    start += len;
                  }
                });
}

// -- slice -------------------------------------------------------------------------

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end) {
  FULCRUM_CHECK_SHAPE(x.dim() > 0, "slice: cannot slice a scalar");
  const auto d = static_cast<size_t>(wrap_dim(dim, x.dim(), "slice"));
  const Shape& in_shape = x.shape();
  const int64_t size = in_shape[d];
  // Python's rules: negative counts from the end, then clamp to [0, size];
  // an end before the start gives an empty slice.
  const auto clamp_index = [size](int64_t i) {
    if (i < 0) i += size;
    return std::clamp<int64_t>(i, 0, size);
  };
  const int64_t begin = clamp_index(start);
  const int64_t stop = std::max(begin, clamp_index(end));
  Shape shape = in_shape;
  shape[d] = stop - begin;
  Tensor out = Tensor::empty(shape);
  const int64_t outer = extent(shape, 0, d);
  const int64_t inner = extent(shape, d + 1, shape.size());
  copy_blocks(x.data() + begin * inner, size * inner, out.data(), shape[d] * inner, outer,
              shape[d] * inner);
  return record("slice", out, {x},
                [d, begin, outer, inner](const Tensor&, const Tensor& grad_out,
                                         const std::vector<Tensor>& in) {
                  const int64_t size_in = in[0].shape()[d];
                  const int64_t len = grad_out.shape()[d];
                  Tensor grad = Tensor::zeros(in[0].shape());
                  copy_blocks(grad_out.data(), len * inner, grad.data() + begin * inner,
                              size_in * inner, outer, len * inner);
                  accumulate_grad(in[0], grad);
                });
}

// -- broadcast_to ------------------------------------------------------------------

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  FULCRUM_CHECK_SHAPE(broadcasts_to(x.shape(), shape),
                      "broadcast_to: a tensor of shape {} does not broadcast to shape {}",
                      to_string(x.shape()), to_string(shape));
  // Source strides aligned to the output's dimensions from the right; 0 where
  // x has size 1 (or no dimension), so the same element repeats.
  const std::vector<int64_t> in_strides = contiguous_strides(x.shape());
  const size_t offset = shape.size() - x.dim();
  std::vector<int64_t> strides(shape.size(), 0);
  for (size_t i = 0; i < in_strides.size(); ++i)
    strides[i + offset] = x.shape()[i] == 1 ? 0 : in_strides[i];
  Tensor out = Tensor::empty(shape);
  strided_gather(x.data(), strides, shape, out.data());
  return record("broadcast_to", out, {x},
                [](const Tensor&, const Tensor& grad_out, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], sum_to(grad_out, in[0].shape()));
                });
}

}  // namespace fulcrum
