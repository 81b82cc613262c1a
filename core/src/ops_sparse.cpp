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
// Both loop over h outside: row h of W (or of dW) is F contiguous floats that
// stay in L1 while every stored entry of the batch is gathered from it (or
// scattered into it). Going the other way, over the entries outside, would
// read a strided column of the row-major W per entry, or need W transposed
// every step. Threads split h statically, and each (i, h) or (h, k) is summed
// in one fixed order, so results repeat bit for bit for any thread count.

#include <omp.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/sparse.hpp"

namespace fulcrum {
namespace {

// Calls fn(h) for h in [0, n), on several threads when the work pays for it.
template <typename Fn>
void for_each_output(int64_t n, int64_t cost_per_output, Fn&& fn) {
  parallel_for(
      n,
      [&](int64_t begin, int64_t end) {
        for (int64_t h = begin; h < end; ++h) fn(h);
      },
      cost_per_output);
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
    for_each_output(out_features, cost, [&](int64_t h) {
      const float* w = w_data + h * in_features;
      float offset = b != nullptr ? b[h] : 0.0f;
      if (s != nullptr) {
        float ws = 0.0f;
        for (int64_t k = 0; k < in_features; ++k) ws += w[k] * s[k];
        offset -= ws;
      }
      for (int64_t i = 0; i < rows; ++i) {
        float acc = 0.0f;
        for (auto k = x.row_offsets[static_cast<size_t>(i)];
             k < x.row_offsets[static_cast<size_t>(i) + 1]; ++k)
          acc += x.values[static_cast<size_t>(k)] * w[x.columns[static_cast<size_t>(k)]];
        y[i * out_features + h] = acc + offset;
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
                    for_each_output(out_features, cost, [&](int64_t h) {
                      float* row = dw_data + h * in_features;
                      const float minus_gsum = -gsum[h];
                      for (int64_t k = 0; k < in_features; ++k)
                        row[k] = s != nullptr ? minus_gsum * s[k] : 0.0f;
                      for (int64_t i = 0; i < rows; ++i) {
                        const float gi = grad[i * out_features + h];
                        if (gi == 0.0f) continue;
                        for (auto k = batch.row_offsets[static_cast<size_t>(i)];
                             k < batch.row_offsets[static_cast<size_t>(i) + 1]; ++k)
                          row[batch.columns[static_cast<size_t>(k)]] +=
                              gi * batch.values[static_cast<size_t>(k)];
                      }
                    });
                    accumulate_grad(in[0], dw);
                  }
                  if (in[1].defined() && in[1].requires_grad()) accumulate_grad(in[1], db);
                });
}

}  // namespace fulcrum
