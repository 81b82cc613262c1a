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

namespace {

// Per bin of [0, 1] cut into `bins` equal parts: how many values, the sum of
// their probabilities and of their outcomes.
struct BinSums {
  std::vector<double> count, confidence, positives;
};

BinSums bin_sums(std::span<const double> y_true, std::span<const double> y_prob, int bins,
                 const char* fn) {
  check_pair(y_true, y_prob, fn);
  FULCRUM_CHECK(bins >= 1, "{}: bins is {}; it must be >= 1", fn, bins);
  const auto n_bins = static_cast<size_t>(bins);
  BinSums sums{std::vector<double>(n_bins, 0.0), std::vector<double>(n_bins, 0.0),
               std::vector<double>(n_bins, 0.0)};
  for (size_t i = 0; i < y_prob.size(); ++i) {
    const double p = y_prob[i];
    FULCRUM_CHECK(std::isfinite(p) && p >= 0 && p <= 1,
                  "{}: y_prob[{}] is {}; probabilities must be finite and in [0, 1]", fn, i, p);
    // floor(p * bins), with p = 1 in the last bin.
    const auto b = std::min(static_cast<size_t>(p * bins), n_bins - 1);
    sums.count[b] += 1;
    sums.confidence[b] += p;
    sums.positives[b] += y_true[i];
  }
  return sums;
}

}  // namespace

double expected_calibration_error(std::span<const double> y_true, std::span<const double> y_prob,
                                  int bins) {
  const BinSums sums = bin_sums(y_true, y_prob, bins, "expected_calibration_error");
  double ece = 0;
  const auto n = static_cast<double>(y_prob.size());
  for (size_t b = 0; b < sums.count.size(); ++b) {
    if (sums.count[b] == 0) continue;
    // |B|/n * |acc - conf| = |positives - confidence| / n: one division fewer.
    ece += std::abs(sums.positives[b] - sums.confidence[b]) / n;
  }
  return ece;
}

std::vector<ReliabilityBin> reliability_bins(std::span<const double> y_true,
                                             std::span<const double> y_prob, int bins) {
  const BinSums sums = bin_sums(y_true, y_prob, bins, "reliability_bins");
  std::vector<ReliabilityBin> out;
  for (size_t b = 0; b < sums.count.size(); ++b) {
    if (sums.count[b] == 0) continue;
    out.push_back({sums.confidence[b] / sums.count[b], sums.positives[b] / sums.count[b],
                   static_cast<int64_t>(sums.count[b])});
  }
  return out;
}

}  // namespace fulcrum::metrics
