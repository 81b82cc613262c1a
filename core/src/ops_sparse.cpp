// sparse_linear: a sparse input times a dense weight, the first layer on
// sparse features.
//
// X [B, F] = A - 1 s^T, A sparse (CSR), s the optional shift [F]; W [H, F];
// b [H]; G = dL/dY [B, H]:
//
//   forward   Y[i, :]  = sum_{k in row i} A[i, k] W^T[k, :]  +  (b - W s)^T
//   backward  dW^T[k, :] = sum_{i in column k} A[i, k] G[i, :]  -  s[k] (sum_i G[i, :])
//             db       = sum_i G[i, :]
//             no dX: the input is data.
//
// Both work on rows of W^T, H contiguous floats each, so every stored entry
// costs one vectorised axpy. Forward transposes W once into a pooled [F, H]
// buffer; backward builds the batch's columns (CSC, a counting sort) and sums
// dW^T a tile of columns at a time, in L1, transposing each finished tile into
// dW with the shift's rank-one term. Forward splits the rows of Y across
// threads, backward the columns of dW; every output element is summed by one
// thread in one fixed order (entries in column order, or batch rows in row
// order), so results repeat bit for bit for any thread count.

#include <Eigen/Core>
#include <algorithm>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/sparse.hpp"

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace fulcrum {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::Map<Eigen::VectorXf>;
using ConstVector = Eigen::Map<const Eigen::VectorXf>;

// Columns of dW summed together: a [kTile, H] block of dW^T (16 KB at H =
// 256) stays in L1 while its entries are added, and its transpose writes
// kTile contiguous floats (a cache line) per row of dW.
constexpr int64_t kTile = 16;

// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols.
// With AVX, 8 x 8 blocks go through registers (eight loads, 24 shuffles,
// eight stores): a scalar transpose of W costs several times a copy of it.
void transpose(const float* src, int64_t src_stride, float* dst, int64_t dst_stride, int64_t rows,
               int64_t cols) {
  int64_t r0 = 0;
#if defined(__AVX__)
  for (; r0 + 8 <= rows; r0 += 8) {
    int64_t c0 = 0;
    for (; c0 + 8 <= cols; c0 += 8) {
      const float* s = src + r0 * src_stride + c0;
      float* d = dst + c0 * dst_stride + r0;
      __m256 r[8], t[8];
      for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(s + i * src_stride);
      for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
      }
      for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
      }
      for (int i = 0; i < 4; ++i) {
        _mm256_storeu_ps(d + i * dst_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
        _mm256_storeu_ps(d + (i + 4) * dst_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
      }
    }
    for (int64_t r = r0; r < r0 + 8; ++r)
      for (int64_t c = c0; c < cols; ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
  }
#endif
  for (int64_t r = r0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
}

// Y[i, :] = offset + sum_k A[i, k] W^T[k, :] for rows [begin, end). Four
// entries per pass read and write the row of Y once instead of four times.
void forward_rows(const CsrMatrix& x, const float* wt, const float* offset, float* y,
                  int64_t out_features, int64_t begin, int64_t end) {
  const auto row = [&](int32_t c) { return ConstVector(wt + c * out_features, out_features); };
  for (int64_t i = begin; i < end; ++i) {
    Vector yi(y + i * out_features, out_features);
    yi = ConstVector(offset, out_features);
    const int32_t* c = x.columns.data();
    const float* v = x.values.data();
    int64_t k = x.row_offsets[static_cast<size_t>(i)];
    const int64_t stop = x.row_offsets[static_cast<size_t>(i) + 1];
    for (; k + 4 <= stop; k += 4)
      yi.noalias() += v[k] * row(c[k]) + v[k + 1] * row(c[k + 1]) + v[k + 2] * row(c[k + 2]) +
                      v[k + 3] * row(c[k + 3]);
    for (; k < stop; ++k) yi.noalias() += v[k] * row(c[k]);
  }
}

// The batch by columns: column k's entries are rows[j] and values[j] for j
// in [offsets[k], offsets[k + 1]), rows increasing. Kept per thread and
// refilled in place, so a training step allocates nothing once they have grown.
struct CscScratch {
  std::vector<int32_t> offsets, rows;
  std::vector<float> values;

  void fill(const CsrMatrix& x) {
    offsets.assign(static_cast<size_t>(x.cols) + 1, 0);
    for (const int32_t c : x.columns) ++offsets[static_cast<size_t>(c) + 1];
    for (size_t k = 0; k < static_cast<size_t>(x.cols); ++k) offsets[k + 1] += offsets[k];
    rows.resize(x.columns.size());
    values.resize(x.values.size());
    // offsets[k] is column k's next free slot while filling, its end afterwards.
    for (int64_t i = 0; i < x.rows; ++i)
      for (auto j = x.row_offsets[static_cast<size_t>(i)];
           j < x.row_offsets[static_cast<size_t>(i) + 1]; ++j) {
        const auto slot = static_cast<size_t>(offsets[static_cast<size_t>(x.columns[j])]++);
        rows[slot] = static_cast<int32_t>(i);
        values[slot] = x.values[static_cast<size_t>(j)];
      }
    for (size_t k = static_cast<size_t>(x.cols); k > 0; --k) offsets[k] = offsets[k - 1];
    offsets[0] = 0;
  }
};

// dW[:, k0 + t] = sum_{i in column k0 + t} A[i, k] G[i, :] - s[k] gsum, t < n.
void weight_grad_tile(const CscScratch& csc, const float* g, const float* gsum, const float* s,
                      int64_t k0, int64_t n, int64_t out_features, int64_t in_features, float* tile,
                      float* dw) {
  for (int64_t t = 0; t < n; ++t) {
    Vector row(tile + t * out_features, out_features);
    const auto k = static_cast<size_t>(k0 + t);
    if (s != nullptr)
      row = -s[k] * ConstVector(gsum, out_features);
    else
      row.setZero();
    for (auto j = csc.offsets[k]; j < csc.offsets[k + 1]; ++j)
      row.noalias() +=
          csc.values[static_cast<size_t>(j)] *
          ConstVector(g + csc.rows[static_cast<size_t>(j)] * out_features, out_features);
  }
  transpose(tile, out_features, dw + k0, in_features, n, out_features);
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

  Tensor out = Tensor::empty({rows, out_features});
  {
    // offset = b - W s, the same for every row.
    Tensor offset = Tensor::empty({out_features});
    Vector o(offset.data(), out_features);
    if (bias.defined())
      o = ConstVector(bias.data(), out_features);
    else
      o.setZero();
    const Eigen::Map<const RowMatrix> w(weight.data(), out_features, in_features);
    if (shifted) o.noalias() -= w * ConstVector(x.shift.data(), in_features);

    Tensor wt = Tensor::empty({in_features, out_features});
    float* wt_data = wt.data();
    parallel_for(
        in_features,
        [&](int64_t begin, int64_t end) {
          // kTile columns of W at a time: the rows of W^T being written stay in L1.
          for (int64_t k0 = begin; k0 < end; k0 += kTile)
            transpose(weight.data() + k0, in_features, wt_data + k0 * out_features, out_features,
                      out_features, std::min(kTile, end - k0));
        },
        out_features);

    const int64_t per_row = rows > 0 ? (x.nnz() / rows + 1) * out_features : 0;
    parallel_for(
        rows,
        [&](int64_t begin, int64_t end) {
          forward_rows(x, wt_data, offset.data(), out.data(), out_features, begin, end);
        },
        per_row);
  }

  return record("sparse_linear", out, {weight, bias},
                [x_ptr, rows, in_features, out_features](const Tensor&, const Tensor& g,
                                                         const std::vector<Tensor>& in) {
                  const CsrMatrix& batch = *x_ptr;
                  // db and the shift's term both need the column sums of G.
                  Tensor db = Tensor::empty({out_features});
                  Vector gsum(db.data(), out_features);
                  gsum.setZero();
                  for (int64_t i = 0; i < rows; ++i)
                    gsum += ConstVector(g.data() + i * out_features, out_features);
                  if (in[0].requires_grad()) {
                    // A thread_local is not captured: the workers must see this thread's.
                    thread_local CscScratch scratch;
                    scratch.fill(batch);
                    const CscScratch& csc = scratch;
                    Tensor dw = Tensor::empty(in[0].shape());
                    const float* s = batch.shift.defined() ? batch.shift.data() : nullptr;
                    const int64_t tiles = (in_features + kTile - 1) / kTile;
                    const int64_t per_tile =
                        (batch.nnz() / std::max<int64_t>(tiles, 1) + kTile) * out_features;
                    parallel_for(
                        tiles,
                        [&](int64_t begin, int64_t end) {
                          // Aligned alike on every thread (Eigen aligns to its widest
                          // vector), so each tile is split into the same vector and
                          // scalar parts whichever thread runs it.
                          thread_local Eigen::VectorXf tile;
                          tile.resize(kTile * out_features);
                          for (int64_t t = begin; t < end; ++t) {
                            const int64_t k0 = t * kTile;
                            weight_grad_tile(csc, g.data(), db.data(), s, k0,
                                             std::min(kTile, in_features - k0), out_features,
                                             in_features, tile.data(), dw.data());
                          }
                        },
                        per_tile);
                    accumulate_grad(in[0], dw);
                  }
                  if (in[1].defined() && in[1].requires_grad()) accumulate_grad(in[1], db);
                });
}

}  // namespace fulcrum
