#include "sampling_input.hpp"

#include <cmath>
#include <utility>

#include "fulcrum/core/error.hpp"

namespace fulcrum::data::detail {
namespace {

bool has_zero_dim(const Tensor& t) {
  for (int64_t d : t.shape())
    if (d == 0) return true;
  return false;
}

}  // namespace

void check_label_matrix(const Tensor& labels, const char* fn) {
  FULCRUM_CHECK_SHAPE(labels.defined(), "{}: labels are undefined; they must be [N, L] of 0/1", fn);
  FULCRUM_CHECK_SHAPE(labels.dim() == 2 && !has_zero_dim(labels),
                      "{}: labels must be [N, L] with N, L >= 1, got shape {}", fn,
                      to_string(labels.shape()));
  const int64_t width = labels.size(1);
  const auto values = labels.values();
  for (size_t i = 0; i < values.size(); ++i)
    FULCRUM_CHECK(values[i] == 0.0f || values[i] == 1.0f,
                  "{}: labels[{}, {}] is {}; multi-label targets must be 0 or 1", fn,
                  static_cast<int64_t>(i) / width, static_cast<int64_t>(i) % width, values[i]);
}

void check_class_indices(const Tensor& classes, const char* fn) {
  FULCRUM_CHECK_SHAPE(classes.defined(),
                      "{}: class indices are undefined; they must be [N] of 0, 1, ...", fn);
  FULCRUM_CHECK_SHAPE(classes.dim() == 1 && classes.size(0) >= 1,
                      "{}: class indices must be [N] with N >= 1, got shape {}", fn,
                      to_string(classes.shape()));
  // 2^24: above it floats no longer hold every integer, so an index could not be exact.
  constexpr float kLargestExact = 16777216.0f;
  const auto values = classes.values();
  for (size_t i = 0; i < values.size(); ++i)
    FULCRUM_CHECK(std::isfinite(values[i]) && values[i] >= 0.0f && values[i] < kLargestExact &&
                      values[i] == std::floor(values[i]),
                  "{}: class index [{}] is {}; it must be an integer in [0, 2^24)", fn, i,
                  values[i]);
}

void shuffle(std::vector<int64_t>& rows, Generator& gen) {
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[gen.below(i)]);
}

}  // namespace fulcrum::data::detail
