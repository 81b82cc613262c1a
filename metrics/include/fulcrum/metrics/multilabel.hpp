#pragma once
// Evaluation metrics of a multi-label classifier, with scikit-learn's
// definitions (sklearn.metrics 1.2, zero_division=0), checked against
// tests/data/golden/metrics.json.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::metrics {

/// Every metric of one evaluation of a multi-label classifier on n samples and
/// L labels. Decisions are y_score >= threshold (per label).
///
/// Conventions (sklearn's, zero_division=0):
/// - A ratio whose denominator is 0 (precision of a label never predicted,
///   recall of a label never true, F1 when both are 0) is 0.
/// - micro: pool the counts of every label; macro: plain mean over all L labels
///   (labels with no positive count, with their zeros); weighted: mean weighted
///   by support (0 if no label has a positive); samples: the metric of each
///   sample's row of labels, averaged over samples.
/// - Ranking metrics (ROC-AUC, average precision) exist only for the
///   `ranked_labels`, those whose y_true column holds both classes; for the
///   others they are nullopt ("undefined", never 0 or 0.5). macro averages over
///   ranked labels only; micro ranks the flattened [n, ranked] matrix. With no
///   ranked label, macro and micro are nullopt too.
struct MultiLabelMetrics {
  int64_t n_samples = 0;
  int64_t n_labels = 0;
  std::vector<float> thresholds;  ///< the decision threshold of each label

  // -- per label (size L) ------------------------------------------------------
  std::vector<double> precision;
  std::vector<double> recall;
  std::vector<double> f1;
  std::vector<int64_t> support;  ///< positives in y_true
  std::vector<std::optional<double>> roc_auc;
  std::vector<std::optional<double>> average_precision;
  std::vector<double> brier;           ///< Brier score of each label's probabilities
  std::vector<int64_t> ranked_labels;  ///< labels with both classes in y_true

  // -- averaged decision metrics ---------------------------------------------
  double precision_micro = 0, recall_micro = 0, f1_micro = 0;
  double precision_macro = 0, recall_macro = 0, f1_macro = 0;
  double precision_weighted = 0, recall_weighted = 0, f1_weighted = 0;
  double precision_samples = 0, recall_samples = 0, f1_samples = 0;
  double hamming_loss = 0;     ///< fraction of the n*L decisions that are wrong
  double subset_accuracy = 0;  ///< fraction of samples with every label right

  // -- ranking ------------------------------------------------------------------
  std::optional<double> roc_auc_macro, roc_auc_micro;
  std::optional<double> average_precision_macro, average_precision_micro;
  double label_ranking_average_precision = 0;
  double coverage_error = 0;

  // -- calibration ----------------------------------------------------------------
  double brier_per_label_mean = 0;  ///< mean over the L labels of `brier`
  /// ECE of all n*L label probabilities pooled, with kCalibrationBins (15)
  /// equal-width bins; see expected_calibration_error in metrics_calibration.hpp.
  double expected_calibration_error = 0;
};

/// Computes MultiLabelMetrics, in float64.
/// Requires: y_true [n, L] holding only 0 and 1; y_score [n, L] probabilities
/// (finite, in [0, 1]); n, L >= 1; `thresholds` holds L values or one value
/// used for every label, none NaN.
/// Throws ShapeError (shapes named) or ValueError (the bad element named).
MultiLabelMetrics multilabel_metrics(const Tensor& y_true, const Tensor& y_score,
                                     std::span<const float> thresholds);

/// The same with one threshold for every label.
MultiLabelMetrics multilabel_metrics(const Tensor& y_true, const Tensor& y_score,
                                     float threshold = 0.5f);

}  // namespace fulcrum::metrics
