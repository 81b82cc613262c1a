#pragma once
// CsrMatrix: a float matrix in compressed sparse row form, for sparse
// features (bag-of-words rows with a few percent non-zeros) and their
// mini-batches, and sparse_linear, the first layer's product with it.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum {

/// Represents: the rows x cols matrix X = A - 1 * shift^T, where A is held in
/// compressed sparse row form (row i's entries are columns[k] and values[k]
/// for k in [row_offsets[i], row_offsets[i + 1])) and `shift`, when defined,
/// is a [cols] tensor subtracted from every row, stored entries and zeros
/// alike. A plain sparse matrix has no shift. Standardised sparse features
/// keep their zeros as zeros in A and carry the centring in the shift
/// (data::StandardScaler), so X is the standardised matrix without ever
/// being made dense.
/// Invariants (validate()): row_offsets has rows + 1 entries, non-decreasing
/// from 0 to nnz(); columns strictly increase within a row and lie in
/// [0, cols); indices are int32 (Eigen's and scipy's default), so nnz() and
/// cols stay below 2^31.
/// Plain vectors rather than Eigen::SparseMatrix keep Eigen out of public
/// headers; the layout is Eigen's row-major compressed one.
struct CsrMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<int32_t> row_offsets{0};
  std::vector<int32_t> columns{};
  std::vector<float> values{};
  Tensor shift{};  ///< [cols] or undefined

  /// An empty matrix (no rows) of `columns_count` columns, to be filled with push_back/end_row.
  explicit CsrMatrix(int64_t columns_count = 0);

  int64_t nnz() const { return static_cast<int64_t>(values.size()); }
  /// nnz / (rows * cols); 0 for an empty matrix.
  double density() const;

  /// Appends an entry to the row being built (columns in increasing order).
  void push_back(int64_t column, float value) {
    columns.push_back(static_cast<int32_t>(column));
    values.push_back(value);
  }
  /// Closes the row being built. Throws ValueError once nnz() reaches 2^31.
  void end_row();

  /// Makes this matrix the rows `rows` of `source` (in that order, repeats
  /// allowed), sharing its shift. Reuses this matrix's vectors, so refilling
  /// a batch of the same size allocates nothing once they have grown.
  /// Requires: every row in [0, source.rows).
  void assign_rows(const CsrMatrix& source, std::span<const int64_t> rows);
  /// Rows [begin, end) as a new matrix (sharing the shift).
  CsrMatrix slice_rows(int64_t begin, int64_t end) const;

  /// X as a dense [rows, cols] tensor (the shift subtracted).
  Tensor to_dense() const;
  /// The rows of a dense [N, F] tensor, zeros left out (no shift).
  static CsrMatrix from_dense(const Tensor& dense);

  /// Throws ValueError naming `what` and the broken invariant.
  void validate(std::string_view what = "CsrMatrix") const;
};

/// x @ weight^T + bias for sparse x [B, in] (its shift included):
///   Y = A W^T + 1 (bias - W shift)^T.
/// Differentiable in weight and bias only: x is data, it has no gradient.
/// Requires: weight [out, in] with in == x.cols; bias [out] or undefined.
/// Ensures: Y [B, out]; work in proportion to nnz * out (plus in * out with
/// a shift), never rows * in * out. x is kept alive until backward has run.
Tensor sparse_linear(const std::shared_ptr<const CsrMatrix>& x, const Tensor& weight,
                     const Tensor& bias);

}  // namespace fulcrum
