#pragma once
// The distribution functions the rank tests over data sets need
// (rank_tests.hpp): the survival functions of the chi-square and F
// distributions, through the regularized incomplete gamma and beta functions,
// and the studentized range distribution with infinite degrees of freedom,
// whose quantiles give the Nemenyi test's critical values.
//
// Double precision throughout; accurate to about 1e-12 relative for the
// incomplete functions (series and continued fractions as in Numerical
// Recipes, 3rd ed., 6.2 and 6.4) and 1e-9 absolute for the studentized range.

namespace fulcrum::experiment {

/// Q(a, x) = Gamma(a, x) / Gamma(a), the upper regularized incomplete gamma
/// function. Requires: a > 0, x >= 0 (ValueError otherwise).
/// Ensures: a value in [0, 1]; Q(a, 0) = 1.
double regularized_gamma_q(double a, double x);

/// I_x(a, b), the regularized incomplete beta function.
/// Requires: a > 0, b > 0, 0 <= x <= 1 (ValueError otherwise).
/// Ensures: a value in [0, 1]; I_0 = 0, I_1 = 1.
double regularized_beta(double a, double b, double x);

/// P(X >= x) for X chi-square distributed with `df` degrees of freedom:
/// Q(df / 2, x / 2); 1 for x <= 0. Requires: df > 0.
double chi_square_sf(double x, double df);

/// P(X >= x) for X F distributed with (d1, d2) degrees of freedom:
/// I_{d2 / (d2 + d1 x)}(d2 / 2, d1 / 2); 1 for x <= 0, 0 for x = +inf.
/// Requires: d1 > 0, d2 > 0.
double f_sf(double x, double d1, double d2);

/// P(Q <= q) for Q the range of k independent standard normal values (the
/// studentized range with infinite degrees of freedom):
/// k * integral phi(z) (Phi(z) - Phi(z - q))^(k - 1) dz. 0 for q <= 0.
/// Requires: k >= 2.
double studentized_range_cdf(double q, int k);

/// The q with studentized_range_cdf(q, k) = p. Requires: k >= 2, 0 < p < 1.
double studentized_range_quantile(double p, int k);

}  // namespace fulcrum::experiment
