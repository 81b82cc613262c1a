#include "fulcrum/metrics/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "fulcrum/core/error.hpp"

namespace fulcrum::metrics {
namespace {

void check_pair(std::span<const double> y_true, std::span<const double> y_prob, const char* fn) {
  FULCRUM_CHECK_SHAPE(y_true.size() == y_prob.size() && !y_true.empty(),
                      "{}: y_true has {} values and y_prob {}; they must be equal and "
                      "non-zero",
                      fn, y_true.size(), y_prob.size());
}

}  // namespace

double brier_score(std::span<const double> y_true, std::span<const double> y_prob) {
  check_pair(y_true, y_prob, "brier_score");
  double sum = 0;
  for (size_t i = 0; i < y_true.size(); ++i) {
    const double d = y_prob[i] - y_true[i];
    sum += d * d;
  }
  return sum / static_cast<double>(y_true.size());
}

double expected_calibration_error(std::span<const double> y_true, std::span<const double> y_prob,
                                  int bins) {
  check_pair(y_true, y_prob, "expected_calibration_error");
  FULCRUM_CHECK(bins >= 1, "expected_calibration_error: bins is {}; it must be >= 1", bins);
  const auto n_bins = static_cast<size_t>(bins);
  std::vector<double> count(n_bins, 0.0), confidence(n_bins, 0.0), positives(n_bins, 0.0);
  for (size_t i = 0; i < y_prob.size(); ++i) {
    const double p = y_prob[i];
    FULCRUM_CHECK(std::isfinite(p) && p >= 0 && p <= 1,
                  "expected_calibration_error: y_prob[{}] is {}; probabilities must be "
                  "finite and in [0, 1]",
                  i, p);
    // floor(p * bins), with p = 1 in the last bin.
    const auto b = std::min(static_cast<size_t>(p * bins), n_bins - 1);
    count[b] += 1;
    confidence[b] += p;
    positives[b] += y_true[i];
  }
  double ece = 0;
  const auto n = static_cast<double>(y_prob.size());
  for (size_t b = 0; b < n_bins; ++b) {
    if (count[b] == 0) continue;
    // |B|/n * |acc - conf| = |positives - confidence| / n: one division fewer.
    ece += std::abs(positives[b] - confidence[b]) / n;
  }
  return ece;
}

}  // namespace fulcrum::metrics
