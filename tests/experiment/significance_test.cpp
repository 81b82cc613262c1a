// The statistics behind the report's paired comparisons, against closed forms
// (I_x(a, b) with integer a, b is a binomial tail; Student's t with 1 and 2
// degrees of freedom has an elementary CDF), a direct numerical integration of
// the t density, and critical values from the t table (as printed by
// scipy.stats.t.ppf(q, df), e.g. t.ppf(0.975, 5) = 2.5705818366147395; each
// was checked to 1e-10 against mpmath's betainc at 30 digits).
#include "fulcrum/experiment/significance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

// I_x(a, b) for whole a, b: P(Binomial(a + b - 1, x) >= a).
double binomial_tail(int a, int b, double x) {
  const int n = a + b - 1;
  double sum = 0;
  for (int j = a; j <= n; ++j) {
    const double log_choose =
        std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0);
    sum += std::exp(log_choose + j * std::log(x) + (n - j) * std::log1p(-x));
  }
  return sum;
}

TEST(IncompleteBeta, MatchesTheBinomialTailForWholeParameters) {
  for (const int a : {1, 2, 5, 30}) {
    for (const int b : {1, 3, 7, 40}) {
      for (const double x : {0.01, 0.2, 0.5, 0.77, 0.999}) {
        EXPECT_NEAR(regularized_incomplete_beta(a, b, x), binomial_tail(a, b, x), 1e-12)
            << "a=" << a << " b=" << b << " x=" << x;
      }
    }
  }
}

TEST(IncompleteBeta, IsSymmetricAndHasTheRightEnds) {
  EXPECT_NEAR(regularized_incomplete_beta(2.5, 2.5, 0.5), 0.5, 1e-14);
  EXPECT_NEAR(regularized_incomplete_beta(0.5, 3.25, 0.3),
              1 - regularized_incomplete_beta(3.25, 0.5, 0.7), 1e-13);
  EXPECT_EQ(regularized_incomplete_beta(3, 4, 0.0), 0.0);
  EXPECT_EQ(regularized_incomplete_beta(3, 4, 1.0), 1.0);
}

TEST(IncompleteBeta, RefusesParametersOutsideItsDomain) {
  testing::expect_error<ValueError>([] { regularized_incomplete_beta(0, 1, 0.5); },
                                    {"regularized_incomplete_beta", "a=0"});
  testing::expect_error<ValueError>([] { regularized_incomplete_beta(1, 1, 1.5); },
                                    {"x in [0, 1]", "x=1.5"});
}

TEST(StudentT, MatchesTheClosedFormsForOneAndTwoDegreesOfFreedom) {
  for (const double t : {-30.0, -2.0, -0.3, 0.0, 0.7, 1.0, 4.5}) {
    EXPECT_NEAR(student_t_cdf(t, 1), 0.5 + std::atan(t) / std::numbers::pi, 1e-13) << t;
    EXPECT_NEAR(student_t_cdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-13) << t;
  }
}

TEST(StudentT, GivesTheTableProbabilitiesAtTheTableCriticalValues) {
  // scipy.stats.t.ppf(q, df) for the usual q (the two-sided 5% and 1% values).
  struct Row {
    double df, q, t;
  };
  for (const Row& row : {Row{2, 0.975, 4.302652729749464}, Row{5, 0.975, 2.5705818366147395},
                         Row{10, 0.975, 2.2281388519649385}, Row{30, 0.975, 2.0422724563012373},
                         Row{3, 0.995, 5.840909309733349}}) {
    EXPECT_NEAR(student_t_cdf(row.t, row.df), row.q, 1e-9) << "df=" << row.df;
    EXPECT_NEAR(student_t_cdf(-row.t, row.df), 1 - row.q, 1e-9) << "df=" << row.df;
  }
}

TEST(StudentT, AgreesWithANumericalIntegralOfTheDensity) {
  const double df = 3.7;
  const auto density = [df](double x) {
    return std::exp(std::lgamma((df + 1) / 2) - std::lgamma(df / 2)) /
           std::sqrt(df * std::numbers::pi) * std::pow(1 + x * x / df, -(df + 1) / 2);
  };
  // Simpson's rule from 0 to t, plus the half of the mass below 0.
  const double t = 1.3;
  const int steps = 2000;
  const double h = t / steps;
  double sum = density(0) + density(t);
  for (int i = 1; i < steps; ++i) sum += density(i * h) * (i % 2 == 1 ? 4 : 2);
  EXPECT_NEAR(student_t_cdf(t, df), 0.5 + sum * h / 3, 1e-10);
}

