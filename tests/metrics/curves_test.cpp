// Precision-recall and ROC curve points and reliability bins, on cases
// worked out by hand (ties included), and their agreement with the average
// precision, ROC-AUC and ECE computed by the metric functions.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "expect_error.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/calibration.hpp"
#include "fulcrum/metrics/ranking.hpp"

namespace fulcrum::metrics {
namespace {

using testing::expect_error;

using V = std::vector<double>;

void expect_near_all(const V& actual, const V& expected, const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-12) << what << "[" << i << "]";
  }
}

// The area under the points, by the trapezoid rule.
double trapezoid_area(const V& x, const V& y) {
  double area = 0;
  for (size_t k = 1; k < x.size(); ++k) area += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2;
  return area;
}

// Average precision as a step sum over the curve's points.
double step_area(const PrecisionRecallCurve& curve) {
  double area = 0;
  for (size_t k = 1; k < curve.recall.size(); ++k) {
    area += (curve.recall[k] - curve.recall[k - 1]) * curve.precision[k];
  }
  return area;
}

TEST(PrecisionRecallCurve, SklearnDocumentationExample) {
  // sklearn's precision_recall_curve docs, reversed: scores 0.8 (+), 0.4 (-),
  // 0.35 (+), 0.1 (-).
  const V y_true{0, 0, 1, 1}, y_score{0.1, 0.4, 0.35, 0.8};
  const PrecisionRecallCurve curve = precision_recall_curve(y_true, y_score);
  expect_near_all(curve.recall, {0, 0.5, 0.5, 1, 1}, "recall");
  expect_near_all(curve.precision, {1, 1, 0.5, 2.0 / 3, 0.5}, "precision");
  expect_near_all(curve.thresholds, {0.8, 0.4, 0.35, 0.1}, "thresholds");
  EXPECT_NEAR(step_area(curve), 0.5 + 0.5 * 2.0 / 3, 1e-12);
  EXPECT_NEAR(step_area(curve), *binary_average_precision(y_true, y_score), 1e-12);
}

TEST(PrecisionRecallCurve, TiedScoresAreOnePoint) {
  // 0.9 (+); 0.5 (+ and -) together; 0.2 (-).
  const V y_true{0, 1, 0, 1}, y_score{0.5, 0.5, 0.2, 0.9};
  const PrecisionRecallCurve curve = precision_recall_curve(y_true, y_score);
  expect_near_all(curve.recall, {0, 0.5, 1, 1}, "recall");
  expect_near_all(curve.precision, {1, 1, 2.0 / 3, 0.5}, "precision");
  expect_near_all(curve.thresholds, {0.9, 0.5, 0.2}, "thresholds");
}

TEST(PrecisionRecallCurve, NoPositiveIsEmptyAndLengthsMustMatch) {
  EXPECT_TRUE(precision_recall_curve(V{0, 0}, V{0.1, 0.7}).recall.empty());
  expect_error<ShapeError>(
      [] {
        precision_recall_curve(V{0, 1}, V{0.5});
      },
      {"precision_recall_curve", "y_true has 2 values but y_score has 1"});
}

TEST(RocCurve, SklearnDocumentationExample) {
  const V y_true{0, 0, 1, 1}, y_score{0.1, 0.4, 0.35, 0.8};
  const RocCurve curve = roc_curve(y_true, y_score);
  expect_near_all(curve.false_positive_rate, {0, 0, 0.5, 0.5, 1}, "fpr");
  expect_near_all(curve.true_positive_rate, {0, 0.5, 0.5, 1, 1}, "tpr");
  expect_near_all(curve.thresholds, {0.8, 0.4, 0.35, 0.1}, "thresholds");
  EXPECT_NEAR(trapezoid_area(curve.false_positive_rate, curve.true_positive_rate), 0.75, 1e-12);
}

