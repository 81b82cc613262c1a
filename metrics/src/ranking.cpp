#include "fulcrum/metrics/ranking.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include "fulcrum/core/error.hpp"

namespace fulcrum::metrics {
namespace {

/// The cumulative counts of true and false positives of the decision
/// score >= t, for each distinct score t from highest to lowest: the points of
/// sklearn's _binary_clf_curve. Tied scores give one point.
struct ClassifierCurve {
  std::vector<double> true_positives;
  std::vector<double> false_positives;
};

ClassifierCurve classifier_curve(std::span<const double> y_true, std::span<const double> y_score,
                                 const char* fn) {
  FULCRUM_CHECK_SHAPE(y_true.size() == y_score.size(),
                      "{}: y_true has {} values but y_score has {}", fn, y_true.size(),
                      y_score.size());
  std::vector<size_t> order(y_score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return y_score[a] > y_score[b]; });
  ClassifierCurve curve;
  double tp = 0, fp = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const double y = y_true[order[k]];
    tp += y;
    fp += 1.0 - y;
    const bool last_of_tie = k + 1 == order.size() || y_score[order[k + 1]] != y_score[order[k]];
    if (last_of_tie) {
      curve.true_positives.push_back(tp);
      curve.false_positives.push_back(fp);
    }
  }
  return curve;
}

}  // namespace

std::optional<double> binary_roc_auc(std::span<const double> y_true,
                                     std::span<const double> y_score) {
  const ClassifierCurve curve = classifier_curve(y_true, y_score, "binary_roc_auc");
  if (curve.true_positives.empty()) return std::nullopt;
  const double positives = curve.true_positives.back();
  const double negatives = curve.false_positives.back();
  if (positives == 0 || negatives == 0) return std::nullopt;
  // Trapezoids between consecutive (fpr, tpr) points, starting at (0, 0).
  double area = 0, prev_fpr = 0, prev_tpr = 0;
  for (size_t k = 0; k < curve.true_positives.size(); ++k) {
    const double fpr = curve.false_positives[k] / negatives;
    const double tpr = curve.true_positives[k] / positives;
    area += (fpr - prev_fpr) * (tpr + prev_tpr) / 2;
    prev_fpr = fpr;
    prev_tpr = tpr;
  }
  return area;
}

std::optional<double> binary_average_precision(std::span<const double> y_true,
                                               std::span<const double> y_score) {
  const ClassifierCurve curve = classifier_curve(y_true, y_score, "binary_average_precision");
  if (curve.true_positives.empty() || curve.true_positives.back() == 0) return std::nullopt;
  const double positives = curve.true_positives.back();
  double ap = 0, prev_recall = 0;
  for (size_t k = 0; k < curve.true_positives.size(); ++k) {
    const double tp = curve.true_positives[k];
    const double precision = tp / (tp + curve.false_positives[k]);
    const double recall = tp / positives;
    ap += (recall - prev_recall) * precision;
    prev_recall = recall;
  }
  return ap;
}

namespace {

void check_matrix(std::span<const double> y_true, std::span<const double> y_score,
                  int64_t n_samples, int64_t n_labels, const char* fn) {
  FULCRUM_CHECK_SHAPE(n_samples >= 0 && n_labels >= 0 &&
                          y_true.size() == static_cast<size_t>(n_samples * n_labels) &&
                          y_score.size() == y_true.size(),
                      "{}: y_true has {} values and y_score {}; both must hold "
                      "n_samples * n_labels = {} * {}",
                      fn, y_true.size(), y_score.size(), n_samples, n_labels);
}

}  // namespace

double label_ranking_average_precision(std::span<const double> y_true,
                                       std::span<const double> y_score, int64_t n_samples,
                                       int64_t n_labels) {
  check_matrix(y_true, y_score, n_samples, n_labels, "label_ranking_average_precision");
  if (n_samples == 0) return 0;
  const auto L = static_cast<size_t>(n_labels);
  double total = 0;
  for (size_t i = 0; i < static_cast<size_t>(n_samples); ++i) {
    const auto truth = y_true.subspan(i * L, L);
    const auto score = y_score.subspan(i * L, L);
    size_t relevant = 0;
    for (double y : truth) relevant += y != 0 ? 1 : 0;
    if (relevant == 0 || relevant == L) {
      total += 1.0;  // sklearn: nothing to rank, a perfect score
      continue;
    }
    double sample = 0;
    for (size_t j = 0; j < L; ++j) {
      if (truth[j] == 0) continue;
      // rank = labels scored >= s_j ("max" rank on ties); hits = relevant ones.
      double rank = 0, hits = 0;
      for (size_t k = 0; k < L; ++k) {
        if (score[k] >= score[j]) {
          rank += 1;
          hits += truth[k] != 0 ? 1 : 0;
        }
      }
      sample += hits / rank;
    }
    total += sample / static_cast<double>(relevant);
  }
  return total / static_cast<double>(n_samples);
}

double coverage_error(std::span<const double> y_true, std::span<const double> y_score,
                      int64_t n_samples, int64_t n_labels) {
  check_matrix(y_true, y_score, n_samples, n_labels, "coverage_error");
  if (n_samples == 0) return 0;
  const auto L = static_cast<size_t>(n_labels);
  double total = 0;
  for (size_t i = 0; i < static_cast<size_t>(n_samples); ++i) {
    const auto truth = y_true.subspan(i * L, L);
    const auto score = y_score.subspan(i * L, L);
    bool any = false;
    double lowest = 0;
    for (size_t j = 0; j < L; ++j) {
      if (truth[j] == 0) continue;
      lowest = any ? std::min(lowest, score[j]) : score[j];
      any = true;
    }
    if (!any) continue;  // sklearn counts such a sample as 0
    for (double s : score) total += s >= lowest ? 1 : 0;
  }
  return total / static_cast<double>(n_samples);
}

}  // namespace fulcrum::metrics
