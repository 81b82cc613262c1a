// multiclass_metrics on cases worked out by hand (hand_cases.hpp), sklearn's
// handling of absent classes and of log-loss clipping, and the input checks.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "expect_error.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/metrics.hpp"
#include "hand_cases.hpp"

namespace fulcrum::metrics {
namespace {

using testing::expect_error;
using testing::MultiClassHandCase;

constexpr double kTol = 1e-6;

TEST(MultiClassMetrics, ConfusionMatrixAndPerClass) {
  MultiClassHandCase c;
  const auto m = multiclass_metrics(c.y_true, c.y_prob);
  EXPECT_EQ(m.n_samples, 6);
  EXPECT_EQ(m.n_classes, 3);
  // Rows are true classes: class 0 -> {0, 1}; class 1 -> {1, 1}; class 2 -> {2, 0 (tie)}.
  EXPECT_EQ(m.confusion_matrix, (std::vector<int64_t>{1, 1, 0,  //
                                                      0, 2, 0,  //
                                                      1, 0, 1}));
  EXPECT_EQ(m.confusion(2, 0), 1);
  EXPECT_EQ(m.support_per_class, (std::vector<int64_t>{2, 2, 2}));
  EXPECT_NEAR(m.precision_per_class[0], 0.5, kTol);
  EXPECT_NEAR(m.precision_per_class[1], 2.0 / 3, kTol);
  EXPECT_NEAR(m.precision_per_class[2], 1.0, kTol);
  EXPECT_NEAR(m.recall_per_class[1], 1.0, kTol);
  EXPECT_NEAR(m.f1_per_class[0], 0.5, kTol);
  EXPECT_NEAR(m.f1_per_class[1], 0.8, kTol);
  EXPECT_NEAR(m.f1_per_class[2], 2.0 / 3, kTol);
}

TEST(MultiClassMetrics, Summary) {
  MultiClassHandCase c;
  const auto m = multiclass_metrics(c.y_true, c.y_prob);
  EXPECT_NEAR(m.accuracy, 4.0 / 6, kTol);
  EXPECT_NEAR(m.balanced_accuracy, (0.5 + 1 + 0.5) / 3, kTol);
  EXPECT_NEAR(m.f1_macro, (0.5 + 0.8 + 2.0 / 3) / 3, kTol);
  EXPECT_NEAR(m.f1_weighted, (0.5 + 0.8 + 2.0 / 3) / 3, kTol);  // equal supports
  const double want = -(std::log(0.7) + std::log(0.3) + std::log(0.5) + std::log(0.8) +
                        std::log(0.2) + std::log(0.5)) /
                      6;
  EXPECT_NEAR(m.log_loss, want, kTol);
}

TEST(MultiClassMetrics, ClassAbsentFromTruthAndDecisionsIsLeftOutOfMacro) {
  // The hand case with a fourth class nobody has or predicts: sklearn's
  // default labels leave it out of the macro F1 (not averaged as 0).
  MultiClassHandCase c;
  std::vector<float> prob4;
  for (int64_t i = 0; i < 6; ++i) {
    for (int64_t k = 0; k < 3; ++k) prob4.push_back(c.y_prob.data()[i * 3 + k]);
    prob4.push_back(0.0f);
  }
  const auto m = multiclass_metrics(c.y_true, Tensor::from({6, 4}, prob4));
  EXPECT_EQ(m.f1_per_class.size(), 4u);
  EXPECT_EQ(m.f1_per_class[3], 0.0);
  EXPECT_NEAR(m.f1_macro, (0.5 + 0.8 + 2.0 / 3) / 3, kTol);
  EXPECT_NEAR(m.balanced_accuracy, 2.0 / 3, kTol);
}

TEST(MultiClassMetrics, ClassPredictedButNeverTrue) {
  // Class 2 is predicted once and never true: F1 0, counted in the macro
  // average, but not in balanced accuracy (no recall without support).
  const auto m = multiclass_metrics(Tensor::from({2}, {0, 1}),
                                    Tensor::from({2, 3}, {0.1f, 0.2f, 0.7f, 0.1f, 0.8f, 0.1f}));
  EXPECT_NEAR(m.f1_macro, 1.0 / 3, kTol);
  EXPECT_NEAR(m.f1_weighted, 0.5, kTol);
  EXPECT_NEAR(m.balanced_accuracy, 0.5, kTol);
  EXPECT_NEAR(m.accuracy, 0.5, kTol);
}

TEST(MultiClassMetrics, LogLossClipsAndRenormalises) {
  // A zero probability on the true class is clipped to float64 epsilon.
  const auto clipped = multiclass_metrics(Tensor::from({1}, {0}), Tensor::from({1, 2}, {0, 1}));
  EXPECT_NEAR(clipped.log_loss, -std::log(std::numeric_limits<double>::epsilon()), 1e-12);
  // Rows are renormalised: [0.2, 0.2] is read as [0.5, 0.5].
  const auto halves =
      multiclass_metrics(Tensor::from({1}, {0}), Tensor::from({1, 2}, {0.2f, 0.2f}));
  EXPECT_NEAR(halves.log_loss, std::log(2.0), 1e-12);
}

TEST(MultiClassMetrics, ShapeErrorsNameTheShapes) {
  MultiClassHandCase c;
  expect_error<ShapeError>([&] { multiclass_metrics(Tensor::zeros({5}), c.y_prob); },
                           {"multiclass_metrics", "[5]", "[6, 3]"});
  expect_error<ShapeError>(
      [&] {
        multiclass_metrics(Tensor::zeros({6, 1}), c.y_prob);
      },
      {"y_true", "[6, 1]"});
  expect_error<ShapeError>([&] { multiclass_metrics(c.y_true, Tensor::zeros({6})); },
                           {"y_prob", "[6]"});
}

TEST(MultiClassMetrics, ValueErrorsNameTheElement) {
  MultiClassHandCase c;
  expect_error<ValueError>(
      [&] {
        multiclass_metrics(Tensor::from({6}, {0, 0, 1, 3, 2, 1}), c.y_prob);
      },
      {"y_true[3]", "3", "0..2"});
  expect_error<ValueError>(
      [&] {
        multiclass_metrics(Tensor::from({6}, {0, 0.5f, 1, 2, 2, 1}), c.y_prob);
      },
      {"y_true[1]", "0.5"});
  expect_error<ValueError>(
      [&] {
        multiclass_metrics(Tensor::from({6}, {0, -1, 1, 2, 2, 1}), c.y_prob);
      },
      {"y_true[1]", "-1"});
  Tensor nan_prob = c.y_prob.clone();
  nan_prob.data()[3] = std::numeric_limits<float>::quiet_NaN();
  expect_error<ValueError>([&] { multiclass_metrics(c.y_true, nan_prob); },
                           {"y_prob[1, 0]", "nan"});
}

}  // namespace
}  // namespace fulcrum::metrics
