// gemm() on Eigen's own product kernels.

#include <Eigen/Core>

#include "gemm.hpp"

namespace fulcrum::detail {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Stride = Eigen::OuterStride<>;
using ConstView = Eigen::Map<const RowMatrix, Eigen::Unaligned, Stride>;

// op(X) for an operand of op-shape [rows, cols].
ConstView stored(GemmOperand x, int64_t rows, int64_t cols) {
  return x.transposed ? ConstView(x.data, cols, rows, Stride(x.stride))
                      : ConstView(x.data, rows, cols, Stride(x.stride));
}

template <typename A, typename B>
void product(Eigen::Map<RowMatrix, Eigen::Unaligned, Stride> c, const A& a, const B& b,
             float beta) {
  if (beta == 0.0f) {
    c.noalias() = a * b;
  } else {
    if (beta != 1.0f) c *= beta;
    c.noalias() += a * b;
  }
}

}  // namespace

void gemm(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float beta, float* c,
          int64_t ldc) {
  Eigen::Map<RowMatrix, Eigen::Unaligned, Stride> C(c, m, n, Stride(ldc));
  const ConstView A = stored(a, m, k), B = stored(b, k, n);
  if (a.transposed && b.transposed)
    product(C, A.transpose(), B.transpose(), beta);
  else if (a.transposed)
    product(C, A.transpose(), B, beta);
  else if (b.transposed)
    product(C, A, B.transpose(), beta);
  else
    product(C, A, B, beta);
}

const char* gemm_library() { return "eigen"; }

}  // namespace fulcrum::detail
