#pragma once
// Shapes and NumPy broadcasting.

#include <cstdint>
#include <string>
#include <vector>

namespace fulcrum {

/// A tensor's extent along each dimension, outermost first. `{}` is a scalar.
using Shape = std::vector<int64_t>;

/// Number of elements a tensor of this shape holds (1 for a scalar).
int64_t numel(const Shape& shape);

/// "[2, 3]", the way PyTorch prints sizes.
std::string to_string(const Shape& shape);

/// Row-major strides, in elements.
std::vector<int64_t> contiguous_strides(const Shape& shape);

/// The NumPy broadcast of two shapes. Throws ShapeError naming both shapes and
/// the dimension that does not fit; `what` prefixes the message (e.g. "add").
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* what = "broadcast");

/// Whether `from` broadcasts to exactly `to` (without enlarging `to`).
bool broadcasts_to(const Shape& from, const Shape& to);

/// Normalises a possibly negative dimension index; throws naming the op.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* what);

}  // namespace fulcrum
