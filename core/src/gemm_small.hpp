#pragma once
// Small matrix products computed directly, without a GEMM library call.
//
// A product with a short side (a head of a few outputs, its gradient) spends
// most of a library call packing operands and choosing kernels; these loops
// skip that. Each output is one chain of fused multiply-adds over k in order,
//   c = 0; for p in [0, k): c = fma(op(A)[i, p], op(B)[p, j], c),
// which is also how oneDNN's sgemm sums the products routed here (k <= 256,
// checked by tests/core/gemm_small_test.cpp), so switching between them
// changes no bit.

#include <cstdint>

#include "gemm.hpp"

namespace fulcrum::detail {

/// Whether small_gemm computes this product faster than gemm(): a short side
/// and a short sum (the shapes of small heads and their gradients), and a
/// build with fused multiply-add instructions. Decided by the shape alone.
bool small_gemm_pays(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b);

/// C[m, n] (row stride ldc) = op(A)[m, k] op(B)[k, n], each element one
/// in-order fma chain over k, on the calling thread; with `add`, each chain
/// is added to C's element instead (c + chain, one rounding: what adding the
/// product to C afterwards would give, without writing the product out).
/// Requires: A and B not both transposed.
void small_gemm(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float* c,
                int64_t ldc, bool add = false);

}  // namespace fulcrum::detail
