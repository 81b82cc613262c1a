#pragma once
// Input checks and conversions shared by the metric functions. Not part of the
// user-facing API (namespace detail), but public so the report and tests can
// reuse the same messages.

#include <cstdint>
#include <string>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::metrics::detail {

/// The values of a float32 tensor widened to float64: every metric sums and
/// divides in float64, the way scikit-learn does.
std::vector<double> to_doubles(const Tensor& t);

/// "[3, 1]": the position of flat element `flat` of a tensor of this shape.
std::string index_string(const Shape& shape, int64_t flat);

/// Requires `t` to be defined and have `rank` dimensions, none of them 0.
/// Throws ShapeError "<fn>: <what> must be <expected>, got shape [..]".
void check_rank(const Tensor& t, int64_t rank, const char* fn, const char* what,
                const char* expected);

/// Requires y_true and y_score to be [n_samples, n_labels] alike, both >= 1.
/// Throws ShapeError naming `fn` and both shapes.
void check_label_matrices(const Tensor& y_true, const Tensor& y_score, const char* fn);

/// Requires every value to be finite and in [0, 1]. Throws ValueError naming
/// `fn`, `what` and the first offending element and value.
void check_probabilities(const Tensor& t, const char* fn, const char* what);

}  // namespace fulcrum::metrics::detail
