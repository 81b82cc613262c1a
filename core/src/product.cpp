#include "product.hpp"

#include <omp.h>

#include <algorithm>
#include <thread>

#include "fulcrum/core/parallel.hpp"
#include "gemm_small.hpp"

namespace fulcrum::detail {
namespace {

// Multiply-adds below which a product runs as one block (about 0.1 ms).
constexpr int64_t kParallelProductWork = int64_t{1} << 22;
// Blocks are at least this many rows and columns, so each stays an efficient GEMM.
constexpr int64_t kMinBlockSide = 32;
constexpr int64_t kMaxBlocks = 16;

// One block per CPU of the machine (its count, not the threads a run uses):
// every block packs again the part of the operands it shares with the blocks
// beside it, so fewer and larger blocks run closer to the library's best rate.
// On 2 CPUs, the products of a 512 x 1024-2048-2048-100 step ran at 75-80% of
// that rate cut 16 ways, at 90-100% cut in 2.
int64_t machine_blocks() {
  static const int64_t cpus =
      std::clamp<int64_t>(std::thread::hardware_concurrency(), int64_t{1}, kMaxBlocks);
  return cpus;
}

void apply(const Epilogue& epilogue, float* out, int64_t ld, int64_t rows, int64_t col,
           int64_t cols) {
  if (epilogue.bias == nullptr && !epilogue.relu) return;
  for (int64_t r = 0; r < rows; ++r) {
    float* row = out + r * ld;
    if (epilogue.bias != nullptr) {
      const float* bias = epilogue.bias + col;
      for (int64_t j = 0; j < cols; ++j) row[j] += bias[j];
    }
    if (epilogue.relu)
      for (int64_t j = 0; j < cols; ++j) row[j] = row[j] <= 0.0f ? 0.0f : row[j];
  }
}

}  // namespace

bool one_block(int64_t m, int64_t n, int64_t k) { return m * n * k < kParallelProductWork; }

Grid choose_grid(int64_t m, int64_t n, int64_t blocks) {
  for (int64_t count = blocks; count > 1; --count) {
    Grid best;
    int64_t least_packed = -1;
    for (int64_t rows = 1; rows <= count; ++rows) {
      if (count % rows != 0) continue;
      const int64_t cols = count / rows;
      if ((rows > 1 && m / rows < kMinBlockSide) || (cols > 1 && n / cols < kMinBlockSide))
        continue;
      const int64_t packed = rows * n + cols * m;
      if (least_packed < 0 || packed < least_packed) best = {rows, cols}, least_packed = packed;
    }
    if (least_packed >= 0) return best;
  }
  return {};
}

void product(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float* out,
             Epilogue epilogue) {
  const int64_t blocks =
      one_block(m, n, k) ? 1 : std::min(m * n * k / kParallelProductWork, machine_blocks());
  product_on_grid(m, n, k, a, b, out, epilogue, choose_grid(m, n, blocks));
}

void product_on_grid(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float* out,
                     Epilogue epilogue, Grid grid) {
  const int64_t count = grid.rows * grid.cols;
  if (count == 1) {
    if (small_gemm_pays(m, n, k, a, b))
      small_gemm(m, n, k, a, b, out, n);
    else
      gemm(m, n, k, a, b, 0.0f, out, n);
    apply(epilogue, out, n, m, 0, n);
    return;
  }
  const int64_t row_step = (m + grid.rows - 1) / grid.rows;
  const int64_t col_step = (n + grid.cols - 1) / grid.cols;
  auto run_block = [&](int64_t block) {
    const int64_t row = block / grid.cols * row_step, col = block % grid.cols * col_step;
    const int64_t rows = std::min(m, row + row_step) - row;
    const int64_t cols = std::min(n, col + col_step) - col;
    if (rows <= 0 || cols <= 0) return;
    GemmOperand a_rows = a, b_cols = b;  // rows [row, row + rows) of op(a), columns of op(b)
    a_rows.data += a.transposed ? row : row * a.stride;
    b_cols.data += b.transposed ? col * b.stride : col;
    float* corner = out + row * n + col;
    gemm(rows, cols, k, a_rows, b_cols, 0.0f, corner, n);
    apply(epilogue, corner, n, rows, col, cols);
  };
  const int threads = static_cast<int>(std::min<int64_t>(num_threads(), count));
  if (threads <= 1 || omp_in_parallel()) {
    for (int64_t block = 0; block < count; ++block) run_block(block);
    return;
  }
  // Dynamic: a thread that the OS puts aside holds up one block, not a share.
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t block = 0; block < count; ++block) run_block(block);
}

}  // namespace fulcrum::detail
