#include "fulcrum/data/imputer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "fulcrum/core/error.hpp"

namespace fulcrum::data {
namespace {

// Per column of the training features: how many values are missing (NaN),
// the sum and the non-zero count of the others, and, for the columns `keep`
// marks, the present values themselves. A sparse matrix's unstored zeros are
// present values counted in `unstored`, not listed.
struct ColumnScan {
  int64_t rows = 0;
  std::vector<int64_t> missing;
  std::vector<int64_t> nonzero;
  std::vector<int64_t> unstored;
  std::vector<double> sum;
  std::vector<std::vector<float>> values;

  explicit ColumnScan(size_t columns)
      : missing(columns, 0),
        nonzero(columns, 0),
        unstored(columns, 0),
        sum(columns, 0.0),
        values(columns) {}

  int64_t present(size_t c) const { return rows - missing[c]; }

  void add(size_t c, float v, const std::vector<bool>& keep) {
    if (std::isnan(v)) {
      ++missing[c];
      return;
    }
    sum[c] += v;
    if (v != 0.0f) ++nonzero[c];
    if (keep[c]) values[c].push_back(v);
  }
};

ColumnScan scan(const Dataset& train, const std::vector<bool>& keep) {
  const auto f = static_cast<size_t>(train.num_features());
  ColumnScan s(f);
  s.rows = train.size();
  if (train.is_sparse()) {
    const CsrMatrix& x = *train.sparse_features;
    std::vector<int64_t> stored(f, 0);
    for (size_t k = 0; k < x.values.size(); ++k) {
      const auto c = static_cast<size_t>(x.columns[k]);
      ++stored[c];
      s.add(c, x.values[k], keep);
    }
    for (size_t c = 0; c < f; ++c) s.unstored[c] = s.rows - stored[c];
  } else {
    const float* x = train.features.data();
    for (int64_t i = 0; i < s.rows; ++i)
      for (size_t c = 0; c < f; ++c) s.add(c, x[static_cast<size_t>(i) * f + c], keep);
  }
  return s;
}

// The most frequent of `values` and `zeros` more zeros; ties: the smallest.
float most_frequent_number(std::vector<float> values, int64_t zeros) {
  std::sort(values.begin(), values.end());
  float best = 0.0f;
  int64_t best_count = zeros;
  for (size_t i = 0; i < values.size();) {
    size_t j = i;
    while (j < values.size() && values[j] == values[i]) ++j;
    const int64_t count = static_cast<int64_t>(j - i) + (values[i] == 0.0f ? zeros : 0);
    if (count > best_count || (count == best_count && values[i] < best)) {
      best = values[i];
      best_count = count;
    }
    i = j;
  }
  return best;
}

// The declared value (of `numbers`) that `values` and `zeros` more zeros hold
// most often; ties: the one declared first.
float most_frequent_declared(const std::vector<float>& numbers, const std::vector<float>& values,
                             int64_t zeros) {
  std::vector<int64_t> counts(numbers.size(), 0);
  const auto count = [&](float v, int64_t times) {
    const auto it = std::find(numbers.begin(), numbers.end(), v);
    if (it != numbers.end()) counts[static_cast<size_t>(it - numbers.begin())] += times;
  };
  for (float v : values) count(v, 1);
  count(0.0f, zeros);
  return numbers[static_cast<size_t>(std::max_element(counts.begin(), counts.end()) -
                                     counts.begin())];
}

[[noreturn]] void fail_all_missing(std::string_view what, const std::string& attribute) {
  throw DataError(
      fmt::format("{}: attribute '{}': every value in the training split is missing "
                  "('?'), so there is nothing to impute it from (drop it)",
                  what, attribute));
}

void check_width(const std::vector<float>& fill, int64_t columns, int64_t rows) {
  FULCRUM_CHECK(!fill.empty(), "Imputer::transform before fit");
  FULCRUM_CHECK_SHAPE(columns == static_cast<int64_t>(fill.size()),
                      "Imputer::transform: expected features [N, {}], got [{}, {}]", fill.size(),
                      rows, columns);
}

}  // namespace

void Imputer::fit(const Dataset& train, MissingPolicy policy, std::string_view what) {
  FULCRUM_CHECK(policy != MissingPolicy::Error, "Imputer::fit: the policy 'error' imputes nothing");
  FULCRUM_CHECK(train.size() >= 1, "Imputer::fit: {}: the training split has no rows", what);
  const auto f = static_cast<size_t>(train.num_features());
  // -1: a number; else the nominal_columns entry the column belongs to.
  std::vector<int64_t> nominal(f, -1);
  for (size_t a = 0; a < train.nominal_columns.size(); ++a) {
    const NominalColumns& n = train.nominal_columns[a];
    for (int64_t c = n.column; c < n.column + n.width; ++c)
      nominal[static_cast<size_t>(c)] = static_cast<int64_t>(a);
  }
  std::vector<bool> keep(f, false);
  for (size_t c = 0; c < f; ++c) {
    keep[c] = nominal[c] >= 0
                  ? !train.nominal_columns[static_cast<size_t>(nominal[c])].numbers.empty()
                  : policy == MissingPolicy::MostFrequent;
  }
  const ColumnScan s = scan(train, keep);
  std::vector<float> values(f, 0.0f);
  for (size_t c = 0; c < f; ++c) {
    if (nominal[c] >= 0) continue;
    if (s.present(c) == 0) fail_all_missing(what, train.feature_names[c]);
    values[c] = policy == MissingPolicy::Mean
                    ? static_cast<float>(s.sum[c] / static_cast<double>(s.present(c)))
                    : most_frequent_number(s.values[c], s.unstored[c]);
  }
  for (const NominalColumns& n : train.nominal_columns) {
    const auto first = static_cast<size_t>(n.column);
    if (s.present(first) == 0) fail_all_missing(what, n.attribute);
    if (!n.numbers.empty()) {
      values[first] = most_frequent_declared(n.numbers, s.values[first], s.unstored[first]);
      continue;
    }
    // One-hot: the value set in the most rows (the first declared on ties).
    size_t mode = first;
    for (size_t c = first; c < first + static_cast<size_t>(n.width); ++c)
      if (s.nonzero[c] > s.nonzero[mode]) mode = c;
    values[mode] = 1.0f;
  }
  fill = std::move(values);
}

void Imputer::transform(Tensor& x) const {
  FULCRUM_CHECK_SHAPE(x.defined() && x.dim() == 2, "Imputer::transform: expected features [N, F]");
  check_width(fill, x.size(1), x.size(0));
  float* data = x.data();
  const auto f = static_cast<size_t>(x.size(1));
  const auto n = static_cast<size_t>(x.numel());
  for (size_t i = 0; i < n; ++i)
    if (std::isnan(data[i])) data[i] = fill[i % f];
}

Tensor Imputer::transformed(const Tensor& x) const {
  FULCRUM_CHECK_SHAPE(x.defined() && x.dim() == 2, "Imputer::transform: expected features [N, F]");
  check_width(fill, x.size(1), x.size(0));
  const std::span<const float> values = x.values();
  if (std::none_of(values.begin(), values.end(), [](float v) { return std::isnan(v); })) return x;
  Tensor out = x.clone();
  transform(out);
  return out;
}

CsrMatrix Imputer::transformed(const CsrMatrix& x) const {
  check_width(fill, x.cols, x.rows);
  FULCRUM_CHECK(!x.shift.defined(),
                "Imputer::transform: the sparse features are already shifted (impute first)");
  CsrMatrix out(x.cols);
  out.values.reserve(x.values.size());
  out.columns.reserve(x.columns.size());
  for (int64_t i = 0; i < x.rows; ++i) {
    for (auto k = static_cast<size_t>(x.row_offsets[static_cast<size_t>(i)]);
         k < static_cast<size_t>(x.row_offsets[static_cast<size_t>(i) + 1]); ++k) {
      const auto c = static_cast<size_t>(x.columns[k]);
      const float v = std::isnan(x.values[k]) ? fill[c] : x.values[k];
      if (v != 0.0f) out.push_back(static_cast<int64_t>(c), v);
    }
    out.end_row();
  }
  return out;
}

Dataset Imputer::transformed(const Dataset& dataset) const {
  Dataset out = dataset;
  if (dataset.size() == 0) return out;
  if (dataset.is_sparse()) {
    const std::vector<float>& v = dataset.sparse_features->values;
    if (std::any_of(v.begin(), v.end(), [](float x) { return std::isnan(x); }))
      out.sparse_features =
          std::make_shared<const CsrMatrix>(transformed(*dataset.sparse_features));
  } else {
    out.features = transformed(dataset.features);
  }
  return out;
}

}  // namespace fulcrum::data
