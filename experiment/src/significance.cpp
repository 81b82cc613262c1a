// Paired t-test and Wilcoxon signed-rank test (significance.hpp).
#include "fulcrum/experiment/significance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "fulcrum/core/error.hpp"

namespace fulcrum::experiment {

namespace {

// The continued fraction of I_x(a, b) (Numerical Recipes, betacf), which
// converges fast for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 500;
  constexpr double kEpsilon = 1e-15;
  constexpr double kTiny = 1e-300;
  const auto not_tiny = [](double v) { return std::abs(v) < kTiny ? kTiny : v; };
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1;
  double d = 1 / not_tiny(1 - qab * x / qap);
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    // The even step d_{2m}, then the odd step d_{2m+1} of the fraction.
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 / not_tiny(1 + aa * d);
    c = not_tiny(1 + aa / c);
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 / not_tiny(1 + aa * d);
    c = not_tiny(1 + aa / c);
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < kEpsilon) break;
  }
  return h;
}

void check_pairs(const std::vector<double>& a, const std::vector<double>& b, const char* test) {
  FULCRUM_CHECK(a.size() == b.size(), "{}: {} values against {}; the samples must be paired", test,
                a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    FULCRUM_CHECK(std::isfinite(a[i]) && std::isfinite(b[i]),
                  "{}: pair {} is ({}, {}); values must be finite", test, i, a[i], b[i]);
  }
}

// Average ranks (1-based) of `values`, ties sharing the mean of their ranks.
std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  for (size_t start = 0; start < order.size();) {
    size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]]) ++end;
    const double rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    for (size_t k = start; k < end; ++k) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  FULCRUM_CHECK(a > 0 && b > 0 && x >= 0 && x <= 1,
                "regularized_incomplete_beta: needs a > 0, b > 0 and x in [0, 1], got a={}, "
                "b={}, x={}",
                a, b, x);
  if (x == 0 || x == 1) return x;
  // x^a (1-x)^b / B(a, b), in logs.
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  // I_x(a, b) = 1 - I_{1-x}(b, a), where the fraction converges.
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double df) {
  FULCRUM_CHECK(df > 0, "student_t_cdf: df is {}; it must be > 0", df);
  FULCRUM_CHECK(!std::isnan(t), "student_t_cdf: t is NaN");
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  // P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2).
  const double tail = 0.5 * regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t > 0 ? 1 - tail : tail;
}

PairedTTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  check_pairs(a, b, "paired_t_test");
  PairedTTest test;
  test.n = static_cast<int64_t>(a.size());
  if (a.empty()) return test;
  std::vector<double> d(a.size());
  for (size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  const double n = static_cast<double>(d.size());
  test.mean_difference = std::accumulate(d.begin(), d.end(), 0.0) / n;
  if (d.size() < 2) return test;
  double squares = 0;
  for (const double v : d) squares += (v - test.mean_difference) * (v - test.mean_difference);
  const double standard_error = std::sqrt(squares / (n - 1) / n);
  // Differences equal to rounding: no spread to test against.
  if (standard_error <= 1e-14 * std::max(1.0, std::abs(test.mean_difference))) return test;
  const double t = test.mean_difference / standard_error;
  const double df = n - 1;
  test.t = t;
  test.p_value = regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return test;
}

WilcoxonTest wilcoxon_signed_rank(const std::vector<double>& a, const std::vector<double>& b) {
  check_pairs(a, b, "wilcoxon_signed_rank");
  std::vector<double> d;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) d.push_back(a[i] - b[i]);
  }
  WilcoxonTest test;
  test.n = static_cast<int64_t>(d.size());
  if (d.empty()) return test;
  std::vector<double> magnitude(d.size());
  for (size_t i = 0; i < d.size(); ++i) magnitude[i] = std::abs(d[i]);
  const std::vector<double> ranks = average_ranks(magnitude);
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] > 0) test.w_plus += ranks[i];
  }
  const double n = static_cast<double>(d.size());
  const double center = n * (n + 1) / 4;
  const double observed = std::abs(test.w_plus - center);
  constexpr size_t kExactLimit = 20;
  if (d.size() <= kExactLimit) {
    // Under the null hypothesis every sign assignment is equally likely.
    const uint64_t assignments = uint64_t{1} << d.size();
    uint64_t as_extreme = 0;
    for (uint64_t mask = 0; mask < assignments; ++mask) {
      double w = 0;
      for (size_t i = 0; i < d.size(); ++i) {
        if ((mask >> i) & 1U) w += ranks[i];
      }
      if (std::abs(w - center) >= observed - 1e-9) ++as_extreme;
    }
    test.p_value = static_cast<double>(as_extreme) / static_cast<double>(assignments);
    return test;
  }
  double tie_correction = 0;
  std::vector<double> sorted = ranks;
  std::sort(sorted.begin(), sorted.end());
  for (size_t start = 0; start < sorted.size();) {
    size_t end = start + 1;
    while (end < sorted.size() && sorted[end] == sorted[start]) ++end;
    const auto t = static_cast<double>(end - start);
    tie_correction += t * t * t - t;
    start = end;
  }
  const double variance = n * (n + 1) * (2 * n + 1) / 24 - tie_correction / 48;
  test.p_value = variance > 0 ? std::erfc(observed / std::sqrt(variance) / std::sqrt(2.0)) : 1.0;
  return test;
}

}  // namespace fulcrum::experiment