TEST(StudentT, HandlesInfiniteArgumentsAndRefusesBadDegreesOfFreedom) {
  EXPECT_EQ(student_t_cdf(INFINITY, 4), 1.0);
  EXPECT_EQ(student_t_cdf(-INFINITY, 4), 0.0);
  testing::expect_error<ValueError>([] { student_t_cdf(1.0, 0); }, {"student_t_cdf", "df is 0"});
}

TEST(PairedTTest, ComputesTAndTheTwoSidedP) {
  // d = (0.03, 0.04, 0.02): mean 0.03, sd 0.01, t = 0.03 / (0.01 / sqrt(3)).
  const PairedTTest test = paired_t_test({0.45, 0.47, 0.46}, {0.42, 0.43, 0.44});
  EXPECT_EQ(test.n, 3);
  EXPECT_NEAR(test.mean_difference, 0.03, 1e-12);
  ASSERT_TRUE(test.t && test.p_value);
  const double t = 0.03 / (0.01 / std::sqrt(3.0));
  EXPECT_NEAR(*test.t, t, 1e-9);
  // Two-sided with 2 degrees of freedom: 1 - t / sqrt(2 + t^2) (0.0350992...).
  EXPECT_NEAR(*test.p_value, 1 - t / std::sqrt(2 + t * t), 1e-12);
  // The sign of the difference flips t, not p.
  const PairedTTest flipped = paired_t_test({0.42, 0.43, 0.44}, {0.45, 0.47, 0.46});
  EXPECT_NEAR(*flipped.t, -t, 1e-9);
  EXPECT_NEAR(*flipped.p_value, *test.p_value, 1e-15);
}

TEST(PairedTTest, HasNoPValueWithoutSpread) {
  EXPECT_FALSE(paired_t_test({0.5}, {0.4}).p_value);
  EXPECT_FALSE(paired_t_test({0.5, 0.6}, {0.4, 0.5}).p_value);  // every difference 0.1
  testing::expect_error<ValueError>(
      [] {
        paired_t_test({1, 2}, {1});
      },
      {"paired_t_test", "2 values against 1"});
  testing::expect_error<ValueError>([] { paired_t_test({1, NAN}, {1, 2}); }, {"pair 1", "finite"});
}

TEST(Wilcoxon, GivesTheExactTwoSidedP) {
  // Three positive differences: W+ = 6, and only 2 of the 8 sign patterns
  // are as extreme. The smallest p three seeds can give.
  const WilcoxonTest three = wilcoxon_signed_rank({3, 5, 9}, {1, 2, 3});
  EXPECT_EQ(three.n, 3);
  EXPECT_EQ(three.w_plus, 6);
  EXPECT_DOUBLE_EQ(*three.p_value, 0.25);
  // d = (1, -2, 3, 4, 5): W+ = 13; W+ <= 2 or >= 13 in 6 of 32 patterns
  // (scipy.stats.wilcoxon([1, -2, 3, 4, 5]).pvalue = 0.1875).
  const WilcoxonTest five = wilcoxon_signed_rank({1, -2, 3, 4, 5}, {0, 0, 0, 0, 0});
  EXPECT_EQ(five.w_plus, 13);
  EXPECT_DOUBLE_EQ(*five.p_value, 6.0 / 32);
}

TEST(Wilcoxon, DropsZeroDifferencesAndAveragesTiedRanks) {
  // d = (0, 2, -2, 1): the zero goes; |d| ranks 2.5, 2.5, 1; W+ = 2.5 + 1.
  const WilcoxonTest test = wilcoxon_signed_rank({5, 7, 3, 6}, {5, 5, 5, 5});
  EXPECT_EQ(test.n, 3);
  EXPECT_DOUBLE_EQ(test.w_plus, 3.5);
  // Center 3; every pattern but none is as far (|W - 3| >= 0.5): sums are
  // 0, 1, 2.5, 2.5, 3.5, 3.5, 5, 6 -> all 8.
  EXPECT_DOUBLE_EQ(*test.p_value, 1.0);
  EXPECT_FALSE(wilcoxon_signed_rank({1, 2}, {1, 2}).p_value);
}

TEST(Wilcoxon, UsesTheNormalApproximationForManyPairs) {
  std::vector<double> a, b;
  for (int i = 1; i <= 25; ++i) {
    a.push_back(i);
    b.push_back(0);
  }
  const WilcoxonTest test = wilcoxon_signed_rank(a, b);
  // W+ = 325, mean 162.5, variance 25 * 26 * 51 / 24 = 1381.25.
  EXPECT_DOUBLE_EQ(test.w_plus, 325);
  EXPECT_NEAR(*test.p_value, std::erfc(162.5 / std::sqrt(1381.25) / std::sqrt(2.0)), 1e-15);
}

}  // namespace
}  // namespace fulcrum::experiment
