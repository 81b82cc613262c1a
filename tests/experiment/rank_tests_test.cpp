// Average ranks, Friedman's test and the Nemenyi critical difference, against
// the worked example of Demsar (JMLR 7, 2006, section 3.2.4: four variants of
// C4.5 on 14 data sets) and hand-computed cases.
#include "fulcrum/experiment/rank_tests.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

using fulcrum::testing::expect_error;

using Ranks = std::vector<double>;

TEST(RankScores, TiesShareTheMeanOfTheirRanks) {
  EXPECT_EQ(rank_scores({0.9, 0.8, 0.8, 0.7}, true), (Ranks{1, 2.5, 2.5, 4}));
  EXPECT_EQ(rank_scores({0.9, 0.8, 0.8, 0.7}, false), (Ranks{4, 2.5, 2.5, 1}));
  EXPECT_EQ(rank_scores({1.0, 1.0, 1.0, 1.0}, true), (Ranks{2.5, 2.5, 2.5, 2.5}));
  EXPECT_EQ(rank_scores({0.2, 0.5, 0.2, 0.5, 0.1}, true), (Ranks{3.5, 1.5, 3.5, 1.5, 5}));
}

TEST(RankScores, RefusesNaNNamingItsPosition) {
  try {
    rank_scores({0.1, NAN}, true);
    FAIL() << "NaN was ranked";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("score 1 of 2 is NaN"), std::string::npos) << e.what();
  }
}

TEST(AverageRanks, AveragesEachDataSetsRanks) {
  // Lower is better (a loss): data set 0 ranks {1, 2, 3}, data set 1 {2, 1, 3}.
  const Ranks ranks = average_ranks({{0.1, 0.2, 0.3}, {0.5, 0.4, 0.6}}, false);
  EXPECT_EQ(ranks, (Ranks{1.5, 1.5, 3.0}));
  expect_error<ValueError>([] { average_ranks({}, true); },
                           {"average_ranks", "no data set to rank on"});
  expect_error<ValueError>(
      [] {
        average_ranks({{0.1, 0.2}, {0.3}}, true);
      },
      {"average_ranks", "data set 1 has 1 scores, data set 0 has 2"});
}

// Demsar's average ranks of C4.5, C4.5+m, C4.5+cf and C4.5+m+cf (3.143,
// 2.000, 2.893, 1.964): rank sums 44, 28, 40.5 and 27.5 over N = 14.
const Ranks kDemsarRanks{44.0 / 14, 28.0 / 14, 40.5 / 14, 27.5 / 14};

TEST(FriedmanTest, ReproducesDemsarsWorkedExample) {
  const FriedmanTest test = friedman_test(kDemsarRanks, 14);
  EXPECT_EQ(test.methods, 4);
  EXPECT_EQ(test.datasets, 14);
  // chi2_F = 9.28 and F_F = 3.69, with 3 and 3 x 13 = 39 degrees of freedom.
  EXPECT_NEAR(test.chi_square, 9.28, 0.005);
  EXPECT_EQ(test.chi_square_df, 3.0);
  EXPECT_NEAR(test.iman_davenport, 3.69, 0.005);
  EXPECT_EQ(test.iman_davenport_df1, 3.0);
  EXPECT_EQ(test.iman_davenport_df2, 39.0);
  // F_F = 3.69 > 2.85, the critical value at 0.05: p below 0.05, and it is the
  // F survival function of the statistic.
  EXPECT_LT(test.iman_davenport_p, 0.05);
  EXPECT_GT(test.iman_davenport_p, 0.01);
  // Exact: chi2_F = 12 N / (k (k + 1)) (sum R^2 - k (k + 1)^2 / 4).
  double squares = 0;
  for (const double r : kDemsarRanks) squares += r * r;
  EXPECT_DOUBLE_EQ(test.chi_square, 12.0 * 14 / 20 * (squares - 25.0));
  const double x = test.chi_square;  // df 3: erfc(sqrt(x/2)) + sqrt(2x / pi) e^(-x/2)
  EXPECT_NEAR(test.chi_square_p,
              std::erfc(std::sqrt(x / 2)) + std::sqrt(2 * x / M_PI) * std::exp(-x / 2), 1e-13);
}

