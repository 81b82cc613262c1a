// ROC-AUC, average precision, label ranking average precision and coverage
// error on cases small enough to check by hand, including ties.

#include "fulcrum/metrics/ranking.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "expect_error.hpp"
#include "fulcrum/core/error.hpp"

namespace fulcrum::metrics {
namespace {

using testing::expect_error;

using V = std::vector<double>;

TEST(RocAuc, PerfectReversedAndTiedRankings) {
  EXPECT_DOUBLE_EQ(*binary_roc_auc(V{0, 0, 1, 1}, V{0.1, 0.2, 0.8, 0.9}), 1.0);
  EXPECT_DOUBLE_EQ(*binary_roc_auc(V{1, 1, 0, 0}, V{0.1, 0.2, 0.8, 0.9}), 0.0);
  // One threshold for all: the curve is the diagonal.
  EXPECT_DOUBLE_EQ(*binary_roc_auc(V{0, 1, 0, 1}, V{0.5, 0.5, 0.5, 0.5}), 0.5);
}

TEST(RocAuc, SklearnDocumentationExample) {
  // sklearn.metrics.roc_auc_score docs: 3 of the 4 positive/negative pairs are ordered.
  EXPECT_DOUBLE_EQ(*binary_roc_auc(V{0, 0, 1, 1}, V{0.1, 0.4, 0.35, 0.8}), 0.75);
}

TEST(RocAuc, TiedPositiveAndNegativeCountHalf) {
  // Pairs: (0.9 vs 0.5) 1, (0.9 vs 0.2) 1, (0.5 vs 0.5) 1/2, (0.5 vs 0.2) 1 -> 3.5 / 4.
  EXPECT_DOUBLE_EQ(*binary_roc_auc(V{0, 1, 0, 1}, V{0.5, 0.5, 0.2, 0.9}), 0.875);
}

TEST(RocAuc, OneClassIsUndefined) {
  EXPECT_FALSE(binary_roc_auc(V{1, 1, 1}, V{0.1, 0.5, 0.9}).has_value());
  EXPECT_FALSE(binary_roc_auc(V{0, 0, 0}, V{0.1, 0.5, 0.9}).has_value());
  EXPECT_FALSE(binary_roc_auc(V{}, V{}).has_value());
}

TEST(RocAuc, LengthMismatchThrows) {
  expect_error<ShapeError>(
      [] {
        binary_roc_auc(V{0, 1}, V{0.5});
      },
      {"binary_roc_auc: y_true has 2 values but y_score has 1"});
}

TEST(AveragePrecision, SklearnDocumentationExample) {
  // Thresholds 0.8: P 1, R 1/2; 0.4: P 1/2, R 1/2; 0.35: P 2/3, R 1; 0.1: P 1/2, R 1.
  // AP = 1/2 * 1 + 0 + 1/2 * 2/3 + 0 = 5/6 (sklearn's docs print 0.83...).
  EXPECT_NEAR(*binary_average_precision(V{0, 0, 1, 1}, V{0.1, 0.4, 0.35, 0.8}), 5.0 / 6.0, 1e-15);
}

TEST(AveragePrecision, IsNotInterpolated) {
  // Thresholds 0.9: P 0, R 0; 0.8: P 1/2, R 1/2; 0.7: P 2/3, R 1.
  // Step sum: 1/2 * 1/2 + 1/2 * 2/3 = 7/12. Interpolating (max precision at
  // recall >= r) would give 2/3, the trapezoid rule something else again.
  EXPECT_NEAR(*binary_average_precision(V{0, 1, 1}, V{0.9, 0.8, 0.7}), 7.0 / 12.0, 1e-15);
}

TEST(AveragePrecision, TiedScoresAreOneThreshold) {
  // 0.9: P 1, R 1/2; 0.5 (a positive and a negative): P 2/3, R 1.
  EXPECT_NEAR(*binary_average_precision(V{0, 1, 0, 1}, V{0.5, 0.5, 0.2, 0.9}), 5.0 / 6.0, 1e-15);
  // Everything tied: one point, precision = prevalence.
  EXPECT_NEAR(*binary_average_precision(V{1, 0, 0, 0}, V{0.3, 0.3, 0.3, 0.3}), 0.25, 1e-15);
}

TEST(AveragePrecision, NoPositiveIsUndefined) {
  EXPECT_FALSE(binary_average_precision(V{0, 0}, V{0.2, 0.7}).has_value());
  EXPECT_DOUBLE_EQ(*binary_average_precision(V{1, 1}, V{0.2, 0.7}), 1.0);
}

TEST(LabelRankingAveragePrecision, SklearnDocumentationExample) {
  // Sample 1: relevant label scored 2nd -> 1/2; sample 2: relevant scored 3rd -> 1/3.
  const V y_true = {1, 0, 0, 0, 0, 1};
  const V y_score = {0.75, 0.5, 1, 1, 0.2, 0.1};
  EXPECT_NEAR(label_ranking_average_precision(y_true, y_score, 2, 3), (0.5 + 1.0 / 3) / 2, 1e-15);
}

TEST(LabelRankingAveragePrecision, TiesRankPessimistically) {
  // All three labels tied: the relevant one has rank 3 ("max"), 1 relevant above.
  EXPECT_NEAR(label_ranking_average_precision(V{1, 0, 0}, V{0.5, 0.5, 0.5}, 1, 3), 1.0 / 3, 1e-15);
  // Two relevant tied with one irrelevant: each has rank 3, 2 relevant -> 2/3.
  EXPECT_NEAR(label_ranking_average_precision(V{1, 1, 0}, V{0.5, 0.5, 0.5}, 1, 3), 2.0 / 3, 1e-15);
}

TEST(LabelRankingAveragePrecision, NoneOrAllRelevantScoreOne) {
  EXPECT_DOUBLE_EQ(label_ranking_average_precision(V{0, 0, 1, 1}, V{0.9, 0.1, 0.1, 0.9}, 2, 2),
                   1.0);
}

TEST(CoverageError, SklearnDocumentationExample) {
  // sklearn.metrics.coverage_error docs: [[1,0,0],[0,1,1]] scored the same
  // way; labels scored >= the lowest relevant score: 1, then 2 -> 1.5.
  const V y_true = {1, 0, 0, 0, 1, 1};
  const V y_score = {1, 0, 0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(coverage_error(y_true, y_score, 2, 3), 1.5);
  // Scored badly: the relevant label of sample 0 is last (3), sample 1 needs 3.
  const V bad_score = {0.1, 0.5, 0.9, 0.9, 0.1, 0.5};
  EXPECT_DOUBLE_EQ(coverage_error(y_true, bad_score, 2, 3), 3.0);
}

TEST(CoverageError, TiesAreAllCoveredAndEmptyRowsCountZero) {
  EXPECT_DOUBLE_EQ(coverage_error(V{1, 0, 0}, V{0.5, 0.5, 0.5}, 1, 3), 3.0);
  // Second sample has no relevant label: 0 (sklearn), so the mean is (1 + 0) / 2.
  EXPECT_DOUBLE_EQ(coverage_error(V{1, 0, 0, 0}, V{0.9, 0.1, 0.4, 0.6}, 2, 2), 0.5);
}

TEST(RankingMatrices, SizeMismatchThrows) {
  expect_error<ShapeError>(
      [] {
        coverage_error(V{1, 0, 0}, V{0.5, 0.5}, 1, 3);
      },
      {"coverage_error: y_true has 3 values and y_score 2", "n_samples * n_labels = 1 * 3"});
  expect_error<ShapeError>(
      [] {
        label_ranking_average_precision(V{1, 0, 0}, V{0.5, 0.5, 0.5}, 2, 3);
      },
      {"label_ranking_average_precision: y_true has 3 values and y_score 3",
       "n_samples * n_labels = 2 * 3"});
}

}  // namespace
}  // namespace fulcrum::metrics
