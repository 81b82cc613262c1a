// Matrix products: matmul, and the fused linear layer op, on the GEMM library
// of gemm.hpp, or on the loops of gemm_small.hpp for the tiny products of
// small heads (the same bits as oneDNN's, without the call's overhead).
//
// A product runs on one thread below about 4M multiply-adds. Above, it is cut
// into blocks of output rows or columns (the longer side), each a
// single-threaded GEMM, and the blocks are shared among the threads. How a
// product is cut depends on its shape alone, never on the thread count, so
// results repeat bit for bit with any number of threads (which lets the
// adaptive thread policy of parallel.hpp change the count between products).

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "gemm.hpp"
#include "gemm_small.hpp"

namespace fulcrum {
namespace {

using detail::GemmOperand;

// Multiply-adds below which a product runs as one block (about 0.1 ms).
constexpr int64_t kParallelProductWork = int64_t{1} << 22;
// Blocks are at least this many rows or columns, so each stays an efficient
// GEMM, and at most kMaxBlocks, so the operand every block packs again (the
// whole of the other side) is packed a bounded number of times.
constexpr int64_t kMinBlockSide = 32;
constexpr int64_t kMaxBlocks = 16;

// Whether product() computes this product as one block, on one thread.
bool one_block(int64_t m, int64_t n, int64_t k) { return m * n * k < kParallelProductWork; }

// out[m, n] = op(a)[m, k] op(b)[k, n], out row-major and contiguous.
void product(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float* out) {
  const int64_t work = m * n * k;
  const bool by_rows = m >= n;
  const int64_t side = by_rows ? m : n;
  const int64_t blocks =
      one_block(m, n, k) ? 1
                         : std::clamp(std::min(work / kParallelProductWork, side / kMinBlockSide),
                                      int64_t{1}, kMaxBlocks);
  if (blocks == 1) {
    if (detail::small_gemm_pays(m, n, k, a, b))
      detail::small_gemm(m, n, k, a, b, out, n);
    else
      detail::gemm(m, n, k, a, b, 0.0f, out, n);
    return;
  }
  const int64_t step = (side + blocks - 1) / blocks;
  auto run_block = [&](int64_t block) {
    const int64_t first = block * step, count = std::min(side, first + step) - first;
    if (count <= 0) return;
    if (by_rows) {  // rows [first, first + count) of op(a) and of out
      GemmOperand rows = a;
      rows.data += a.transposed ? first : first * a.stride;
      detail::gemm(count, n, k, rows, b, 0.0f, out + first * n, n);
    } else {  // columns [first, first + count) of op(b) and of out
      GemmOperand cols = b;
      cols.data += b.transposed ? first * b.stride : first;
      detail::gemm(m, count, k, a, cols, 0.0f, out + first, n);
    }
  };
  const int threads = static_cast<int>(std::min<int64_t>(num_threads(), blocks));
  if (threads <= 1 || omp_in_parallel()) {
    for (int64_t block = 0; block < blocks; ++block) run_block(block);
    return;
  }
  // Dynamic: a thread that the OS puts aside holds up one block, not a share.
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t block = 0; block < blocks; ++block) run_block(block);
}

// A row-major [rows, cols] tensor as a GEMM operand, as stored or transposed.
GemmOperand stored(const Tensor& t, int64_t cols) { return {t.data(), cols, false}; }
GemmOperand transposed(const Tensor& t, int64_t cols) { return {t.data(), cols, true}; }

// A matmul operand as a matrix: a 1-d left operand is a row, a 1-d right one a column.
struct Operand {
  int64_t rows, cols;
};

}  // namespace

const char* gemm_library() { return detail::gemm_library(); }

