// Small products as in-order fma chains held in vector registers (gemm_small.hpp).
//
// G W and G^T X: a tile holds R rows x W columns of C and walks p = 0 .. k-1,
// adding op(A)[i, p] * (row p of B, read contiguously) with one fma per
// element; columns past the last full tile go through a zero-padded copy, so
// no tile reads past its operand. X W^T with few outputs: a vector holds one
// output column for 16 rows of X, whose columns are transposed in registers.
// Either way every element's chain runs over p in order, whatever the tiles.
// The vector code is AVX-512; other builds route nothing here.

#include "gemm_small.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace fulcrum::detail {
namespace {

// Up to here oneDNN's sgemm sums a product in one fma chain per element (it
// splits longer sums into blocks added separately).
constexpr int64_t kMaxSum = 256;
// The shapes where these loops beat oneDNN's sgemm (bench/README.md):
// a product with at most kFewOutputs outputs per row (forward) or output
// rows (weight gradient), or a sum of at most kShortSum terms (the input
// gradient of a small layer).
constexpr int64_t kFewOutputs = 8, kShortSum = 16;

// One vector register of floats and the four operations the tiles use.
#if defined(__AVX512F__)
#define FULCRUM_SMALL_GEMM 1
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec vzero() { return _mm512_setzero_ps(); }
inline Vec vload(const float* p) { return _mm512_loadu_ps(p); }
inline Vec vbroadcast(float x) { return _mm512_set1_ps(x); }
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline void vstore(float* p, Vec v) { _mm512_storeu_ps(p, v); }
// Lane r: p[r * stride]. (The masked form: the plain one trips GCC 12's
// -Wmaybe-uninitialized inside its own header.)
inline Vec vgather_rows(const float* p, int stride) {
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm512_mask_i32gather_ps(vzero(), 0xFFFF,
                                  _mm512_mullo_epi32(lanes, _mm512_set1_epi32(stride)), p, 4);
}
// The 16 x 16 block at x (row stride ldx) by columns: lane r of column[q]
// is x[r * ldx + q].
inline void transpose_block(const float* x, int64_t ldx, Vec column[16]) {
  Vec r[16], t[16];
  for (int i = 0; i < 16; ++i) r[i] = vload(x + i * ldx);
  for (int i = 0; i < 8; ++i) {  // pairs of rows, interleaved
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  const auto lo = [](Vec a, Vec b) {
    return _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(a), _mm512_castps_pd(b)));
  };
  const auto hi = [](Vec a, Vec b) {
    return _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(a), _mm512_castps_pd(b)));
  };
  // r[4g + j], 128-bit lane c: rows 4g .. 4g+3 at column 4c + j.
  for (int g = 0; g < 4; ++g) {
    r[4 * g] = lo(t[4 * g], t[4 * g + 2]);
    r[4 * g + 1] = hi(t[4 * g], t[4 * g + 2]);
    r[4 * g + 2] = lo(t[4 * g + 1], t[4 * g + 3]);
    r[4 * g + 3] = hi(t[4 * g + 1], t[4 * g + 3]);
  }
  // Gather the 128-bit lanes c of r[j], r[4 + j], r[8 + j], r[12 + j] into column 4c + j.
  for (int j = 0; j < 4; ++j) {
    const Vec top_front = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x44);
    const Vec top_back = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xEE);
    const Vec bottom_front = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x44);
    const Vec bottom_back = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xEE);
    column[j] = _mm512_shuffle_f32x4(top_front, bottom_front, 0x88);
    column[4 + j] = _mm512_shuffle_f32x4(top_front, bottom_front, 0xDD);
    column[8 + j] = _mm512_shuffle_f32x4(top_back, bottom_back, 0x88);
    column[12 + j] = _mm512_shuffle_f32x4(top_back, bottom_back, 0xDD);
  }
}
#else
#define FULCRUM_SMALL_GEMM 0
constexpr int kLanes = 1;
#endif

// Tiles: 4 rows x 4 vectors where C is wide, 8 rows x 1 vector at its edge
// (enough independent chains to hide the fma latency either way).
constexpr int64_t kWideTile = 4 * kLanes, kNarrowTile = kLanes;

// op(A) as element (i, p) = data[i * row_step + p * sum_step].
struct Lhs {
  const float* data;
  int64_t row_step, sum_step;
  float at(int64_t i, int64_t p) const { return data[i * row_step + p * sum_step]; }
};

// Rows of op(B) from some column on: row p starts at `rows + p * stride`,
// with at least a tile's width of floats readable.
struct Rhs {
  const float* rows;
  int64_t stride;
};

