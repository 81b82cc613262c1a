#pragma once
// The evaluations an experiment adds to each finished run, besides the
// trainer's test_metrics.json: the same model on the test split
//   - "recalibrated": logits shifted back by log(pos_weight) (multilabel heads
//     trained with pos_weight) or log(class weight) (multiclass heads trained
//     with weight), so that the probabilities are calibrated again and the
//     default threshold means what it says (losses/class_weights.hpp);
//   - "tuned thresholds": each label's threshold chosen to maximise its F1 on
//     the VALIDATION split (never the test split; thresholds.hpp
//     tune_thresholds with the "f1" objective), applied to the test split;
// and the reliability-diagram data (per-bin counts) of the raw and the
// recalibrated probabilities. They go to <run dir>/test_variants.json:
//
//   {"split": "test", "thresholds_from": "validation",
//    "variants": [{"name": "recalibrated", "description": "...",
//                  "heads": {HEAD: <train/metrics_json.hpp's metrics object>}}, ...],
//    "reliability": [{"variant": "raw" | "recalibrated", "head": HEAD,
//                     "bins": 15, "count": [...], "sum_predicted": [...],
//                     "positives": [...],
//                     "per_label": [{"count": [...], "sum_predicted": [...],
//                                    "positives": [...]}, ...]}, ...],
//    "pr_counts": [{"variant": "raw", "head": HEAD, "thresholds": 101,
//                   "per_label": [{"positives": P, "tp": [...], "fp": [...]},
//                                 ...]}, ...]}
//
// A variant lists only the heads it changes; a run with nothing to
// recalibrate (no pos_weight) has no "recalibrated" variant. The functions that
// write it are the library's own (src/variants_json.hpp).

#include <cstdint>
#include <filesystem>
#include <vector>

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/metrics/calibration.hpp"

namespace fulcrum::experiment {

/// The variant names, as they appear in test_variants.json and the report.
inline constexpr const char* kRecalibratedVariant = "recalibrated";
inline constexpr const char* kTunedThresholdsVariant = "tuned thresholds";

/// <run dir>/test_variants.json.
inline std::filesystem::path variants_path(const std::filesystem::path& run_dir) {
  return run_dir / "test_variants.json";
}

/// Represents: the reliability-diagram data of pooled probabilities: per
/// equal-width bin on [0, 1] (bin floor(p * bins), p = 1 in the last, as
/// expected_calibration_error), the number of values, the sum of their
/// probabilities and the number of positive outcomes. Sums, not means, so
/// that runs can be pooled by adding them.
struct ReliabilityBins {
  int bins = metrics::kCalibrationBins;
  std::vector<double> count;
  std::vector<double> sum_predicted;
  std::vector<double> positives;

  /// The ECE of the pooled values: sum over bins |positives - sum_predicted| / n.
  double ece() const;
  /// Adds another set of bins of the same width (ValueError otherwise).
  void add(const ReliabilityBins& other);
};

/// The bins of every value of y_true / y_prob (same shape, any rank).
ReliabilityBins reliability_bins(const Tensor& y_true, const Tensor& y_prob,
                                 int bins = metrics::kCalibrationBins);

/// The bins of each column (label) of y_true / y_prob ([N, L] both).
std::vector<ReliabilityBins> reliability_bins_per_label(const Tensor& y_true, const Tensor& y_prob,
                                                        int bins = metrics::kCalibrationBins);

/// The number of probability thresholds of the precision-recall counts:
/// t_k = k / (thresholds - 1), k = 0 .. thresholds - 1.
inline constexpr int kPrThresholds = 101;

/// Represents: the precision-recall curve of one label's probabilities at
/// fixed thresholds: at each t_k, the positives predicted >= t_k (tp) and the
/// negatives predicted >= t_k (fp); `positives` in all. Counts, so that labels
/// (a micro-average) and runs pool by adding.
struct PrCounts {
  int thresholds = kPrThresholds;
  double positives = 0;
  std::vector<double> tp;
  std::vector<double> fp;

  /// Adds counts at the same thresholds (ValueError otherwise).
  void add(const PrCounts& other);
};

/// The counts of each column (label) of y_true / y_prob ([N, L] both).
/// Requires: thresholds >= 2; probabilities finite in [0, 1].
std::vector<PrCounts> pr_counts_per_label(const Tensor& y_true, const Tensor& y_prob,
                                          int thresholds = kPrThresholds);

}  // namespace fulcrum::experiment
