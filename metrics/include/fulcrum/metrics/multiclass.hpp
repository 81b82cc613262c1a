#pragma once
// Evaluation metrics of a single-label (multi-class) classifier, with
// scikit-learn's definitions (sklearn.metrics 1.2, zero_division=0), checked
// against tests/data/golden/metrics.json.

#include <cstdint>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::metrics {

/// Every metric of one evaluation of a C-class classifier on n samples. The
/// decision is the argmax of each row of probabilities (the first on ties).
///
/// Conventions (sklearn's, zero_division=0):
/// - Per-class ratios with a 0 denominator are 0.
/// - f1_macro averages over the classes that occur in y_true or in the
///   decisions (sklearn's default `labels`): a class absent from both has no
///   F1 and is left out rather than counted as 0. f1_weighted weights by support.
/// - balanced_accuracy is the mean recall over the classes present in y_true.
/// - log_loss clips probabilities to [eps, 1 - eps] with eps the float64
///   machine epsilon, renormalises each row to sum 1, and averages -log p(true).
struct MultiClassMetrics {
  int64_t n_samples = 0;
  int64_t n_classes = 0;
  double accuracy = 0;
  double balanced_accuracy = 0;
  double f1_macro = 0;
  double f1_weighted = 0;
  double log_loss = 0;
  std::vector<double> precision_per_class;
  std::vector<double> recall_per_class;
  std::vector<double> f1_per_class;
  std::vector<int64_t> support_per_class;  ///< samples of each true class
  /// C x C counts, row-major: confusion_matrix[t * C + p] samples of true class
  /// t were predicted as p.
  std::vector<int64_t> confusion_matrix;

  int64_t confusion(int64_t true_class, int64_t predicted_class) const {
    return confusion_matrix[static_cast<size_t>(true_class * n_classes + predicted_class)];
  }
};

/// Computes MultiClassMetrics, in float64.
/// Requires: y_true [n] holding class indices 0..C-1 (as floats with integer
/// values); y_prob [n, C] probabilities (finite, in [0, 1]); n, C >= 1.
/// Throws ShapeError (shapes named) or ValueError (the bad element named).
MultiClassMetrics multiclass_metrics(const Tensor& y_true, const Tensor& y_prob);

}  // namespace fulcrum::metrics