Tensor matmul(const Tensor& a, const Tensor& b) {
  FULCRUM_CHECK_SHAPE(a.dim() >= 1 && a.dim() <= 2 && b.dim() >= 1 && b.dim() <= 2,
                      "matmul: supports 1-d and 2-d operands, got {} and {}", to_string(a.shape()),
                      to_string(b.shape()));
  const Operand pa = a.dim() == 1 ? Operand{1, a.size(0)} : Operand{a.size(0), a.size(1)};
  const Operand pb = b.dim() == 1 ? Operand{b.size(0), 1} : Operand{b.size(0), b.size(1)};
  FULCRUM_CHECK_SHAPE(pa.cols == pb.rows,
                      "matmul: shapes {} and {} cannot be multiplied ({} columns vs {} rows)",
                      to_string(a.shape()), to_string(b.shape()), pa.cols, pb.rows);
  Shape shape;
  if (a.dim() == 2) shape.push_back(pa.rows);
  if (b.dim() == 2) shape.push_back(pb.cols);
  Tensor out = Tensor::empty(shape);
  product(pa.rows, pb.cols, pa.cols, stored(a, pa.cols), stored(b, pb.cols), out.data());
  return record("matmul", out, {a, b},
                [pa, pb](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  if (in[0].requires_grad()) {  // dA = G B^T
                    Tensor da = Tensor::empty(in[0].shape());
                    product(pa.rows, pa.cols, pb.cols, stored(g, pb.cols),
                            transposed(in[1], pb.cols), da.data());
                    accumulate_grad(in[0], da);
                  }
                  if (in[1].requires_grad()) {  // dB = A^T G
                    Tensor db = Tensor::empty(in[1].shape());
                    product(pb.rows, pb.cols, pa.rows, transposed(in[0], pa.cols),
                            stored(g, pb.cols), db.data());
                    accumulate_grad(in[1], db);
                  }
                });
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  FULCRUM_CHECK_SHAPE(weight.dim() == 2, "linear: weight must be [out_features, in_features], got {}",
                      to_string(weight.shape()));
  const int64_t out_features = weight.size(0), in_features = weight.size(1);
  FULCRUM_CHECK_SHAPE(x.dim() >= 1 && x.size(-1) == in_features,
                      "linear: input of shape {} does not end in in_features = {} (weight {})",
                      to_string(x.shape()), in_features, to_string(weight.shape()));
  if (bias.defined())
    FULCRUM_CHECK_SHAPE(bias.shape() == Shape{out_features},
                        "linear: bias of shape {} for weight {} (expected [{}])",
                        to_string(bias.shape()), to_string(weight.shape()), out_features);
  const int64_t rows = x.numel() / in_features;
  Shape shape = x.shape();
  shape.back() = out_features;
  Tensor out = Tensor::empty(shape);
  product(rows, out_features, in_features, stored(x, in_features), transposed(weight, in_features),
          out.data());
  if (bias.defined())
    Eigen::Map<Eigen::MatrixXf>(out.data(), out_features, rows).colwise() +=
        Eigen::Map<const Eigen::VectorXf>(bias.data(), out_features);

  return record("linear", out, {x, weight, bias},
                [rows, in_features, out_features](const Tensor&, const Tensor& g,
                                                  const std::vector<Tensor>& in) {
                  if (in[0].requires_grad()) {  // dX = G W
                    const GemmOperand g_op = stored(g, out_features);
                    const GemmOperand w_op = stored(in[1], in_features);
                    Tensor so_far = in[0].grad();
                    if (so_far.defined() && one_block(rows, in_features, out_features) &&
                        detail::small_gemm_pays(rows, in_features, out_features, g_op, w_op)) {
                      // X feeds several layers (heads): G W goes straight into the
                      // gradient gathered so far, the sum accumulate_grad would form.
                      detail::small_gemm(rows, in_features, out_features, g_op, w_op, so_far.data(),
                                         in_features, /*add=*/true);
                    } else {
                      Tensor dx = Tensor::empty(in[0].shape());
                      product(rows, in_features, out_features, g_op, w_op, dx.data());
                      accumulate_grad(in[0], dx);
                    }
                  }
                  if (in[1].requires_grad()) {  // dW = G^T X
                    Tensor dw = Tensor::empty(in[1].shape());
                    product(out_features, in_features, rows, transposed(g, out_features),
                            stored(in[0], in_features), dw.data());
                    accumulate_grad(in[1], dw);
                  }
                  if (in[2].defined() && in[2].requires_grad()) {  // db = column sums of G
                    Tensor db = Tensor::empty(in[2].shape());
                    using RowMatrix =
                        Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
                    Eigen::Map<Eigen::RowVectorXf>(db.data(), out_features) =
                        Eigen::Map<const RowMatrix>(g.data(), rows, out_features).colwise().sum();
                    accumulate_grad(in[2], db);
                  }
                });
}

}  // namespace fulcrum
