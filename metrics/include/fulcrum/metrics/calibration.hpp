#pragma once
// Calibration metrics: how well predicted probabilities match observed
// frequencies. Both take 0/1 outcomes and probabilities in [0, 1] as float64.

#include <cstdint>
#include <span>
#include <vector>

namespace fulcrum::metrics {

/// The number of bins the multi-label report uses for the ECE.
inline constexpr int kCalibrationBins = 15;

/// Brier score: mean of (y_prob - y_true)^2 (sklearn's brier_score_loss).
/// Requires: equal, non-zero lengths.
double brier_score(std::span<const double> y_true, std::span<const double> y_prob);

/// Expected calibration error with `bins` equal-width bins on [0, 1]
/// (Naeini et al. 2015; Guo et al. 2017):
///
///   ECE = sum over non-empty bins b of |B_b| / n * |acc_b - conf_b|
///
/// where conf_b is the mean predicted probability of the values in bin b and
/// acc_b the fraction of them whose outcome is 1. A probability p goes to bin
/// floor(p * bins), with p = 1 in the last bin, so bins are [k/bins, (k+1)/bins)
/// and every value in [0, 1] (including 0) lands in one.
/// Requires: equal, non-zero lengths; bins >= 1. Ensures: a value in [0, 1].
double expected_calibration_error(std::span<const double> y_true, std::span<const double> y_prob,
                                  int bins = kCalibrationBins);

/// Represents: one non-empty bin of a reliability diagram: the mean predicted
/// probability of its values, the fraction of them whose outcome is 1, and
/// how many there are.
struct ReliabilityBin {
  double mean_probability = 0;
  double fraction_positive = 0;
  int64_t count = 0;
};

/// The non-empty bins of a reliability diagram, in increasing probability,
/// with the bins of expected_calibration_error (so that ECE = sum over the
/// bins of count / n * |fraction_positive - mean_probability|).
/// Requires: as expected_calibration_error (ShapeError / ValueError otherwise).
std::vector<ReliabilityBin> reliability_bins(std::span<const double> y_true,
                                             std::span<const double> y_prob,
                                             int bins = kCalibrationBins);

}  // namespace fulcrum::metrics
