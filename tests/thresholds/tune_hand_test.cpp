// tune_thresholds on cases small enough to check by hand: each objective, tied
// scores, ties in F1, a label with no positive, separable data, adjacent
// floats, several labels at once, and the input checks.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/thresholds.hpp"

namespace fulcrum::metrics {
namespace {

// One label: y_true and y_score as [n, 1] tensors.
struct Column {
  Tensor y_true, y_score;
  Column(std::vector<float> truth, std::vector<float> score)
      : y_true(Tensor::from({static_cast<int64_t>(truth.size()), 1}, truth)),
        y_score(Tensor::from({static_cast<int64_t>(score.size()), 1}, score)) {}
};

LabelThreshold tune_one(const Column& c, const char* objective, float fallback = 0.5f) {
  const auto tuned =
      tune_label_thresholds(c.y_true, c.y_score, parse_threshold_objective(objective), fallback);
  EXPECT_EQ(tuned.size(), 1u);
  return tuned.at(0);
}

// The midpoint of two float scores, as the tuner computes it.
float mid(float a, float b) {
  return static_cast<float>((static_cast<double>(a) + static_cast<double>(b)) / 2.0);
}

TEST(TuneThresholds, F1PicksTheBestCutAndItsMidpoint) {
  // Cuts (score >= s): 0.9: F1 1/2; 0.8: 4/5; 0.7: 2/3; 0.6: 6/7; 0.2: 3/4.
  const Column c({1, 1, 0, 1, 0}, {0.9f, 0.8f, 0.7f, 0.6f, 0.2f});
  const LabelThreshold t = tune_one(c, "f1");
  EXPECT_EQ(t.status, ThresholdStatus::Tuned);
  EXPECT_EQ(t.threshold, mid(0.6f, 0.2f));
  EXPECT_EQ(t.true_positives, 3);
  EXPECT_EQ(t.false_positives, 1);
  EXPECT_EQ(t.false_negatives, 0);
  EXPECT_DOUBLE_EQ(t.precision, 0.75);
  EXPECT_DOUBLE_EQ(t.recall, 1.0);
  EXPECT_DOUBLE_EQ(t.f1, 6.0 / 7.0);
}

TEST(TuneThresholds, F1TiesGoToTheHigherCut) {
  // Cut 0.9 (tp 1, fp 0) and cut 0.6 (tp 2, fp 2) both have F1 = 2/3.
  const Column c({1, 0, 0, 1}, {0.9f, 0.8f, 0.7f, 0.6f});
  const LabelThreshold t = tune_one(c, "f1");
  EXPECT_EQ(t.threshold, mid(0.9f, 0.8f));
  EXPECT_EQ(t.true_positives, 1);
  EXPECT_EQ(t.false_positives, 0);
}

TEST(TuneThresholds, TiedScoresAreOneCut) {
  // 0.7 is shared by a positive and a negative: the cut takes both or neither.
  const Column c({1, 0, 1, 0}, {0.7f, 0.7f, 0.7f, 0.2f});
  const LabelThreshold t = tune_one(c, "f1");
  EXPECT_EQ(t.threshold, mid(0.7f, 0.2f));
  EXPECT_EQ(t.true_positives, 2);
  EXPECT_EQ(t.false_positives, 1);
}

TEST(TuneThresholds, SeparableDataGetsTheMiddleOfTheGap) {
  const Column c({0, 1, 0, 1}, {0.1f, 0.8f, 0.4f, 0.6f});
  for (const char* objective : {"f1", "precision>=1", "recall>=1"}) {
    const LabelThreshold t = tune_one(c, objective);
    EXPECT_EQ(t.threshold, mid(0.6f, 0.4f)) << objective;
    EXPECT_DOUBLE_EQ(t.f1, 1.0) << objective;
  }
}

TEST(TuneThresholds, PrecisionTargetTakesTheLowestCutThatMeetsIt) {
  // Scores falling; precision of the cuts 1, 1, 2/3, 3/4, 3/5, 1/2, 4/7.
  const Column c({1, 1, 0, 1, 0, 0, 1}, {0.95f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.3f});
  EXPECT_EQ(tune_one(c, "precision>=0.75").threshold, mid(0.7f, 0.6f)) << "3/4 meets 0.75";
  EXPECT_EQ(tune_one(c, "precision>=0.8").threshold, mid(0.9f, 0.8f));
  EXPECT_EQ(tune_one(c, "precision>=0.5").threshold, 0.3f / 2.0f)
      << "below the lowest score: half of it";
  const LabelThreshold t = tune_one(c, "precision>=0.75");
  EXPECT_EQ(t.status, ThresholdStatus::Tuned);
  EXPECT_DOUBLE_EQ(t.precision, 0.75);
  EXPECT_DOUBLE_EQ(t.recall, 0.75);
}

TEST(TuneThresholds, RecallTargetTakesTheHighestCutThatMeetsIt) {
  // Same column; recall of the cuts 1/4, 2/4, 2/4, 3/4, 3/4, 3/4, 1.
  const Column c({1, 1, 0, 1, 0, 0, 1}, {0.95f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.3f});
  EXPECT_EQ(tune_one(c, "recall>=0.5").threshold, mid(0.9f, 0.8f));
  EXPECT_EQ(tune_one(c, "recall>=0.6").threshold, mid(0.7f, 0.6f));
  EXPECT_EQ(tune_one(c, "recall>=0.75").threshold, mid(0.7f, 0.6f));
  EXPECT_EQ(tune_one(c, "recall>=1").threshold, 0.3f / 2.0f);
  EXPECT_EQ(tune_one(c, "recall>=0.2").threshold, mid(0.95f, 0.9f));
}

TEST(TuneThresholds, UnreachablePrecisionKeepsTheMostPreciseCut) {
  // Precision of the cuts 0, 1/2, 1/3, 1/2, 2/5: 1/2 is the best, at 0.8 and
  // at 0.6; the lower one has more recall.
  const Column c({0, 1, 0, 1, 0}, {0.9f, 0.8f, 0.7f, 0.6f, 0.5f});
  const LabelThreshold t = tune_one(c, "precision>=0.9");
  EXPECT_EQ(t.status, ThresholdStatus::TargetMissed);
  EXPECT_EQ(t.threshold, mid(0.6f, 0.5f));
  EXPECT_DOUBLE_EQ(t.precision, 0.5);
  EXPECT_DOUBLE_EQ(t.recall, 1.0);
}

TEST(TuneThresholds, LabelWithoutPositivesKeepsTheFallback) {
  const Column c({0, 0, 0}, {0.9f, 0.4f, 0.2f});
  for (const char* objective : {"f1", "precision>=0.5", "recall>=0.5"}) {
    const LabelThreshold t = tune_one(c, objective, 0.3f);
    EXPECT_EQ(t.status, ThresholdStatus::NoPositives) << objective;
    EXPECT_EQ(t.threshold, 0.3f) << objective;
    EXPECT_EQ(t.false_positives, 2) << "0.9 and 0.4 are >= 0.3";
    EXPECT_EQ(t.true_positives, 0);
  }
  EXPECT_EQ(tune_one(c, "f1").threshold, 0.5f) << "the default fallback";
}

TEST(TuneThresholds, AllPositiveLabelPredictsEverything) {
  const Column c({1, 1, 1}, {0.9f, 0.4f, 0.2f});
  const LabelThreshold t = tune_one(c, "f1");
  EXPECT_EQ(t.threshold, 0.1f);
  EXPECT_DOUBLE_EQ(t.f1, 1.0);
  const Column zero({1, 0}, {0.0f, 0.0f});  // a single cut at score 0
  EXPECT_EQ(tune_one(zero, "f1").threshold, 0.0f);
}

TEST(TuneThresholds, AdjacentFloatsGetTheUpperScore) {
  const float upper = 0.5f;
  const float lower = std::nextafter(upper, 0.0f);
  const LabelThreshold t = tune_one(Column({1, 0}, {upper, lower}), "f1");
  EXPECT_EQ(t.threshold, upper) << "no float lies strictly between them";
  EXPECT_LT(lower, t.threshold);
  EXPECT_DOUBLE_EQ(t.f1, 1.0);
}

TEST(TuneThresholds, LabelsAreTunedIndependently) {
  // Column 0: the F1 case above; column 1: every label negative; column 2:
  // separable; all in one [5, 3] matrix.
  const Tensor y_true = Tensor::from({5, 3}, {1, 0, 1,  //
                                              1, 0, 0,  //
                                              0, 0, 1,  //
                                              1, 0, 0,  //
                                              0, 0, 0});
  const Tensor y_score = Tensor::from({5, 3}, {0.9f, 0.1f, 0.8f,  //
                                               0.8f, 0.2f, 0.3f,  //
                                               0.7f, 0.3f, 0.7f,  //
                                               0.6f, 0.4f, 0.2f,  //
                                               0.2f, 0.5f, 0.1f});
  const std::vector<float> t = tune_thresholds(y_true, y_score, {ObjectiveKind::F1, 0.0}, 0.25f);
  EXPECT_EQ(t, (std::vector<float>{mid(0.6f, 0.2f), 0.25f, mid(0.7f, 0.3f)}));
}

template <class ErrorType>
void expect_error(const Tensor& y_true, const Tensor& y_score, const ThresholdObjective& objective,
                  float fallback, const char* part) {
  try {
    tune_thresholds(y_true, y_score, objective, fallback);
    ADD_FAILURE() << "no exception; expected one naming \"" << part << "\"";
  } catch (const ErrorType& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(TuneThresholds, RejectsBadInput) {
  const Tensor y = Tensor::from({2, 2}, {1, 0, 0, 1});
  const Tensor s = Tensor::from({2, 2}, {0.9f, 0.2f, 0.3f, 0.8f});
  const ThresholdObjective f1;
  expect_error<ShapeError>(y, Tensor::zeros({2, 3}), f1, 0.5f, "[2, 3]");
  expect_error<ShapeError>(Tensor::zeros({2}), Tensor::zeros({2}), f1, 0.5f, "y_true");
  expect_error<ShapeError>(Tensor::zeros({0, 2}), Tensor::zeros({0, 2}), f1, 0.5f, "y_true");
  expect_error<ValueError>(Tensor::from({2, 2}, {1, 0.5f, 0, 1}), s, f1, 0.5f, "y_true[0, 1]");
  expect_error<ValueError>(y, Tensor::from({2, 2}, {0.9f, 1.2f, 0.3f, 0.8f}), f1, 0.5f,
                           "y_score[0, 1]");
  expect_error<ValueError>(y, Tensor::from({2, 2}, {0.9f, NAN, 0.3f, 0.8f}), f1, 0.5f,
                           "y_score[0, 1]");
  expect_error<ValueError>(y, s, {ObjectiveKind::Precision, 0.0}, 0.5f, "outside (0, 1]");
  expect_error<ValueError>(y, s, {ObjectiveKind::Recall, 1.5}, 0.5f, "outside (0, 1]");
  expect_error<ValueError>(y, s, f1, NAN, "fallback");
}

}  // namespace
}  // namespace fulcrum::metrics