#if FULCRUM_SMALL_GEMM
// C[i0 .. i0+R, 0 .. cols) for cols <= V * kLanes, where `c` and `b` start
// at the block's first column.
template <int R, int V>
void tile(const Lhs& a, int64_t i0, int64_t k, Rhs b, float* c, int64_t ldc, int64_t cols,
          bool add) {
  Vec acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = vzero();
  for (int64_t p = 0; p < k; ++p) {
    const float* row = b.rows + p * b.stride;
    Vec y[V];
    for (int v = 0; v < V; ++v) y[v] = vload(row + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const Vec x = vbroadcast(a.at(i0 + r, p));
      for (int v = 0; v < V; ++v) acc[r][v] = vfma(x, y[v], acc[r][v]);
    }
  }
  for (int r = 0; r < R; ++r) {
    float* out = c + (i0 + r) * ldc;
    if (cols == V * kLanes) {
      for (int v = 0; v < V; ++v)
        vstore(out + v * kLanes,
               add ? _mm512_add_ps(vload(out + v * kLanes), acc[r][v]) : acc[r][v]);
    } else {
      alignas(64) float row[V * kLanes];
      for (int v = 0; v < V; ++v) vstore(row + v * kLanes, acc[r][v]);
      for (int64_t j = 0; j < cols; ++j) out[j] = add ? out[j] + row[j] : row[j];
    }
  }
}
#else
// Without AVX-512 (small_gemm_pays says no): the same chains, one at a time.
template <int R, int V>
void tile(const Lhs& a, int64_t i0, int64_t k, Rhs b, float* c, int64_t ldc, int64_t cols,
          bool add) {
  for (int r = 0; r < R; ++r)
    for (int64_t j = 0; j < cols; ++j) {
      float sum = 0.0f;
      for (int64_t p = 0; p < k; ++p)
        sum = std::fma(a.at(i0 + r, p), b.rows[p * b.stride + j], sum);
      float& out = c[(i0 + r) * ldc + j];
      out = add ? out + sum : sum;
    }
}
#endif

// One tile of the last `rows` < R rows, from row i on.
template <int R, int V>
void last_rows(const Lhs& a, int64_t i, int64_t rows, int64_t k, Rhs b, float* c, int64_t ldc,
               int64_t cols, bool add) {
  if constexpr (R > 0) {
    if (rows == R)
      tile<R, V>(a, i, k, b, c, ldc, cols, add);
    else
      last_rows<R - 1, V>(a, i, rows, k, b, c, ldc, cols, add);
  }
}

// `cols` columns of every row of C, in tiles of R rows and one of the rows
// left (each tile reads the rows of B once).
template <int R, int V>
void column_block(const Lhs& a, int64_t m, int64_t k, Rhs b, float* c, int64_t ldc, int64_t cols,
                  bool add) {
  int64_t i = 0;
  for (; i + R <= m; i += R) tile<R, V>(a, i, k, b, c, ldc, cols, add);
  if (i < m) last_rows<R - 1, V>(a, i, m - i, k, b, c, ldc, cols, add);
}

// The whole tiles of columns of C from column j to n, advancing j past them;
// the last n - j < kNarrowTile columns are left to the caller.
void columns(const Lhs& a, int64_t m, int64_t n, int64_t k, Rhs b, float* c, int64_t ldc, bool add,
             int64_t& j) {
  for (; j + kWideTile <= n; j += kWideTile)
    column_block<4, 4>(a, m, k, {b.rows + j, b.stride}, c + j, ldc, kWideTile, add);
  for (; j + kNarrowTile <= n; j += kNarrowTile)
    column_block<8, 1>(a, m, k, {b.rows + j, b.stride}, c + j, ldc, kNarrowTile, add);
}