TEST(FriedmanTest, EqualRanksGiveNoEvidenceAndIdenticalRankingsCertainty) {
  const FriedmanTest equal = friedman_test({2.0, 2.0, 2.0}, 5);
  EXPECT_EQ(equal.chi_square, 0.0);
  EXPECT_EQ(equal.chi_square_p, 1.0);
  EXPECT_EQ(equal.iman_davenport_p, 1.0);
  // Every data set ranks the methods 1, 2, 3: chi2 = N (k - 1) = 10.
  const FriedmanTest same = friedman_test({1.0, 2.0, 3.0}, 5);
  EXPECT_NEAR(same.chi_square, 10.0, 1e-12);
  EXPECT_NEAR(same.chi_square_p, std::exp(-5.0), 1e-12);  // df 2: e^(-x/2)
  EXPECT_TRUE(std::isinf(same.iman_davenport));
  EXPECT_EQ(same.iman_davenport_p, 0.0);
}

TEST(FriedmanTest, RefusesTooFewMethodsOrDataSetsOrImpossibleRanks) {
  expect_error<ValueError>([] { friedman_test({1.0}, 5); },
                           {"friedman_test", "at least 2 methods, got 1"});
  expect_error<ValueError>(
      [] {
        friedman_test({1.0, 2.0}, 1);
      },
      {"friedman_test", "at least 2 data sets, got 1"});
  expect_error<ValueError>(
      [] {
        friedman_test({0.5, 2.0}, 5);
      },
      {"friedman_test", "average rank 0.5 of method 0 is outside [1, 2]"});
}

TEST(NemenyiTest, ReproducesDemsarsCriticalDifference) {
  // k = 4, N = 14, alpha 0.05: q = 2.569, CD = 2.569 sqrt(4 * 5 / (6 * 14)) = 1.25.
  const NemenyiTest test = nemenyi_test(4, 14, 0.05);
  EXPECT_NEAR(test.q_alpha, 2.569, 6e-4);
  EXPECT_NEAR(test.critical_difference, 1.25, 0.005);
  EXPECT_DOUBLE_EQ(test.critical_difference, test.q_alpha * std::sqrt(20.0 / 84.0));
  // At 0.10: q = 2.291, CD = 1.12 (Demsar: "the critical difference is 1.12").
  EXPECT_NEAR(nemenyi_test(4, 14, 0.10).critical_difference, 1.12, 0.005);
  expect_error<ValueError>([] { nemenyi_test(1, 14); },
                           {"nemenyi_test", "at least 2 methods, got 1"});
  expect_error<ValueError>([] { nemenyi_test(4, 0); },
                           {"nemenyi_test", "at least 1 data set, got 0"});
  expect_error<ValueError>([] { nemenyi_test(4, 14, 1.0); },
                           {"nemenyi_test", "alpha must be in (0, 1), got 1"});
}

TEST(NemenyiGroups, AreTheMaximalRunsSpanningLessThanTheDifference) {
  // Demsar's sorted ranks (C4.5+m+cf, C4.5+m, C4.5+cf, C4.5). At 0.05 (CD 1.25)
  // no pair differs: one group. At 0.10 (CD 1.12) C4.5 differs from the two
  // best (by 1.179 and 1.143), which leaves two overlapping groups.
  const Ranks sorted{27.5 / 14, 28.0 / 14, 40.5 / 14, 44.0 / 14};
  using Groups = std::vector<std::pair<size_t, size_t>>;
  EXPECT_EQ(nemenyi_groups(sorted, 1.25), (Groups{{0, 3}}));
  EXPECT_EQ(nemenyi_groups(sorted, 1.12), (Groups{{0, 2}, {2, 3}}));
  EXPECT_EQ(nemenyi_groups(sorted, 0.1), (Groups{{0, 1}}));
  EXPECT_EQ(nemenyi_groups({1.0, 2.0, 3.0}, 0.5), Groups{});
}

}  // namespace
}  // namespace fulcrum::experiment
