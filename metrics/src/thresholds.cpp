// Per-label threshold tuning: one sort and one sweep per label (see
// thresholds.hpp for the rules).

#include "fulcrum/metrics/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/metrics/input.hpp"

namespace fulcrum::metrics {
namespace {

constexpr const char* kFn = "tune_thresholds";

// F1 is compared as a fraction of int64 counts, whose cross products must not
// overflow: 2n * 2n < 2^63 for n up to this.
constexpr int64_t kMaxSamples = 1'000'000'000;

/// The decision "score >= score" and its counts on one label.
struct Cut {
  float score;
  int64_t tp;
  int64_t fp;
};

/// a / b, or 0 when b is 0 (sklearn's zero_division=0, as multilabel_metrics).
double ratio(double a, double b) { return b == 0 ? 0.0 : a / b; }

void validate(const Tensor& y_true, const Tensor& y_score, const ThresholdObjective& objective,
              float fallback) {
  FULCRUM_CHECK(
      objective.kind == ObjectiveKind::F1 || (objective.target > 0.0 && objective.target <= 1.0),
      "{}: {} target {} is outside (0, 1]", kFn, name_of(objective.kind), objective.target);
  FULCRUM_CHECK(!std::isnan(fallback), "{}: the fallback threshold is NaN", kFn);
  detail::check_label_matrices(y_true, y_score, kFn);
  FULCRUM_CHECK_SHAPE(y_true.size(0) <= kMaxSamples, "{}: {} samples; at most {} are supported",
                      kFn, y_true.size(0), kMaxSamples);
  const auto truth = y_true.values();
  for (size_t i = 0; i < truth.size(); ++i)
    FULCRUM_CHECK(truth[i] == 0.0f || truth[i] == 1.0f,
                  "{}: y_true{} is {}; multi-label targets must be 0 or 1", kFn,
                  detail::index_string(y_true.shape(), static_cast<int64_t>(i)), truth[i]);
  detail::check_probabilities(y_score, kFn, "y_score");
}

/// The cuts of one label, highest score first: cuts[k] predicts positive every
/// sample scored >= cuts[k].score. `pairs` is scratch (score, is positive).
void sweep(const Tensor& y_true, const Tensor& y_score, int64_t label,
           std::vector<std::pair<float, bool>>& pairs, std::vector<Cut>& cuts) {
  const int64_t n = y_true.size(0), width = y_true.size(1);
  const float* truth = y_true.data();
  const float* score = y_score.data();
  pairs.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    pairs[i] = {score[i * width + label], truth[i * width + label] != 0.0f};
  // Order within a group of tied scores does not matter: the group is one cut.
  std::sort(pairs.begin(), pairs.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  cuts.clear();
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    (pairs[i].second ? tp : fp) += 1;
    if (i + 1 == pairs.size() || pairs[i + 1].first != pairs[i].first)
      cuts.push_back({pairs[i].first, tp, fp});
  }
}

/// Whether cut a has a larger F1 than cut b, exactly: F1 = 2tp / (tp + fp + P).
bool better_f1(const Cut& a, const Cut& b, int64_t positives) {
  return 2 * a.tp * (b.tp + b.fp + positives) > 2 * b.tp * (a.tp + a.fp + positives);
}

/// Whether cut a is at least as precise as cut b, exactly.
bool at_least_as_precise(const Cut& a, const Cut& b) {
  return a.tp * (b.tp + b.fp) >= b.tp * (a.tp + a.fp);
}

/// The index of the chosen cut and its status (see thresholds.hpp).
std::pair<size_t, ThresholdStatus> choose(const std::vector<Cut>& cuts, int64_t positives,
                                          const ThresholdObjective& objective) {
  const auto p = static_cast<double>(positives);
  if (objective.kind == ObjectiveKind::F1) {
    size_t best = 0;  // strict improvement only, so ties keep the higher cut
    for (size_t k = 1; k < cuts.size(); ++k)
      if (better_f1(cuts[k], cuts[best], positives)) best = k;
    return {best, ThresholdStatus::Tuned};
  }
  if (objective.kind == ObjectiveKind::Recall) {
    // Recall grows as the cut goes down and is 1 at the last cut, so one is met.
    for (size_t k = 0; k < cuts.size(); ++k)
      if (static_cast<double>(cuts[k].tp) / p >= objective.target)
        return {k, ThresholdStatus::Tuned};
    return {cuts.size() - 1, ThresholdStatus::Tuned};
  }
  // precision: the lowest cut that meets the target, else the most precise one.
  for (size_t k = cuts.size(); k-- > 0;)
    if (ratio(static_cast<double>(cuts[k].tp), static_cast<double>(cuts[k].tp + cuts[k].fp)) >=
        objective.target)
      return {k, ThresholdStatus::Tuned};
  size_t best = 0;
  for (size_t k = 1; k < cuts.size(); ++k)
    if (at_least_as_precise(cuts[k], cuts[best])) best = k;
  return {best, ThresholdStatus::TargetMissed};
}

/// A threshold strictly above the next lower distinct score and <= cuts[k].score.
float threshold_of(const std::vector<Cut>& cuts, size_t k) {
  const float score = cuts[k].score;
  if (k + 1 == cuts.size()) return score / 2.0f;  // as if a score of 0 came next
  const float lower = cuts[k + 1].score;
  const auto middle =
      static_cast<float>((static_cast<double>(score) + static_cast<double>(lower)) / 2.0);
  return middle > lower ? middle : score;
}

/// Counts and ratios of the decisions with `tp`, `fp` out of `positives`.
LabelThreshold result(float threshold, ThresholdStatus status, int64_t tp, int64_t fp,
                      int64_t positives) {
  LabelThreshold r;
  r.threshold = threshold;
  r.status = status;
  r.true_positives = tp;
  r.false_positives = fp;
  r.false_negatives = positives - tp;
  r.precision = ratio(static_cast<double>(tp), static_cast<double>(tp + fp));
  r.recall = ratio(static_cast<double>(tp), static_cast<double>(positives));
  // The formula multilabel_metrics uses, so the two report the same F1.
  r.f1 = ratio(2 * r.precision * r.recall, r.precision + r.recall);
  return r;
}

LabelThreshold tune_label(const Tensor& y_true, const Tensor& y_score, int64_t label,
                          const ThresholdObjective& objective, float fallback,
                          std::vector<std::pair<float, bool>>& pairs, std::vector<Cut>& cuts) {
  sweep(y_true, y_score, label, pairs, cuts);
  const int64_t positives = cuts.back().tp;
  if (positives == 0) {
    int64_t predicted = 0;
    for (const auto& [score, positive] : pairs) predicted += score >= fallback ? 1 : 0;
    return result(fallback, ThresholdStatus::NoPositives, 0, predicted, 0);
  }
  const auto [k, status] = choose(cuts, positives, objective);
  return result(threshold_of(cuts, k), status, cuts[k].tp, cuts[k].fp, positives);
}

}  // namespace

std::vector<LabelThreshold> tune_label_thresholds(const Tensor& y_true, const Tensor& y_score,
                                                  const ThresholdObjective& objective,
                                                  float fallback) {
  validate(y_true, y_score, objective, fallback);
  const int64_t n = y_true.size(0), labels = y_true.size(1);
  std::vector<LabelThreshold> tuned(static_cast<size_t>(labels));
  // Labels are independent and each writes its own slot: the result does not
  // depend on the thread count.
  parallel_for(
      labels,
      [&](int64_t begin, int64_t end) {
        std::vector<std::pair<float, bool>> pairs;
        std::vector<Cut> cuts;
        for (int64_t label = begin; label < end; ++label)
          tuned[label] = tune_label(y_true, y_score, label, objective, fallback, pairs, cuts);
      },
      /*cost_per_item=*/n * 16);
  return tuned;
}

std::vector<float> tune_thresholds(const Tensor& y_true, const Tensor& y_score,
                                   const ThresholdObjective& objective, float fallback) {
  std::vector<float> thresholds;
  for (const LabelThreshold& t : tune_label_thresholds(y_true, y_score, objective, fallback))
    thresholds.push_back(t.threshold);
  return thresholds;
}

}  // namespace fulcrum::metrics
