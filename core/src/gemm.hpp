#pragma once
// One single-threaded matrix product, C = op(A) op(B) + beta C, on row-major
// float matrices, from the GEMM library chosen at configure time
// (FULCRUM_GEMM: oneDNN, PyTorch's own CPU library, when it is installed, else
// Eigen). Threading is the caller's: product.cpp splits a product into
// blocks fixed by its shape and the CPU count, so results do not depend on
// the thread count.

#include <cstdint>

namespace fulcrum::detail {

/// A row-major matrix operand: `data` with `stride` floats between rows,
/// used as stored or transposed.
struct GemmOperand {
  const float* data = nullptr;
  int64_t stride = 0;
  bool transposed = false;
};

/// C[m, n] (row stride ldc) = op(A)[m, k] op(B)[k, n] + beta C, on the calling thread.
void gemm(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float beta, float* c,
          int64_t ldc);

/// The library behind gemm(): "onednn" or "eigen".
const char* gemm_library();

}  // namespace fulcrum::detail
