#pragma once
// Per-label decision thresholds tuned on the validation split: the
// default 0.5 suits no rare label, so each label gets the threshold that
// maximises its F1 or meets a precision or recall target. The tuned thresholds
// go into the checkpoint and `predict` uses them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::metrics {

/// What a tuned threshold optimises (the text before ">=" in a config).
enum class ObjectiveKind { F1, Precision, Recall };

inline std::span<const Named<ObjectiveKind>> name_table(ObjectiveKind) {
  static constexpr Named<ObjectiveKind> kTable[] = {{ObjectiveKind::F1, "f1"},
                                                    {ObjectiveKind::Precision, "precision"},
                                                    {ObjectiveKind::Recall, "recall"}};
  return kTable;
}

/// Represents: what a label's threshold should achieve on the tuning data.
///   F1:        the largest F1.
///   Precision: precision >= target, with the most recall among those.
///   Recall:    recall >= target, with the fewest positive decisions (so the
///              most precision) among those.
/// Requires: target in (0, 1] for Precision and Recall (ignored for F1).
/// tune_thresholds checks it.
struct ThresholdObjective {
  ObjectiveKind kind = ObjectiveKind::F1;
  double target = 0.0;

  friend bool operator==(const ThresholdObjective&, const ThresholdObjective&) = default;
};

/// Parses "f1", "precision>=P" or "recall>=R" (P, R in (0, 1]; spaces around
/// the parts are allowed), as written in a config.
/// Throws ValueError quoting the text and listing the accepted forms.
ThresholdObjective parse_threshold_objective(std::string_view text);

/// The text parse_threshold_objective reads back: "f1", "precision>=0.8".
/// (Not called to_string: an overload in this namespace would hide
/// fulcrum::to_string(Shape) from unqualified calls in it.)
std::string format_threshold_objective(const ThresholdObjective& objective);

/// How a label's threshold was chosen.
///   Tuned:        the objective was met (F1 is always "met").
///   TargetMissed: no threshold reaches the precision target; the threshold
///                 with the highest precision is used instead (ties: the most
///                 recall), so the label stays as precise as the data allows.
///   NoPositives:  the label has no positive in the tuning data, so nothing
///                 can be measured; it keeps the fallback threshold.
enum class ThresholdStatus { Tuned, TargetMissed, NoPositives };
/// "tuned", "target missed", "no positives": for logs and reports.
const char* threshold_status_name(ThresholdStatus status);

/// Represents: one label's tuned threshold and what it gives on the tuning
/// data (decision: score >= threshold; ratios 0 when their denominator is 0,
/// as in multilabel_metrics).
struct LabelThreshold {
  float threshold = 0.5f;
  ThresholdStatus status = ThresholdStatus::Tuned;
  int64_t true_positives = 0;
  int64_t false_positives = 0;
  int64_t false_negatives = 0;
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
};

/// Tunes one threshold per label on y_true [n, L] (0/1) and y_score [n, L]
/// (probabilities in [0, 1]), exactly, in O(n log n) per label: the scores of
/// the label are sorted once, and a sweep from the highest distinct score down
/// gives the counts of every decision "score >= s" there is (one per distinct
/// score s; cutting inside a group of tied scores is impossible). Among these:
///   f1:           the largest F1 (compared exactly, as fractions of counts);
///                 ties go to the higher cut (fewer positive decisions).
///   precision>=p: the lowest cut whose precision >= p (the most recall);
///   recall>=r:    the highest cut whose recall >= r.
/// The threshold of a chosen cut at score s is the midpoint between s and the
/// next lower distinct score (s / 2 below the lowest score, as if 0 came
/// next): any value in that gap gives the same decisions on the tuning data,
/// and the middle leaves the most room for unseen scores on both sides. When
/// the two scores are adjacent floats, so that no float lies strictly between
/// them, the threshold is s itself.
/// A label with no positive in y_true keeps `fallback` (status NoPositives).
/// Requires: equal shapes [n, L], n, L >= 1; fallback not NaN; a valid
/// objective. Throws ShapeError / ValueError naming the problem.
/// Ensures: L results; the same inputs give the same thresholds.
std::vector<LabelThreshold> tune_label_thresholds(const Tensor& y_true, const Tensor& y_score,
                                                  const ThresholdObjective& objective,
                                                  float fallback = 0.5f);

/// The thresholds of tune_label_thresholds alone, one per label.
std::vector<float> tune_thresholds(const Tensor& y_true, const Tensor& y_score,
                                   const ThresholdObjective& objective, float fallback = 0.5f);

}  // namespace fulcrum::metrics
