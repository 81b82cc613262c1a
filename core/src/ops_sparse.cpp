// sparse_linear: a sparse input times a dense weight, the first layer on
// sparse features.
//
// X [B, F] = A - 1 s^T, A sparse (CSR), s the optional shift [F]; W [H, F];
// b [H]; G = dL/dY [B, H]:
//
//   forward   Y[i, h]  = sum_{k in row i} A[i, k] W[h, k]  +  b[h] - W[h, :] . s
//   backward  dW[h, k] = sum_i G[i, h] A[i, k]  -  (sum_i G[i, h]) s[k]
//             db[h]    = sum_i G[i, h]
//             no dX: the input is data.
//
// Both loop over h outside, a few outputs at a time: rows h of W (or of dW)
// are F contiguous floats each that stay in L1 while every stored entry of
// the batch is gathered from them (or scattered into them). Going the other way, over the entries
// outside, would read a strided column of the row-major W per entry, or need W transposed every
// step. Threads split h statically, and each (i, h) or (h, k) is summed in one fixed order, so
// results repeat bit for bit for any thread count.

#include <algorithm>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/sparse.hpp"

namespace fulcrum {
namespace {

// Outputs handled together: each stored entry feeds N independent sums (or
// N rows of dW) from one index load, instead of one serial chain of adds.
constexpr int64_t kBlock = 4;

// Y[i, h0 + j] = sum_k A[i, k] W[h0 + j, k] + offset[j], j < N.
template <int64_t N>
void forward_block(const CsrMatrix& x, const float* w0, int64_t in_features, const float* offset,
                   float* y, int64_t out_features) {
  for (int64_t i = 0; i < x.rows; ++i) {
    float acc[N] = {};
    for (auto k = x.row_offsets[static_cast<size_t>(i)];
         k < x.row_offsets[static_cast<size_t>(i) + 1]; ++k) {
      const int64_t c = x.columns[static_cast<size_t>(k)];
      const float v = x.values[static_cast<size_t>(k)];
      for (int64_t j = 0; j < N; ++j) acc[j] += v * w0[j * in_features + c];
    }
    for (int64_t j = 0; j < N; ++j) y[i * out_features + j] = acc[j] + offset[j];
  }
}

// dW[h0 + j, k] += sum_i G[i, h0 + j] A[i, k], j < N.
template <int64_t N>
void weight_grad_block(const CsrMatrix& x, const float* g0, int64_t out_features, float* dw0,
                       int64_t in_features) {
  for (int64_t i = 0; i < x.rows; ++i) {
    float g[N];
    bool any = false;
    for (int64_t j = 0; j < N; ++j) any |= (g[j] = g0[i * out_features + j]) != 0.0f;
    if (!any) continue;  // a row whose outputs ReLU cut off
    for (auto k = x.row_offsets[static_cast<size_t>(i)];
         k < x.row_offsets[static_cast<size_t>(i) + 1]; ++k) {
      const int64_t c = x.columns[static_cast<size_t>(k)];
      const float v = x.values[static_cast<size_t>(k)];
      for (int64_t j = 0; j < N; ++j) dw0[j * in_features + c] += g[j] * v;
    }
  }
}

// Calls fn(h0, n) over blocks [h0, h0 + n) of [0, n_outputs), n == kBlock
// except at the end, on several threads when the work pays for it.
template <typename Fn>
void for_each_block(int64_t n_outputs, int64_t cost_per_output, Fn&& fn) {
  const int64_t blocks = (n_outputs + kBlock - 1) / kBlock;
  parallel_for(
      blocks,
      [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b)
          fn(b * kBlock, std::min(kBlock, n_outputs - b * kBlock));
      },
      cost_per_output * kBlock);
}

}  // namespace

