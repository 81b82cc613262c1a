// CsrMatrix: building, gathering rows, converting, checking.

#include "fulcrum/core/sparse.hpp"

#include <limits>

#include "fulcrum/core/error.hpp"

namespace fulcrum {
namespace {

constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();

}  // namespace

CsrMatrix::CsrMatrix(int64_t columns_count) : cols(columns_count) {
  FULCRUM_CHECK(cols >= 0 && cols <= kMaxIndex, "CsrMatrix: {} columns, expected [0, 2^31)", cols);
}

double CsrMatrix::density() const {
  const double cells = static_cast<double>(rows) * static_cast<double>(cols);
  return cells > 0 ? static_cast<double>(nnz()) / cells : 0.0;
}

void CsrMatrix::end_row() {
  FULCRUM_CHECK(nnz() <= kMaxIndex, "CsrMatrix: {} non-zeros in {} rows exceed int32 indices",
                nnz(), rows + 1);
  row_offsets.push_back(static_cast<int32_t>(nnz()));
  ++rows;
}

void CsrMatrix::assign_rows(const CsrMatrix& source, std::span<const int64_t> rows_to_take) {
  cols = source.cols;
  shift = source.shift;
  rows = 0;
  row_offsets.assign(1, 0);
  columns.clear();
  values.clear();
  for (const int64_t r : rows_to_take) {
    FULCRUM_CHECK(r >= 0 && r < source.rows, "CsrMatrix: row {} is out of range for {} rows", r,
                  source.rows);
    const auto begin = source.row_offsets[static_cast<size_t>(r)];
    const auto end = source.row_offsets[static_cast<size_t>(r) + 1];
    columns.insert(columns.end(), source.columns.begin() + begin, source.columns.begin() + end);
    values.insert(values.end(), source.values.begin() + begin, source.values.begin() + end);
    end_row();
  }
}

CsrMatrix CsrMatrix::slice_rows(int64_t begin, int64_t end) const {
  FULCRUM_CHECK(0 <= begin && begin <= end && end <= rows,
                "CsrMatrix: rows [{}, {}) are out of range for {} rows", begin, end, rows);
  CsrMatrix out(cols);
  out.shift = shift;
  const auto first = row_offsets[static_cast<size_t>(begin)];
  const auto last = row_offsets[static_cast<size_t>(end)];
  out.columns.assign(columns.begin() + first, columns.begin() + last);
  out.values.assign(values.begin() + first, values.begin() + last);
  out.row_offsets.resize(static_cast<size_t>(end - begin) + 1);
  for (int64_t i = begin; i <= end; ++i)
    out.row_offsets[static_cast<size_t>(i - begin)] = row_offsets[static_cast<size_t>(i)] - first;
  out.rows = end - begin;
  return out;
}

Tensor CsrMatrix::to_dense() const {
  Tensor out = Tensor::zeros({rows, cols});
  float* x = out.data();
  for (int64_t i = 0; i < rows; ++i) {
    float* row = x + i * cols;
    if (shift.defined())
      for (int64_t j = 0; j < cols; ++j) row[j] = -shift.data()[j];
    for (auto k = row_offsets[static_cast<size_t>(i)]; k < row_offsets[static_cast<size_t>(i) + 1];
         ++k)
      row[columns[static_cast<size_t>(k)]] += values[static_cast<size_t>(k)];
  }
  return out;
}

CsrMatrix CsrMatrix::from_dense(const Tensor& dense) {
  FULCRUM_CHECK_SHAPE(dense.dim() == 2, "CsrMatrix::from_dense: expected [N, F], got {}",
                      to_string(dense.shape()));
  const int64_t n = dense.size(0), f = dense.size(1);
  CsrMatrix out(f);
  const float* x = dense.data();
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < f; ++j)
      if (x[i * f + j] != 0.0f) out.push_back(j, x[i * f + j]);
    out.end_row();
  }
  return out;
}

void CsrMatrix::validate(std::string_view what) const {
  FULCRUM_CHECK(static_cast<int64_t>(row_offsets.size()) == rows + 1,
                "{}: {} row offsets for {} rows (expected rows + 1)", what, row_offsets.size(),
                rows);
  FULCRUM_CHECK(columns.size() == values.size(), "{}: {} column indices for {} values", what,
                columns.size(), values.size());
  FULCRUM_CHECK(row_offsets.front() == 0 && row_offsets.back() == nnz(),
                "{}: row offsets run from {} to {}, expected 0 to nnz = {}", what,
                row_offsets.front(), row_offsets.back(), nnz());
  if (shift.defined())
    FULCRUM_CHECK_SHAPE(shift.shape() == Shape{cols}, "{}: shift of shape {} for {} columns", what,
                        to_string(shift.shape()), cols);
  for (int64_t i = 0; i < rows; ++i) {
    const auto begin = row_offsets[static_cast<size_t>(i)];
    const auto end = row_offsets[static_cast<size_t>(i) + 1];
    FULCRUM_CHECK(begin <= end, "{}: row {} ends before it starts", what, i);
    for (auto k = begin; k < end; ++k) {
      const int32_t c = columns[static_cast<size_t>(k)];
      FULCRUM_CHECK(c >= 0 && c < cols, "{}: row {} has column {}, outside [0, {})", what, i, c,
                    cols);
      FULCRUM_CHECK(k == begin || columns[static_cast<size_t>(k) - 1] < c,
                    "{}: row {}'s columns are not strictly increasing at column {}", what, i, c);
    }
  }
}

}  // namespace fulcrum
