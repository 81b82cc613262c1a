// multilabel_metrics on a case worked out by hand (hand_cases.hpp), per-label
// thresholds, and the input checks.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "expect_error.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/metrics.hpp"
#include "hand_cases.hpp"

namespace fulcrum::metrics {
namespace {

using testing::expect_error;
using testing::MultiLabelHandCase;

// Scores are float32, so values built from them are within ~1e-7 of the
// decimal arithmetic below.
constexpr double kTol = 1e-6;

TEST(MultiLabelMetrics, PerLabelCountsWithZeroDivision) {
  MultiLabelHandCase c;
  const auto m = multilabel_metrics(c.y_true, c.y_score, 0.5f);
  EXPECT_EQ(m.n_samples, 4);
  EXPECT_EQ(m.n_labels, 3);
  EXPECT_EQ(m.support, (std::vector<int64_t>{2, 0, 2}));
  // Label 0: tp 1, fp 1, fn 1. Label 1: never true, one false positive -> 0s.
  // Label 2: tp 1, fp 1 (the 0.5 tie), fn 1.
  EXPECT_EQ(m.precision, (std::vector<double>{0.5, 0, 0.5}));
  EXPECT_EQ(m.recall, (std::vector<double>{0.5, 0, 0.5}));
  EXPECT_EQ(m.f1, (std::vector<double>{0.5, 0, 0.5}));
}

TEST(MultiLabelMetrics, Averages) {
  MultiLabelHandCase c;
  const auto m = multilabel_metrics(c.y_true, c.y_score, 0.5f);
  // micro: tp 2, fp 3, fn 2.
  EXPECT_NEAR(m.precision_micro, 2.0 / 5, kTol);
  EXPECT_NEAR(m.recall_micro, 0.5, kTol);
  EXPECT_NEAR(m.f1_micro, 4.0 / 9, kTol);
  // macro counts the never-true label's zeros.
  EXPECT_NEAR(m.precision_macro, 1.0 / 3, kTol);
  EXPECT_NEAR(m.recall_macro, 1.0 / 3, kTol);
  EXPECT_NEAR(m.f1_macro, 1.0 / 3, kTol);
  // weighted by support 2, 0, 2.
  EXPECT_NEAR(m.precision_weighted, 0.5, kTol);
  EXPECT_NEAR(m.recall_weighted, 0.5, kTol);
  EXPECT_NEAR(m.f1_weighted, 0.5, kTol);
  // samples: (P, R, F) = (1, 1/2, 2/3), (1/2, 1, 2/3), (0, 0, 0), and the
  // empty sample (nothing true, nothing predicted) scores 0, not 1.
  EXPECT_NEAR(m.precision_samples, 1.5 / 4, kTol);
  EXPECT_NEAR(m.recall_samples, 1.5 / 4, kTol);
  EXPECT_NEAR(m.f1_samples, (4.0 / 3) / 4, kTol);
  // 5 of 12 decisions wrong; only sample 3 entirely right.
  EXPECT_NEAR(m.hamming_loss, 5.0 / 12, kTol);
  EXPECT_NEAR(m.subset_accuracy, 0.25, kTol);
}

TEST(MultiLabelMetrics, RankingLeavesOneClassLabelsUndefined) {
  MultiLabelHandCase c;
  const auto m = multilabel_metrics(c.y_true, c.y_score, 0.5f);
  EXPECT_EQ(m.ranked_labels, (std::vector<int64_t>{0, 2}));
  ASSERT_EQ(m.roc_auc.size(), 3u);
  EXPECT_FALSE(m.roc_auc[1].has_value());
  EXPECT_FALSE(m.average_precision[1].has_value());
  // Both ranked labels put 3 of their 4 positive/negative pairs in order.
  EXPECT_NEAR(*m.roc_auc[0], 0.75, kTol);
  EXPECT_NEAR(*m.roc_auc[2], 0.75, kTol);
  // Each: a positive first (P 1, R 1/2), then a negative, then a positive (P 2/3).
  EXPECT_NEAR(*m.average_precision[0], 5.0 / 6, kTol);
  EXPECT_NEAR(*m.average_precision[2], 5.0 / 6, kTol);
  // macro over labels 0 and 2 only (an undefined label is not averaged as 0 or 0.5).
  EXPECT_NEAR(*m.roc_auc_macro, 0.75, kTol);
  EXPECT_NEAR(*m.average_precision_macro, 5.0 / 6, kTol);
  // micro: labels 0 and 2 pooled: + + - - + + - - by score; 12 of 16 pairs.
  EXPECT_NEAR(*m.roc_auc_micro, 0.75, kTol);
  EXPECT_NEAR(*m.average_precision_micro, 0.25 + 0.25 + 0.25 * 3 / 5 + 0.25 * 4 / 6, kTol);
}

TEST(MultiLabelMetrics, SampleRankingAndCalibration) {
  MultiLabelHandCase c;
  const auto m = multilabel_metrics(c.y_true, c.y_score, 0.5f);
  // Per sample: 1, 1, 1/3 (true label scored third), 1 (nothing relevant).
  EXPECT_NEAR(m.label_ranking_average_precision, (3 + 1.0 / 3) / 4, kTol);
  // Labels covered: 2, 1, 3, 0 (no relevant label).
  EXPECT_NEAR(m.coverage_error, 1.5, kTol);
  ASSERT_EQ(m.brier.size(), 3u);
  EXPECT_NEAR(m.brier[0], 0.9 / 4, kTol);
  EXPECT_NEAR(m.brier[1], 0.7 / 4, kTol);
  EXPECT_NEAR(m.brier[2], 0.66 / 4, kTol);
  EXPECT_NEAR(m.brier_per_label_mean, (0.9 + 0.7 + 0.66) / 12, kTol);
}

// The per-label and pooled ranking metrics are computed from packed sort keys;
// they must be exactly binary_ranking of each column and of all values pooled,
// with ties (scores on a 1/20 grid), both signs of zero, and enough values
// (700 x 100) that the pooled sort takes its radix path.
TEST(MultiLabelMetrics, RankingMetricsAreTheBinaryOnesBitForBit) {
  const int64_t n = 700, L = 100;
  std::vector<float> truth(n * L), score(n * L);
  uint32_t state = 12345;  // a small LCG: the values only need to vary
  const auto next = [&state] { return (state = state * 1664525u + 1013904223u) >> 8; };
  for (size_t k = 0; k < truth.size(); ++k) {
    truth[k] = next() % 7 == 0 ? 1.0f : 0.0f;
    const auto step = static_cast<float>(next() % 21);
    score[k] = step == 0 && next() % 2 == 0 ? -0.0f : step / 20.0f;
  }
  const auto m = multilabel_metrics(Tensor::from({n, L}, truth), Tensor::from({n, L}, score), 0.5f);
  std::vector<double> pooled_truth, pooled_score;
  for (int64_t j = 0; j < L; ++j) {
    std::vector<double> column_truth, column_score;
    for (int64_t i = 0; i < n; ++i) {
      column_truth.push_back(truth[static_cast<size_t>(i * L + j)]);
      column_score.push_back(score[static_cast<size_t>(i * L + j)]);
    }
    const BinaryRanking expected = binary_ranking(column_truth, column_score);
    ASSERT_TRUE(expected.roc_auc.has_value()) << "label " << j;
    EXPECT_EQ(m.roc_auc[static_cast<size_t>(j)], expected.roc_auc) << "label " << j;
    EXPECT_EQ(m.average_precision[static_cast<size_t>(j)], expected.average_precision)
        << "label " << j;
    pooled_truth.insert(pooled_truth.end(), column_truth.begin(), column_truth.end());
    pooled_score.insert(pooled_score.end(), column_score.begin(), column_score.end());
  }
  const BinaryRanking micro = binary_ranking(pooled_truth, pooled_score);
  EXPECT_EQ(m.roc_auc_micro, micro.roc_auc);
  EXPECT_EQ(m.average_precision_micro, micro.average_precision);
}

TEST(MultiLabelMetrics, EceIsOverAllLabelProbabilities) {
  // 0.9 (bin 13) is a positive and 0.1 (bin 1) a negative: |1-0.9|/4 + |0-0.1|/4,
  // and 0.6 / 0.2 (bins 9 and 3) are negatives: 0.6/4 + 0.2/4.
  const auto m = multilabel_metrics(Tensor::from({2, 2}, {1, 0, 0, 0}),
                                    Tensor::from({2, 2}, {0.9f, 0.6f, 0.1f, 0.2f}), 0.5f);
  EXPECT_NEAR(m.expected_calibration_error, (0.1 + 0.1 + 0.6 + 0.2) / 4, kTol);
}

TEST(MultiLabelMetrics, PerLabelThresholds) {
  MultiLabelHandCase c;
  const std::vector<float> thresholds = {0.95f, 0.5f, 0.35f};
  const auto m = multilabel_metrics(c.y_true, c.y_score, thresholds);
  EXPECT_EQ(m.thresholds, thresholds);
  // Label 0 now predicts nothing: precision 0 (zero_division) and recall 0.
  EXPECT_EQ(m.precision[0], 0.0);
  EXPECT_EQ(m.recall[0], 0.0);
  // Label 2 predicts samples 0, 1, 2: tp 2, fp 1.
  EXPECT_NEAR(m.precision[2], 2.0 / 3, kTol);
  EXPECT_NEAR(m.recall[2], 1.0, kTol);
  EXPECT_NEAR(m.f1[2], 0.8, kTol);
  // Ranking metrics do not depend on thresholds.
  EXPECT_NEAR(*m.roc_auc[2], 0.75, kTol);
}

TEST(MultiLabelMetrics, NoRankedLabelLeavesAveragesUndefined) {
  const auto m = multilabel_metrics(Tensor::from({2, 2}, {1, 0, 1, 0}),
                                    Tensor::from({2, 2}, {0.7f, 0.2f, 0.4f, 0.1f}), 0.5f);
  EXPECT_TRUE(m.ranked_labels.empty());
  EXPECT_FALSE(m.roc_auc_macro.has_value());
  EXPECT_FALSE(m.roc_auc_micro.has_value());
  EXPECT_FALSE(m.average_precision_macro.has_value());
  EXPECT_FALSE(m.average_precision_micro.has_value());
  EXPECT_NEAR(m.recall[0], 0.5, kTol);
}

TEST(MultiLabelMetrics, ShapeErrorsNameTheShapes) {
  MultiLabelHandCase c;
  expect_error<ShapeError>(
      [&] {
        multilabel_metrics(c.y_true, Tensor::zeros({4, 2}), 0.5f);
      },
      {"multilabel_metrics", "[4, 3]", "[4, 2]"});
  expect_error<ShapeError>(
      [&] { multilabel_metrics(Tensor::zeros({4}), Tensor::zeros({4}), 0.5f); },
      {"y_true", "[n_samples, n_labels]", "[4]"});
  expect_error<ShapeError>(
      [&] {
        multilabel_metrics(Tensor::zeros({0, 3}), Tensor::zeros({0, 3}), 0.5f);
      },
      {"y_true", "[0, 3]"});
  expect_error<ShapeError>([&] { multilabel_metrics(Tensor(), c.y_score, 0.5f); },
                           {"y_true", "undefined"});
  const std::vector<float> two = {0.5f, 0.5f};
  expect_error<ShapeError>([&] { multilabel_metrics(c.y_true, c.y_score, two); },
                           {"2 thresholds", "3 labels"});
}

TEST(MultiLabelMetrics, ValueErrorsNameTheElement) {
  MultiLabelHandCase c;
  Tensor bad_truth = c.y_true.clone();
  bad_truth.data()[1 * 3 + 2] = 0.5f;
  expect_error<ValueError>([&] { multilabel_metrics(bad_truth, c.y_score, 0.5f); },
                           {"y_true[1, 2]", "0.5", "0 or 1"});
  Tensor nan_score = c.y_score.clone();
  nan_score.data()[1] = std::numeric_limits<float>::quiet_NaN();
  expect_error<ValueError>([&] { multilabel_metrics(c.y_true, nan_score, 0.5f); },
                           {"y_score[0, 1]", "nan", "finite"});
  Tensor big_score = c.y_score.clone();
  big_score.data()[11] = 1.5f;
  expect_error<ValueError>([&] { multilabel_metrics(c.y_true, big_score, 0.5f); },
                           {"y_score[3, 2]", "1.5", "[0, 1]"});
  expect_error<ValueError>(
      [&] { multilabel_metrics(c.y_true, c.y_score, std::numeric_limits<float>::quiet_NaN()); },
      {"threshold", "NaN"});
}

}  // namespace
}  // namespace fulcrum::metrics
