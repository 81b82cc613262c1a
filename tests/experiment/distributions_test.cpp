// The distribution functions behind the rank tests, against closed forms and
// published table values.
#include "fulcrum/experiment/distributions.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

using fulcrum::testing::expect_error;

TEST(RegularizedGammaQ, MatchesClosedForms) {
  for (const double x : {0.0, 0.1, 1.0, 2.5, 10.0, 40.0}) {
    // Q(1, x) = e^-x; Q(2, x) = (1 + x) e^-x; Q(1/2, x) = erfc(sqrt(x)).
    EXPECT_NEAR(regularized_gamma_q(1.0, x), std::exp(-x), 1e-14) << x;
    EXPECT_NEAR(regularized_gamma_q(2.0, x), (1.0 + x) * std::exp(-x), 1e-14) << x;
    EXPECT_NEAR(regularized_gamma_q(0.5, x), std::erfc(std::sqrt(x)), 1e-14) << x;
  }
}

TEST(RegularizedGammaQ, KeepsRelativePrecisionInTheTail) {
  // e^-50 = 1.9e-22: 1 - P would be 0 here.
  EXPECT_NEAR(regularized_gamma_q(1.0, 50.0) / std::exp(-50.0), 1.0, 1e-12);
}

TEST(RegularizedBeta, MatchesClosedForms) {
  for (const double x : {0.0, 0.05, 0.3, 0.5, 0.77, 1.0}) {
    // I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b; I_x(a, b) = 1 - I_{1-x}(b, a).
    EXPECT_NEAR(regularized_beta(3.5, 1.0, x), std::pow(x, 3.5), 1e-14) << x;
    EXPECT_NEAR(regularized_beta(1.0, 6.0, x), 1.0 - std::pow(1.0 - x, 6.0), 1e-14) << x;
    EXPECT_NEAR(regularized_beta(2.5, 7.0, x), 1.0 - regularized_beta(7.0, 2.5, 1.0 - x), 1e-13)
        << x;
  }
  // I_x(2, 2) = 3x^2 - 2x^3.
  EXPECT_NEAR(regularized_beta(2.0, 2.0, 0.3), 3 * 0.09 - 2 * 0.027, 1e-14);
}

TEST(ChiSquareSf, MatchesClosedFormsAndTables) {
  // df 2: e^(-x/2); df 1: erfc(sqrt(x/2)).
  EXPECT_NEAR(chi_square_sf(3.0, 2.0), std::exp(-1.5), 1e-14);
  EXPECT_NEAR(chi_square_sf(3.841458820694124, 1.0), 0.05, 1e-12);
  // df 3: erfc(sqrt(x/2)) + sqrt(2x / pi) e^(-x/2).
  for (const double x : {0.5, 9.28, 30.0}) {
    EXPECT_NEAR(chi_square_sf(x, 3.0),
                std::erfc(std::sqrt(x / 2)) + std::sqrt(2 * x / M_PI) * std::exp(-x / 2), 1e-13)
        << x;
  }
  // Table values: the 0.95 and 0.99 quantiles.
  EXPECT_NEAR(chi_square_sf(7.814727903251178, 3.0), 0.05, 1e-12);
  EXPECT_NEAR(chi_square_sf(18.307038053275146, 10.0), 0.05, 1e-12);
  EXPECT_NEAR(chi_square_sf(11.344866730144373, 3.0), 0.01, 1e-12);
  EXPECT_EQ(chi_square_sf(0.0, 4.0), 1.0);
  EXPECT_EQ(chi_square_sf(-1.0, 4.0), 1.0);
}

TEST(FSf, MatchesClosedFormsAndTables) {
  // d1 = 2: P(F >= x) = (1 + 2x / d2)^(-d2 / 2).
  for (const double x : {0.1, 1.0, 3.7, 20.0}) {
    EXPECT_NEAR(f_sf(x, 2.0, 9.0), std::pow(1.0 + 2.0 * x / 9.0, -4.5), 1e-13) << x;
  }
  // d2 = 2: P(F >= x) = 1 - (d1 x / (2 + d1 x))^(d1 / 2).
  for (const double x : {0.1, 1.0, 3.7, 20.0}) {
    EXPECT_NEAR(f_sf(x, 7.0, 2.0), 1.0 - std::pow(7.0 * x / (2.0 + 7.0 * x), 3.5), 1e-13) << x;
  }
  // Table values (to their printed digits): the 0.95 quantile of F(3, 39), the
  // critical value in Demsar's worked example (2.85), and of F(5, 10) (3.33).
  EXPECT_NEAR(f_sf(2.85, 3.0, 39.0), 0.05, 1e-3);
  EXPECT_NEAR(f_sf(3.33, 5.0, 10.0), 0.05, 1e-3);
  EXPECT_EQ(f_sf(0.0, 3.0, 39.0), 1.0);
  EXPECT_EQ(f_sf(INFINITY, 3.0, 39.0), 0.0);
}

TEST(StudentizedRange, TwoValuesIsTheNormalRange) {
  // The range of two standard normals is |N(0, 2)|: P(Q <= q) = 2 Phi(q / sqrt 2) - 1.
  for (const double q : {0.5, 1.0, 2.77}) {
    EXPECT_NEAR(studentized_range_cdf(q, 2), std::erf(q / 2.0), 1e-9) << q;
  }
  EXPECT_EQ(studentized_range_cdf(0.0, 5), 0.0);
}

TEST(StudentizedRange, QuantilesMatchDemsarsTable) {
  // Demsar (2006) table 5a: q_alpha = studentized range quantile / sqrt(2), k = 2..10.
  // The table divides quantiles printed to three decimals by sqrt(2) and rounds
  // again, so its entries are up to 0.0005 / sqrt(2) + 0.0005 = 0.00085 off.
  const double q05[] = {1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164};
  const double q10[] = {1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920};
  for (int k = 2; k <= 10; ++k) {
    EXPECT_NEAR(studentized_range_quantile(0.95, k) / std::sqrt(2.0), q05[k - 2], 9e-4) << k;
    EXPECT_NEAR(studentized_range_quantile(0.90, k) / std::sqrt(2.0), q10[k - 2], 9e-4) << k;
  }
}

TEST(Distributions, RefuseArgumentsOutsideTheirDomain) {
  expect_error<ValueError>([] { regularized_gamma_q(0.0, 1.0); },
                           {"regularized_gamma_q", "got a = 0, x = 1"});
  expect_error<ValueError>([] { regularized_gamma_q(1.0, -1.0); },
                           {"regularized_gamma_q", "got a = 1, x = -1"});
  expect_error<ValueError>([] { regularized_beta(1.0, 1.0, 1.5); },
                           {"regularized_beta", "0 <= x <= 1", "x = 1.5"});
  expect_error<ValueError>([] { chi_square_sf(1.0, 0.0); },
                           {"chi_square_sf", "degrees of freedom must be > 0, got 0"});
  expect_error<ValueError>([] { f_sf(1.0, 3.0, 0.0); },
                           {"f_sf", "degrees of freedom must be > 0, got (3, 0)"});
  expect_error<ValueError>([] { studentized_range_cdf(1.0, 1); },
                           {"studentized_range_cdf", "needs k >= 2 values, got 1"});
  expect_error<ValueError>([] { studentized_range_quantile(1.0, 4); },
                           {"studentized_range_quantile", "needs 0 < p < 1, got 1"});
}

}  // namespace
}  // namespace fulcrum::experiment
