#include "fulcrum/metrics/ranking.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
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
  std::vector<double> thresholds;
};

// The bits of a double as an unsigned key that orders like the value, largest
// first: flipped so that an ascending sort of keys is a descending sort of values.
uint64_t descending_key(double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  const uint64_t ascending = bits >> 63 ? ~bits : bits | (uint64_t{1} << 63);
  return ~ascending;
}

// Sorts (score, truth) pairs by descending score. Long inputs (the pooled
// values of a micro average: samples x labels) go through an LSD radix sort on
// 11-bit digits of the key, O(n); short ones through std::sort.
void sort_by_descending_score(std::vector<std::pair<double, double>>& pairs) {
  constexpr size_t kRadixFrom = size_t{1} << 16;
  if (pairs.size() < kRadixFrom) {
    std::sort(pairs.begin(), pairs.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    return;
  }
  std::vector<std::pair<double, double>> scratch(pairs.size());
  constexpr int kDigit = 11;
  constexpr uint64_t kMask = (uint64_t{1} << kDigit) - 1;
  std::vector<size_t> count(size_t{1} << kDigit);
  for (int shift = 0; shift < 64; shift += kDigit) {
    std::fill(count.begin(), count.end(), 0);
    for (const auto& p : pairs) ++count[(descending_key(p.first) >> shift) & kMask];
    if (*std::max_element(count.begin(), count.end()) == pairs.size()) continue;  // one digit
    size_t offset = 0;
    for (size_t& c : count) offset += std::exchange(c, offset);
    for (const auto& p : pairs) scratch[count[(descending_key(p.first) >> shift) & kMask]++] = p;
    pairs.swap(scratch);
  }
}

ClassifierCurve classifier_curve(std::span<const double> y_true, std::span<const double> y_score,
                                 const char* fn) {
  FULCRUM_CHECK_SHAPE(y_true.size() == y_score.size(),
                      "{}: y_true has {} values but y_score has {}", fn, y_true.size(),
                      y_score.size());
  // (score, truth) pairs by descending score, sorted by value rather than
  // through an index (cache-friendly); the order within a tie does not matter,
  // as a curve point is taken only after a tie's last member.
  std::vector<std::pair<double, double>> pairs(y_score.size());
  for (size_t i = 0; i < pairs.size(); ++i) pairs[i] = {y_score[i], y_true[i]};
  sort_by_descending_score(pairs);
  ClassifierCurve curve;
  curve.true_positives.reserve(pairs.size());
  curve.false_positives.reserve(pairs.size());
  curve.thresholds.reserve(pairs.size());
  double tp = 0, fp = 0;
  for (size_t k = 0; k < pairs.size(); ++k) {
    const double y = pairs[k].second;
    tp += y;
    fp += 1.0 - y;
    const bool last_of_tie = k + 1 == pairs.size() || pairs[k + 1].first != pairs[k].first;
    if (last_of_tie) {
      curve.true_positives.push_back(tp);
      curve.false_positives.push_back(fp);
      curve.thresholds.push_back(pairs[k].first);
    }
  }
  return curve;
}

// The area under the ROC curve: trapezoids between consecutive (fpr, tpr)
// points, starting at (0, 0).
std::optional<double> roc_auc_of(const ClassifierCurve& curve) {
  if (curve.true_positives.empty()) return std::nullopt;
  const double positives = curve.true_positives.back();
  const double negatives = curve.false_positives.back();
  if (positives == 0 || negatives == 0) return std::nullopt;
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

std::optional<double> average_precision_of(const ClassifierCurve& curve) {
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

}  // namespace

std::optional<double> binary_roc_auc(std::span<const double> y_true,
                                     std::span<const double> y_score) {
  return roc_auc_of(classifier_curve(y_true, y_score, "binary_roc_auc"));
}

std::optional<double> binary_average_precision(std::span<const double> y_true,
                                               std::span<const double> y_score) {
  return average_precision_of(classifier_curve(y_true, y_score, "binary_average_precision"));
}

BinaryRanking binary_ranking(std::span<const double> y_true, std::span<const double> y_score) {
  const ClassifierCurve curve = classifier_curve(y_true, y_score, "binary_ranking");
  return {roc_auc_of(curve), average_precision_of(curve)};
}

PrecisionRecallCurve precision_recall_curve(std::span<const double> y_true,
                                            std::span<const double> y_score) {
  const ClassifierCurve curve = classifier_curve(y_true, y_score, "precision_recall_curve");
  PrecisionRecallCurve out;
  if (curve.true_positives.empty() || curve.true_positives.back() == 0) return out;
  const double positives = curve.true_positives.back();
  out.recall.push_back(0.0);
  out.precision.push_back(1.0);
  for (size_t k = 0; k < curve.true_positives.size(); ++k) {
    const double tp = curve.true_positives[k];
    out.recall.push_back(tp / positives);
    out.precision.push_back(tp / (tp + curve.false_positives[k]));
  }
  out.thresholds = curve.thresholds;
  return out;
}

RocCurve roc_curve(std::span<const double> y_true, std::span<const double> y_score) {
  const ClassifierCurve curve = classifier_curve(y_true, y_score, "roc_curve");
  RocCurve out;
  if (curve.true_positives.empty()) return out;
  const double positives = curve.true_positives.back();
  const double negatives = curve.false_positives.back();
  if (positives == 0 || negatives == 0) return out;
  out.false_positive_rate.push_back(0.0);
  out.true_positive_rate.push_back(0.0);
  for (size_t k = 0; k < curve.true_positives.size(); ++k) {
    out.false_positive_rate.push_back(curve.false_positives[k] / negatives);
    out.true_positive_rate.push_back(curve.true_positives[k] / positives);
  }
  out.thresholds = curve.thresholds;
  return out;
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
      // Counted without a branch, so the scan over the labels vectorises.
      const double s = score[j];
      int64_t rank = 0, hits = 0;
      for (size_t k = 0; k < L; ++k) {
        const bool at_least = score[k] >= s;
        rank += at_least;
        hits += at_least & (truth[k] != 0);
      }
      sample += static_cast<double>(hits) / static_cast<double>(rank);
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