#if FULCRUM_SMALL_GEMM
// X W^T for W of N rows (few outputs), on rows [0, rows) of X, a multiple of
// kLanes: a vector holds one column of kLanes rows of X (16 columns at a
// time transposed in registers, the last ones gathered), so every lane is a
// row's own chain; each element of W is broadcast.
template <int N>
void rows_times_few_columns(const float* x, int64_t ldx, const float* w, int64_t ldw, int64_t k,
                            int64_t rows, float* c, int64_t ldc, bool add) {
  for (int64_t i = 0; i < rows; i += kLanes) {
    Vec acc[N];
    for (int j = 0; j < N; ++j) acc[j] = vzero();
    const float* block = x + i * ldx;
    int64_t p = 0;
    for (; p + kLanes <= k; p += kLanes) {
      Vec column[kLanes];
      transpose_block(block + p, ldx, column);
      for (int q = 0; q < kLanes; ++q)
        for (int j = 0; j < N; ++j)
          acc[j] = vfma(column[q], vbroadcast(w[j * ldw + p + q]), acc[j]);
    }
    for (; p < k; ++p) {
      const Vec column = vgather_rows(block + p, static_cast<int>(ldx));
      for (int j = 0; j < N; ++j) acc[j] = vfma(column, vbroadcast(w[j * ldw + p]), acc[j]);
    }
    alignas(64) float lanes[kLanes];
    for (int j = 0; j < N; ++j) {
      vstore(lanes, acc[j]);
      for (int r = 0; r < kLanes; ++r) {
        float& out = c[(i + r) * ldc + j];
        out = add ? out + lanes[r] : lanes[r];
      }
    }
  }
}

// rows_times_few_columns<n>, for n <= kFewOutputs.
template <int N = 1>
void rows_times_columns(int64_t n, const float* x, int64_t ldx, const float* w, int64_t ldw,
                        int64_t k, int64_t rows, float* c, int64_t ldc, bool add) {
  if constexpr (N <= kFewOutputs) {
    if (n == N) return rows_times_few_columns<N>(x, ldx, w, ldw, k, rows, c, ldc, add);
    rows_times_columns<N + 1>(n, x, ldx, w, ldw, k, rows, c, ldc, add);
  }
}
#endif

// A scratch buffer per thread that keeps its capacity: no allocation per
// product once the largest shape has been seen.
std::vector<float>& scratch() {
  thread_local std::vector<float> buffer;
  return buffer;
}

}  // namespace

bool small_gemm_pays(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b) {
#if FULCRUM_SMALL_GEMM
  if (a.transposed && b.transposed) return false;
  if (k < 1 || k > kMaxSum || m < 1 || n < 2) return false;
  // X W^T with few outputs; at fewer than 16 rows oneDNN sums these products
  // in another order.
  if (b.transposed) return n <= kFewOutputs && m >= kLanes && a.stride * kLanes <= INT32_MAX;
  // G^T X with few output rows, or G W, a short sum over the outputs.
  return a.transposed ? m <= kFewOutputs : k <= kShortSum;
#else
  (void)m, (void)n, (void)k, (void)a, (void)b;
  return false;
#endif
}

void small_gemm(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float* c,
                int64_t ldc, bool add) {
  std::vector<float>& copy = scratch();
  if (b.transposed && n <= kFewOutputs && !a.transposed && a.stride * kLanes <= INT32_MAX) {
#if FULCRUM_SMALL_GEMM
    const int64_t rows = m / kLanes * kLanes;
    rows_times_columns(n, a.data, a.stride, b.data, b.stride, k, rows, c, ldc, add);
    if (rows == m) return;
    a.data += rows * a.stride;  // the last rows, fewer than a vector, as below
    c += rows * ldc;
    m -= rows;
#endif
  }
  const Lhs lhs = a.transposed ? Lhs{a.data, 1, a.stride} : Lhs{a.data, a.stride, 1};
  if (b.transposed) {
    // op(B) row by row, each padded with zeros to whole tiles.
    const int64_t width = (n + kNarrowTile - 1) / kNarrowTile * kNarrowTile;
    copy.assign(static_cast<size_t>(k * width), 0.0f);
    for (int64_t q = 0; q < n; ++q)
      for (int64_t p = 0; p < k; ++p)
        copy[static_cast<size_t>(p * width + q)] = b.data[q * b.stride + p];
    int64_t j = 0;
    columns(lhs, m, n, k, {copy.data(), width}, c, ldc, add, j);
    if (j < n) column_block<8, 1>(lhs, m, k, {copy.data() + j, width}, c + j, ldc, n - j, add);
    return;
  }
  int64_t j = 0;
  columns(lhs, m, n, k, {b.data, b.stride}, c, ldc, add, j);
  if (j == n) return;
  // The last columns, fewer than a tile, through a zero-padded copy.
  const int64_t cols = n - j;
  copy.assign(static_cast<size_t>(k * kNarrowTile), 0.0f);
  for (int64_t p = 0; p < k; ++p)
    std::copy_n(b.data + p * b.stride + j, cols, copy.data() + p * kNarrowTile);
  column_block<8, 1>(lhs, m, k, {copy.data(), kNarrowTile}, c + j, ldc, cols, add);
}

}  // namespace fulcrum::detail
