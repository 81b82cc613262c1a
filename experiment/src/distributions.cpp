// Chi-square, F and studentized range distribution functions (distributions.hpp).
#include "fulcrum/experiment/distributions.hpp"

#include <cmath>
#include <limits>

#include "fulcrum/core/error.hpp"

namespace fulcrum::experiment {

namespace {

constexpr double kEpsilon = 1e-15;
constexpr double kTiny = 1e-300;  // keeps Lentz's denominators away from 0
constexpr int kMaxIterations = 10000;

// P(a, x) by its power series, for x < a + 1 where it converges fast:
// P = e^-x x^a / Gamma(a) * sum_n x^n / (a (a + 1) ... (a + n)).
double gamma_p_series(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  for (int n = 1; n < kMaxIterations; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEpsilon) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Q(a, x) by its continued fraction (modified Lentz), for x >= a + 1, where it
// keeps full relative precision in the far tail that 1 - P would lose.
double gamma_q_continued_fraction(double a, double x) {
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1.0) < kEpsilon) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

// The continued fraction of I_x(a, b) (modified Lentz); converges fast for
// x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m < kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1.0) < kEpsilon) break;
  }
  return h;
}

double clamp_probability(double p) { return std::fmin(1.0, std::fmax(0.0, p)); }

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI); }

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

double regularized_gamma_q(double a, double x) {
  FULCRUM_CHECK(a > 0 && x >= 0, "regularized_gamma_q: needs a > 0 and x >= 0, got a = {}, x = {}",
                a, x);
  if (x == 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (x < a + 1.0) return clamp_probability(1.0 - gamma_p_series(a, x));
  return clamp_probability(gamma_q_continued_fraction(a, x));
}

double regularized_beta(double a, double b, double x) {
  FULCRUM_CHECK(a > 0 && b > 0 && x >= 0 && x <= 1,
                "regularized_beta: needs a > 0, b > 0 and 0 <= x <= 1, got a = {}, b = {}, x = {}",
                a, b, x);
  if (x == 0) return 0.0;
  if (x == 1) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  // I_x(a, b) = 1 - I_{1-x}(b, a): evaluate the side where the fraction converges.
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return clamp_probability(front * beta_continued_fraction(a, b, x) / a);
  }
  return clamp_probability(1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b);
}

double chi_square_sf(double x, double df) {
  FULCRUM_CHECK(df > 0, "chi_square_sf: degrees of freedom must be > 0, got {}", df);
  if (!(x > 0)) return 1.0;
  return regularized_gamma_q(df / 2.0, x / 2.0);
}

double f_sf(double x, double d1, double d2) {
  FULCRUM_CHECK(d1 > 0 && d2 > 0, "f_sf: degrees of freedom must be > 0, got ({}, {})", d1, d2);
  if (!(x > 0)) return 1.0;
  if (std::isinf(x)) return 0.0;
  return regularized_beta(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * x));
}

double studentized_range_cdf(double q, int k) {
  FULCRUM_CHECK(k >= 2, "studentized_range_cdf: needs k >= 2 values, got {}", k);
  if (!(q > 0)) return 0.0;
  // Composite Simpson over z in [-9, 9], beyond which phi(z) < 1e-17.
  constexpr int kIntervals = 2400;
  constexpr double kLow = -9.0, kHigh = 9.0;
  const double h = (kHigh - kLow) / kIntervals;
  double sum = 0;
  for (int i = 0; i <= kIntervals; ++i) {
    const double z = kLow + i * h;
    const double inside = std::fmax(0.0, normal_cdf(z) - normal_cdf(z - q));
    const double value = normal_pdf(z) * std::pow(inside, k - 1);
    const double weight = (i == 0 || i == kIntervals) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
    sum += weight * value;
  }
  return clamp_probability(k * sum * h / 3.0);
}

double studentized_range_quantile(double p, int k) {
  FULCRUM_CHECK(k >= 2, "studentized_range_quantile: needs k >= 2 values, got {}", k);
  FULCRUM_CHECK(p > 0 && p < 1, "studentized_range_quantile: needs 0 < p < 1, got {}", p);
  double low = 0.0, high = 1.0;
  while (studentized_range_cdf(high, k) < p && high < 1e6) high *= 2.0;
  // Bisection: the CDF is increasing in q; 60 halvings reach double precision.
  for (int i = 0; i < 60; ++i) {
    const double middle = 0.5 * (low + high);
    (studentized_range_cdf(middle, k) < p ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

}  // namespace fulcrum::experiment