TEST(RocCurve, TiedScoresMoveBothRatesAtOnce) {
  const V y_true{0, 1, 0, 1}, y_score{0.5, 0.5, 0.2, 0.9};
  const RocCurve curve = roc_curve(y_true, y_score);
  expect_near_all(curve.false_positive_rate, {0, 0, 0.5, 1}, "fpr");
  expect_near_all(curve.true_positive_rate, {0, 0.5, 1, 1}, "tpr");
  EXPECT_NEAR(trapezoid_area(curve.false_positive_rate, curve.true_positive_rate), 0.875, 1e-12);
}

TEST(RocCurve, OneClassIsEmptyAndLengthsMustMatch) {
  EXPECT_TRUE(roc_curve(V{1, 1}, V{0.1, 0.7}).false_positive_rate.empty());
  EXPECT_TRUE(roc_curve(V{0, 0}, V{0.1, 0.7}).false_positive_rate.empty());
  expect_error<ShapeError>(
      [] {
        roc_curve(V{0, 1}, V{0.5});
      },
      {"roc_curve", "y_true has 2 values but y_score has 1"});
}

TEST(Curves, AgreeWithAveragePrecisionAndRocAucOnRandomScores) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> coarse(0, 20);  // ties are common
  for (int trial = 0; trial < 20; ++trial) {
    V y_true, y_score;
    for (int i = 0; i < 200; ++i) {
      const bool positive = rng() % 4 == 0;
      y_true.push_back(positive ? 1 : 0);
      y_score.push_back((coarse(rng) + (positive ? 4 : 0)) / 24.0);
    }
    const RocCurve roc = roc_curve(y_true, y_score);
    const PrecisionRecallCurve pr = precision_recall_curve(y_true, y_score);
    EXPECT_NEAR(trapezoid_area(roc.false_positive_rate, roc.true_positive_rate),
                *binary_roc_auc(y_true, y_score), 1e-12);
    EXPECT_NEAR(step_area(pr), *binary_average_precision(y_true, y_score), 1e-12);
    EXPECT_DOUBLE_EQ(roc.true_positive_rate.back(), 1.0);
    EXPECT_DOUBLE_EQ(roc.false_positive_rate.back(), 1.0);
  }
}

TEST(ReliabilityBins, HandCase) {
  // 4 bins: 0.1 and 0.2 share [0, 0.25); 0.6 is alone in [0.5, 0.75); 1.0 is in the last.
  const V y_true{0, 1, 1, 1}, y_prob{0.1, 0.2, 0.6, 1.0};
  const std::vector<ReliabilityBin> bins = reliability_bins(y_true, y_prob, 4);
  ASSERT_EQ(bins.size(), 3u);
  EXPECT_NEAR(bins[0].mean_probability, 0.15, 1e-15);
  EXPECT_DOUBLE_EQ(bins[0].fraction_positive, 0.5);
  EXPECT_EQ(bins[0].count, 2);
  EXPECT_DOUBLE_EQ(bins[1].mean_probability, 0.6);
  EXPECT_EQ(bins[1].count, 1);
  EXPECT_DOUBLE_EQ(bins[2].mean_probability, 1.0);
  EXPECT_DOUBLE_EQ(bins[2].fraction_positive, 1.0);
}

TEST(ReliabilityBins, AgreeWithExpectedCalibrationError) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> unit(0, 1);
  V y_true, y_prob;
  for (int i = 0; i < 500; ++i) {
    const double p = unit(rng);
    y_prob.push_back(p);
    y_true.push_back(unit(rng) < p * p ? 1 : 0);
  }
  double ece = 0;
  for (const ReliabilityBin& bin : reliability_bins(y_true, y_prob)) {
    ece += static_cast<double>(bin.count) / 500.0 *
           std::abs(bin.fraction_positive - bin.mean_probability);
  }
  EXPECT_NEAR(ece, expected_calibration_error(y_true, y_prob), 1e-12);
  expect_error<ValueError>([] { reliability_bins(V{0}, V{1.5}); },
                           {"reliability_bins", "y_prob[0] is 1.5", "in [0, 1]"});
  expect_error<ShapeError>(
      [] {
        reliability_bins(V{0, 1}, V{0.5});
      },
      {"reliability_bins", "y_true has 2 values and y_prob 1"});
}

}  // namespace
}  // namespace fulcrum::metrics
