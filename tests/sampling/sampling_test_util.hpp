#pragma once
// Helpers for the re-sampling tests: label matrices from per-row label lists,
// and counting how often each value occurs.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::data::testing {

/// A [rows.size(), width] 0/1 matrix whose row i has the labels rows[i].
inline Tensor label_matrix(const std::vector<std::vector<int64_t>>& rows, int64_t width) {
  std::vector<float> values(rows.size() * static_cast<size_t>(width), 0.0f);
  for (size_t i = 0; i < rows.size(); ++i)
    for (int64_t l : rows[i])
      values[i * static_cast<size_t>(width) + static_cast<size_t>(l)] = 1.0f;
  return Tensor::from({static_cast<int64_t>(rows.size()), width}, values);
}

/// A [values.size()] tensor of class indices.
inline Tensor class_vector(const std::vector<int64_t>& classes) {
  std::vector<float> values(classes.begin(), classes.end());
  return Tensor::from({static_cast<int64_t>(values.size())}, values);
}

/// How many times each value occurs in `values`.
inline std::map<int64_t, int64_t> occurrences(const std::vector<int64_t>& values) {
  std::map<int64_t, int64_t> counts;
  for (int64_t v : values) ++counts[v];
  return counts;
}

}  // namespace fulcrum::data::testing
