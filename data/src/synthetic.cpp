#include "fulcrum/data/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "fulcrum/core/random.hpp"

namespace fulcrum::data {
namespace {

// Scale of the signal w.x ~ N(0, 1) in the logit: 3 makes a learnable but not
// trivial problem at noise 1 (a label's AUC from its true probability ~0.9).
constexpr double kSignal = 3.0;

using Vector = std::vector<double>;

void normalize(Vector& v) {
  double norm = 0.0;
  for (double x : v) norm += x * x;
  norm = std::sqrt(norm);
  for (double& x : v) x /= norm;
}

Vector random_unit(int64_t dim, Generator& gen) {
  Vector v(static_cast<size_t>(dim));
  for (double& x : v) x = gen.normal();
  normalize(v);
  return v;
}

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

void check_options(const SyntheticOptions& o) {
  FULCRUM_CHECK(o.samples > 0, "synthetic data: samples = {} must be positive", o.samples);
  FULCRUM_CHECK(o.features > 0, "synthetic data: features = {} must be positive", o.features);
  FULCRUM_CHECK(o.label_correlation >= 0.0 && o.label_correlation <= 1.0,
                "synthetic data: label_correlation = {} is not in [0, 1]", o.label_correlation);
  FULCRUM_CHECK(o.noise > 0.0 && std::isfinite(o.noise),
                "synthetic data: noise = {} must be positive", o.noise);
  FULCRUM_CHECK(!o.heads.empty(), "synthetic data: no heads given");
  for (const SyntheticHeadSpec& h : o.heads) {
    FULCRUM_CHECK(!h.name.empty(), "synthetic data: a head has no name");
    if (h.kind == TaskKind::MultiLabel) {
      FULCRUM_CHECK(!h.frequencies.empty(), "synthetic head '{}': no label frequencies", h.name);
      for (double f : h.frequencies)
        FULCRUM_CHECK(f > 0.0 && f < 1.0, "synthetic head '{}': label frequency {} is not in (0, 1)",
                      h.name, f);
    } else {
      FULCRUM_CHECK(h.frequencies.size() >= 2, "synthetic head '{}': {} class priors, need >= 2",
                    h.name, h.frequencies.size());
      double total = 0.0;
      for (double f : h.frequencies) {
        FULCRUM_CHECK(f > 0.0, "synthetic head '{}': class prior {} is not positive", h.name, f);
        total += f;
      }
      FULCRUM_CHECK(std::fabs(total - 1.0) < 1e-6,
                    "synthetic head '{}': class priors sum to {}, not 1", h.name, total);
    }
  }
}

// The bias b with mean_i sigmoid(z_i + b) = target, by bisection (the mean is
// increasing in b).
double solve_bias(const Vector& z, double target) {
  const auto [zmin, zmax] = std::minmax_element(z.begin(), z.end());
  double lo = -*zmax - 40.0;
  double hi = -*zmin + 40.0;
  for (int it = 0; it < 100 && hi - lo > 1e-12; ++it) {
    const double mid = 0.5 * (lo + hi);
    double mean = 0.0;
    for (double zi : z) mean += sigmoid(zi + mid);
    mean /= static_cast<double>(z.size());
    (mean < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Softmax of z + b per row, into p ([n, k], row-major).
void softmax_rows(const Vector& z, const Vector& b, size_t n, size_t k, Vector& p) {
  for (size_t i = 0; i < n; ++i) {
    double top = -INFINITY;
    for (size_t j = 0; j < k; ++j) top = std::max(top, z[i * k + j] + b[j]);
    double total = 0.0;
    for (size_t j = 0; j < k; ++j) total += p[i * k + j] = std::exp(z[i * k + j] + b[j] - top);
    for (size_t j = 0; j < k; ++j) p[i * k + j] /= total;
  }
}

// Class biases whose mean softmax probabilities equal the priors: the fixed
// point of b_k += log(prior_k / mean_k), which converges quickly.
Vector solve_class_biases(const Vector& z, const std::vector<double>& priors, size_t n, Vector& p) {
  const size_t k = priors.size();
  Vector b(k);
  for (size_t j = 0; j < k; ++j) b[j] = std::log(priors[j]);
  for (int it = 0; it < 1000; ++it) {
    softmax_rows(z, b, n, k, p);
    double worst = 0.0;
    for (size_t j = 0; j < k; ++j) {
      double mean = 0.0;
      for (size_t i = 0; i < n; ++i) mean += p[i * k + j];
      mean /= static_cast<double>(n);
      worst = std::max(worst, std::fabs(mean - priors[j]));
      b[j] += std::log(priors[j] / mean);
    }
    if (worst < 1e-10) break;
  }
  softmax_rows(z, b, n, k, p);
  return b;
}

}  // namespace

SyntheticData make_synthetic_data(const SyntheticOptions& options) {
  check_options(options);
  Generator gen(options.seed);
  const size_t n = static_cast<size_t>(options.samples);
  const size_t f = static_cast<size_t>(options.features);
  const double rho = options.label_correlation;
  const double scale = kSignal / options.noise;

  // Weight vectors first, so that the features do not depend on the heads.
  const int64_t shared_count = std::min<int64_t>(3, options.features);
  std::vector<Vector> shared;
  for (int64_t k = 0; k < shared_count; ++k) shared.push_back(random_unit(options.features, gen));
  std::vector<std::vector<Vector>> weights;  // [head][output] -> w
  for (const SyntheticHeadSpec& head : options.heads) {
    weights.emplace_back();
    for (size_t j = 0; j < head.frequencies.size(); ++j) {
      Vector common(f, 0.0);
      for (const Vector& s : shared) {
        const double a = gen.uniform(0.5f, 1.5f);
        for (size_t d = 0; d < f; ++d) common[d] += a * s[d];
      }
      normalize(common);
      Vector w = random_unit(options.features, gen);
      for (size_t d = 0; d < f; ++d) w[d] = std::sqrt(rho) * common[d] + std::sqrt(1.0 - rho) * w[d];
      normalize(w);
      weights.back().push_back(std::move(w));
    }
  }

  SyntheticData out;
  Dataset& ds = out.dataset;
  ds.features = Tensor::empty({options.samples, options.features});
  float* x = ds.features.data();
  for (size_t i = 0; i < n * f; ++i) x[i] = gen.normal();
  for (size_t d = 0; d < f; ++d) ds.feature_names.push_back(fmt::format("x{}", d));

  for (size_t h = 0; h < options.heads.size(); ++h) {
    const SyntheticHeadSpec& head = options.heads[h];
    const size_t k = head.frequencies.size();
    Vector z(n * k);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < k; ++j) {
        double dot = 0.0;
        for (size_t d = 0; d < f; ++d) dot += weights[h][j][d] * x[i * f + d];
        z[i * k + j] = scale * dot;
      }
    Vector p(n * k);
    Target target{head.name, head.kind, {}, {}};
    if (head.kind == TaskKind::MultiLabel) {
      Vector column(n);
      for (size_t j = 0; j < k; ++j) {
        for (size_t i = 0; i < n; ++i) column[i] = z[i * k + j];
        const double b = solve_bias(column, head.frequencies[j]);
        for (size_t i = 0; i < n; ++i) p[i * k + j] = sigmoid(column[i] + b);
        target.classes.push_back(fmt::format("label{}", j));
      }
      target.values = Tensor::empty({options.samples, static_cast<int64_t>(k)});
      for (size_t i = 0; i < n * k; ++i)
        target.values.data()[i] = gen.uniform() < p[i] ? 1.0f : 0.0f;
    } else {
      solve_class_biases(z, head.frequencies, n, p);
      for (size_t j = 0; j < k; ++j) target.classes.push_back(fmt::format("class{}", j));
      target.values = Tensor::empty({options.samples});
      for (size_t i = 0; i < n; ++i) {
        const double u = gen.uniform();
        // Inverse CDF: the first class whose cumulative probability exceeds u.
        size_t c = 0;
        double cumulative = p[i * k];
        while (c + 1 < k && u >= cumulative) cumulative += p[i * k + ++c];
        target.values.data()[i] = static_cast<float>(c);
      }
    }
    Tensor probabilities = Tensor::empty({options.samples, static_cast<int64_t>(k)});
    for (size_t i = 0; i < n * k; ++i) probabilities.data()[i] = static_cast<float>(p[i]);
    out.probabilities.push_back(probabilities);
    ds.targets.push_back(std::move(target));
  }
  return out;
}

Dataset make_synthetic(const SyntheticOptions& options) {
  return make_synthetic_data(options).dataset;
}

}  // namespace fulcrum::data
