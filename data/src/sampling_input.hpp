#pragma once
// Input checks and small helpers shared by the re-sampling functions
// (sampling_*.cpp). Private to fulcrum::data.

#include <cstdint>
#include <vector>

#include "fulcrum/core/random.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::data::detail {

/// Requires labels [N, L] with N, L >= 1 and every value 0 or 1. Throws
/// ShapeError / ValueError naming `fn`, the shape or the first bad element.
void check_label_matrix(const Tensor& labels, const char* fn);

/// Requires classes [N], N >= 1, holding non-negative integers exactly
/// representable as floats. Throws ShapeError / ValueError naming `fn`.
void check_class_indices(const Tensor& classes, const char* fn);

/// Fisher-Yates shuffle of `rows` with `gen`, the same walk the loader uses.
void shuffle(std::vector<int64_t>& rows, Generator& gen);

}  // namespace fulcrum::data::detail