Tensor sparse_linear(const std::shared_ptr<const CsrMatrix>& x_ptr, const Tensor& weight,
                     const Tensor& bias) {
  FULCRUM_CHECK(x_ptr != nullptr, "sparse_linear: the input is null");
  const CsrMatrix& x = *x_ptr;
  FULCRUM_CHECK_SHAPE(weight.dim() == 2,
                      "sparse_linear: weight must be [out_features, in_features], got {}",
                      to_string(weight.shape()));
  const int64_t out_features = weight.size(0), in_features = weight.size(1);
  FULCRUM_CHECK_SHAPE(x.cols == in_features,
                      "sparse_linear: sparse input [{}, {}] does not end in in_features = {} "
                      "(weight {})",
                      x.rows, x.cols, in_features, to_string(weight.shape()));
  if (bias.defined())
    FULCRUM_CHECK_SHAPE(bias.shape() == Shape{out_features},
                        "sparse_linear: bias of shape {} for weight {} (expected [{}])",
                        to_string(bias.shape()), to_string(weight.shape()), out_features);
  const int64_t rows = x.rows;
  const bool shifted = x.shift.defined();
  const int64_t cost = x.nnz() + (shifted ? in_features : 0);

  Tensor out = Tensor::empty({rows, out_features});
  {
    const float* w_data = weight.data();
    const float* b = bias.defined() ? bias.data() : nullptr;
    const float* s = shifted ? x.shift.data() : nullptr;
    float* y = out.data();
    for_each_block(out_features, cost, [&](int64_t h0, int64_t n) {
      float offset[kBlock] = {};
      for (int64_t j = 0; j < n; ++j) {
        const float* w = w_data + (h0 + j) * in_features;
        offset[j] = b != nullptr ? b[h0 + j] : 0.0f;
        if (s == nullptr) continue;
        float ws = 0.0f;
        for (int64_t k = 0; k < in_features; ++k) ws += w[k] * s[k];
        offset[j] -= ws;
      }
      const float* w0 = w_data + h0 * in_features;
      if (n == kBlock) {
        forward_block<kBlock>(x, w0, in_features, offset, y + h0, out_features);
      } else {
        for (int64_t j = 0; j < n; ++j)
          forward_block<1>(x, w0 + j * in_features, in_features, offset + j, y + h0 + j,
                           out_features);
      }
    });
  }

  return record("sparse_linear", out, {weight, bias},
                [x_ptr, rows, in_features, out_features, cost](const Tensor&, const Tensor& g,
                                                               const std::vector<Tensor>& in) {
                  const CsrMatrix& batch = *x_ptr;
                  const float* grad = g.data();
                  // db and the shift's term both need the column sums of G.
                  Tensor db = Tensor::empty({out_features});
                  float* gsum = db.data();
                  for (int64_t h = 0; h < out_features; ++h) gsum[h] = 0.0f;
                  for (int64_t i = 0; i < rows; ++i)
                    for (int64_t h = 0; h < out_features; ++h)
                      gsum[h] += grad[i * out_features + h];
                  if (in[0].requires_grad()) {
                    Tensor dw = Tensor::empty(in[0].shape());
                    float* dw_data = dw.data();
                    const float* s = batch.shift.defined() ? batch.shift.data() : nullptr;
                    for_each_block(out_features, cost, [&](int64_t h0, int64_t n) {
                      for (int64_t j = 0; j < n; ++j) {
                        float* row = dw_data + (h0 + j) * in_features;
                        const float minus_gsum = -gsum[h0 + j];
                        for (int64_t k = 0; k < in_features; ++k)
                          row[k] = s != nullptr ? minus_gsum * s[k] : 0.0f;
                      }
                      if (n == kBlock) {
                        weight_grad_block<kBlock>(batch, grad + h0, out_features,
                                                  dw_data + h0 * in_features, in_features);
                      } else {
                        for (int64_t j = 0; j < n; ++j)
                          weight_grad_block<1>(batch, grad + h0 + j, out_features,
                                               dw_data + (h0 + j) * in_features, in_features);
                      }
                    });
                    accumulate_grad(in[0], dw);
                  }
                  if (in[1].defined() && in[1].requires_grad()) accumulate_grad(in[1], db);
                });
}

}  // namespace fulcrum
