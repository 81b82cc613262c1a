#pragma once
// Paired significance tests for comparing two strategies run with the same
// seeds: the paired t-test (Student's t distribution through the regularized
// incomplete beta function) and the exact Wilcoxon signed-rank test.
//
// With the handful of seeds an experiment has, both are weak: with 3 pairs
// the smallest two-sided Wilcoxon p-value is 0.25, and the t-test has 2
// degrees of freedom. The report says so next to the numbers.

#include <cstdint>
#include <optional>
#include <vector>

namespace fulcrum::experiment {

/// The regularized incomplete beta function I_x(a, b) (Numerical Recipes'
/// continued fraction, evaluated by the modified Lentz method).
/// Requires: a > 0, b > 0, 0 <= x <= 1 (ValueError otherwise).
/// Ensures: the result is in [0, 1], accurate to about 1e-12.
double regularized_incomplete_beta(double a, double b, double x);

/// P(T <= t) for Student's t distribution with `df` degrees of freedom.
/// Requires: df > 0 (ValueError otherwise). t may be +-infinity.
double student_t_cdf(double t, double df);

/// Represents: a two-sided paired t-test of mean(a - b) = 0.
/// t and p_value are nullopt when n < 2 or every difference is the same
/// (the standard error is 0: no test is possible; p would be 0 or undefined).
struct PairedTTest {
  int64_t n = 0;
  double mean_difference = 0;  ///< mean of a[i] - b[i]
  std::optional<double> t;
  std::optional<double> p_value;
};

/// Requires: a.size() == b.size() (ValueError otherwise), finite values.
PairedTTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b);

/// Represents: a two-sided Wilcoxon signed-rank test of the differences
/// a[i] - b[i]. Zero differences are dropped (Wilcoxon's method); ties among
/// the others get their average rank. p_value is exact (all 2^n sign
/// assignments) for n <= 20, from the normal approximation with tie
/// correction beyond; nullopt when n == 0.
struct WilcoxonTest {
  int64_t n = 0;      ///< non-zero differences
  double w_plus = 0;  ///< the sum of the ranks of the positive differences
  std::optional<double> p_value;
};

/// Requires: a.size() == b.size() (ValueError otherwise), finite values.
WilcoxonTest wilcoxon_signed_rank(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace fulcrum::experiment
