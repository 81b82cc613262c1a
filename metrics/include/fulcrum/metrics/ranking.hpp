#pragma once
// Ranking metrics on float64 values, with scikit-learn's definitions
// (sklearn.metrics 1.2): they depend on the order of the scores only, and
// tied scores are one threshold.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace fulcrum::metrics {

/// Area under the ROC curve of one binary problem, like sklearn's
/// roc_auc_score: the curve has one point per distinct score (so tied scores
/// move both rates at once) and the area is the trapezoid rule, which counts a
/// tied positive/negative pair as half right.
/// Requires: y_true (0 or 1) and y_score of the same length.
/// Ensures: nullopt when y_true holds only one class (the AUC is undefined,
/// not 0.5), else a value in [0, 1].
std::optional<double> binary_roc_auc(std::span<const double> y_true,
                                     std::span<const double> y_score);

/// Average precision of one binary problem, like sklearn's
/// average_precision_score: sum over the distinct scores t, from highest to
/// lowest, of (R(t) - R(previous t)) * P(t), where P and R are the precision and
/// recall of the decision score >= t. Not interpolated.
/// Requires: as binary_roc_auc. Ensures: nullopt when y_true has no positive.
std::optional<double> binary_average_precision(std::span<const double> y_true,
                                               std::span<const double> y_score);

/// Both of the above from one sort of the scores, for callers that want both.
struct BinaryRanking {
  std::optional<double> roc_auc;
  std::optional<double> average_precision;
};
BinaryRanking binary_ranking(std::span<const double> y_true, std::span<const double> y_score);

/// Represents: the precision-recall curve of one binary problem: one point
/// per distinct score t, from the highest to the lowest, for the decision
/// score >= t, after a first point (recall 0, precision 1) with no threshold.
/// These are sklearn's precision_recall_curve points in reverse order, so
/// binary_average_precision is the sum over k >= 1 of
/// (recall[k] - recall[k-1]) * precision[k].
struct PrecisionRecallCurve {
  std::vector<double> recall;
  std::vector<double> precision;
  std::vector<double> thresholds;  ///< one per point after the first
};

/// The curve of y_score against y_true (0 or 1).
/// Requires: equal lengths (ShapeError otherwise).
/// Ensures: empty when y_true has no positive (recall is undefined).
PrecisionRecallCurve precision_recall_curve(std::span<const double> y_true,
                                            std::span<const double> y_score);

/// Represents: the ROC curve of one binary problem: (0, 0), then one point
/// per distinct score t from the highest to the lowest, the false and true
/// positive rates of the decision score >= t; the last point is (1, 1).
/// sklearn's roc_curve(drop_intermediate=False) without its threshold `inf`,
/// so binary_roc_auc is the trapezoid area under these points.
struct RocCurve {
  std::vector<double> false_positive_rate;
  std::vector<double> true_positive_rate;
  std::vector<double> thresholds;  ///< one per point after the first
};

/// The curve of y_score against y_true (0 or 1).
/// Requires: equal lengths (ShapeError otherwise).
/// Ensures: empty when y_true holds only one class (a rate is undefined).
RocCurve roc_curve(std::span<const double> y_true, std::span<const double> y_score);

/// sklearn's label_ranking_average_precision_score on a row-major
/// [n_samples, n_labels] matrix: for each sample and each of its relevant
/// labels j, (relevant labels scored >= s_j) / (labels scored >= s_j), averaged
/// over the relevant labels, then over samples. A sample with no relevant
/// label, or with every label relevant, scores 1 (sklearn's convention).
double label_ranking_average_precision(std::span<const double> y_true,
                                       std::span<const double> y_score, int64_t n_samples,
                                       int64_t n_labels);

/// sklearn's coverage_error on a row-major [n_samples, n_labels] matrix: how
/// many labels are scored >= the lowest-scored relevant label, averaged over
/// samples. Ties count against the model (all tied labels are covered). A
/// sample with no relevant label counts 0, as in sklearn.
double coverage_error(std::span<const double> y_true, std::span<const double> y_score,
                      int64_t n_samples, int64_t n_labels);

}  // namespace fulcrum::metrics
