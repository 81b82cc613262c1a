// Matrix products on Eigen kernels: matmul, and the fused linear layer op.
//
// Eigen's own OpenMP threading is off (EIGEN_DONT_PARALLELIZE, set for core in
// core/CMakeLists.txt): it parallelises products as small as a training batch,
// and on a busy machine waking threads for every small GEMM cost more than the
// product. Instead product() splits large products by output rows, each block
// an independent single-threaded Eigen GEMM: small products never wake a
// thread, and a given thread count always splits a product the same way, so
// results repeat bit for bit.

#include <algorithm>

#include <omp.h>

#include <Eigen/Core>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;

ConstMatrixMap as_matrix(const Tensor& t, int64_t rows, int64_t cols) {
  return {t.data(), rows, cols};
}
MatrixMap as_matrix(Tensor& t, int64_t rows, int64_t cols) { return {t.data(), rows, cols}; }

// Multiply-adds below which a product runs on one thread (about a millisecond).
constexpr int64_t kParallelProductWork = int64_t{1} << 22;

// out = a * b, split by rows of `out` across threads when the product is large.
template <typename A, typename B>
void product(MatrixMap out, const A& a, const B& b) {
  const int64_t rows = out.rows(), work = rows * out.cols() * a.cols();
  const int64_t threads = std::min<int64_t>(omp_get_max_threads(), rows / 8);
  if (work < kParallelProductWork || threads < 2) {
    out.noalias() = a * b;
    return;
  }
#pragma omp parallel num_threads(static_cast<int>(threads))
  {
    const int64_t id = omp_get_thread_num(), n = omp_get_num_threads();
    const int64_t chunk = (rows + n - 1) / n, begin = std::min(rows, id * chunk);
    const int64_t count = std::min(rows, begin + chunk) - begin;
    if (count > 0) out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b;
  }
}

// A matmul operand as a matrix: a 1-d left operand is a row, a 1-d right one a column.
struct Operand {
  int64_t rows, cols;
};

}  // namespace

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
  product(as_matrix(out, pa.rows, pb.cols), as_matrix(a, pa.rows, pa.cols),
          as_matrix(b, pb.rows, pb.cols));
  return record("matmul", out, {a, b},
                [pa, pb](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  const auto G = as_matrix(g, pa.rows, pb.cols);
                  if (in[0].requires_grad()) {
                    Tensor da = Tensor::empty(in[0].shape());
                    product(as_matrix(da, pa.rows, pa.cols), G,
                            as_matrix(in[1], pb.rows, pb.cols).transpose());
                    accumulate_grad(in[0], da);
                  }
                  if (in[1].requires_grad()) {
                    Tensor db = Tensor::empty(in[1].shape());
                    product(as_matrix(db, pb.rows, pb.cols),
                            as_matrix(in[0], pa.rows, pa.cols).transpose(), G);
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
  auto Y = as_matrix(out, rows, out_features);
  product(Y, as_matrix(x, rows, in_features),
          as_matrix(weight, out_features, in_features).transpose());
  if (bias.defined()) Y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias.data(), out_features);

  return record(
      "linear", out, {x, weight, bias},
      [rows, in_features, out_features](const Tensor&, const Tensor& g,
                                        const std::vector<Tensor>& in) {
        const auto G = as_matrix(g, rows, out_features);
        if (in[0].requires_grad()) {  // dX = G W
          Tensor dx = Tensor::empty(in[0].shape());
          product(as_matrix(dx, rows, in_features), G,
                  as_matrix(in[1], out_features, in_features));
          accumulate_grad(in[0], dx);
        }
        if (in[1].requires_grad()) {  // dW = G^T X
          Tensor dw = Tensor::empty(in[1].shape());
          product(as_matrix(dw, out_features, in_features), G.transpose(),
                  as_matrix(in[0], rows, in_features));
          accumulate_grad(in[1], dw);
        }
        if (in[2].defined() && in[2].requires_grad()) {  // db = column sums of G
          Tensor db = Tensor::empty(in[2].shape());
          Eigen::Map<Eigen::RowVectorXf>(db.data(), out_features) = G.colwise().sum();
          accumulate_grad(in[2], db);
        }
      });
}

}  // namespace fulcrum
