#include "fulcrum/metrics/input.hpp"

#include <cmath>

#include "fulcrum/core/error.hpp"

namespace fulcrum::metrics::detail {

std::vector<double> to_doubles(const Tensor& t) {
  const auto values = t.values();
  return {values.begin(), values.end()};
}

std::string index_string(const Shape& shape, int64_t flat) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return to_string(index);
}

void check_rank(const Tensor& t, int64_t rank, const char* fn, const char* what,
                const char* expected) {
  FULCRUM_CHECK_SHAPE(t.defined(), "{}: {} is undefined; it must be {}", fn, what, expected);
  bool empty = false;
  for (int64_t d : t.shape()) empty = empty || d == 0;
  FULCRUM_CHECK_SHAPE(t.dim() == rank && !empty, "{}: {} must be {}, got shape {}", fn, what,
                      expected, to_string(t.shape()));
}

void check_label_matrices(const Tensor& y_true, const Tensor& y_score, const char* fn) {
  check_rank(y_true, 2, fn, "y_true", "[n_samples, n_labels] with both >= 1");
  check_rank(y_score, 2, fn, "y_score", "[n_samples, n_labels] with both >= 1");
  FULCRUM_CHECK_SHAPE(y_true.shape() == y_score.shape(),
                      "{}: y_true has shape {} but y_score has shape {}; both must be "
                      "[n_samples, n_labels]",
                      fn, to_string(y_true.shape()), to_string(y_score.shape()));
}

void check_probabilities(const Tensor& t, const char* fn, const char* what) {
  const auto values = t.values();
  for (size_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    FULCRUM_CHECK(std::isfinite(v) && v >= 0.0f && v <= 1.0f,
                  "{}: {}{} is {}; probabilities must be finite and in [0, 1]", fn, what,
                  index_string(t.shape(), static_cast<int64_t>(i)), v);
  }
}

}  // namespace fulcrum::metrics::detail
