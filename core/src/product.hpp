#pragma once
// The matrix product behind matmul and linear: one GEMM, threaded by cutting
// its output into blocks, with an optional epilogue (bias, ReLU) applied to
// each block by the thread that computed it, while the block is in cache.
//
// A product runs on one thread below about 4M multiply-adds. Above, its output
// is cut into a grid of blocks, each a single-threaded GEMM, and the blocks are
// shared among the threads. How a product is cut depends on its shape and on
// the machine's CPU count, never on the thread count, so results repeat bit
// for bit with any number of threads (which lets the adaptive thread policy of
// parallel.hpp change the count between products).

#include <cstdint>

#include "fulcrum/core/tensor.hpp"
#include "gemm.hpp"

namespace fulcrum::detail {

/// A row-major [rows, cols] tensor as a GEMM operand, as stored or transposed.
inline GemmOperand stored(const Tensor& t, int64_t cols) { return {t.data(), cols, false}; }
inline GemmOperand transposed(const Tensor& t, int64_t cols) { return {t.data(), cols, true}; }

/// What product() does to each output element after the GEMM, in this order:
/// add bias[column] (when bias is set), then max(v, 0) with NaN kept (when
/// relu), exactly as the separate ops would.
struct Epilogue {
  const float* bias = nullptr;
  bool relu = false;
};

/// Whether product() computes this product as one block, on one thread.
bool one_block(int64_t m, int64_t n, int64_t k);

/// out[m, n] = epilogue(op(a)[m, k] op(b)[k, n]), out row-major and contiguous.
void product(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float* out,
             Epilogue epilogue = {});

/// The blocks an output is cut into: rows x cols, as even as can be.
struct Grid {
  int64_t rows = 1, cols = 1;
};

/// How product() cuts an [m, n] output into at most `blocks` blocks, each at
/// least 32 rows and columns: the most blocks that fit, and of the grids of
/// that many, the one that packs the least (a row of blocks packs all of
/// op(b), a column all of op(a)); 1 x 1 when no cut fits.
Grid choose_grid(int64_t m, int64_t n, int64_t blocks);

/// product() on a given grid (what product() does with the grid it chooses;
/// tests run every kind of grid with it, whatever the machine's CPU count).
void product_on_grid(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float* out,
                     Epilogue epilogue, Grid grid);

}  // namespace fulcrum::detail
