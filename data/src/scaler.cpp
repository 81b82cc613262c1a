#include "fulcrum/data/scaler.hpp"

#include <cfloat>
#include <cmath>
#include <vector>

#include "fulcrum/core/error.hpp"

namespace fulcrum::data {

void StandardScaler::fit(const Tensor& x) {
  FULCRUM_CHECK_SHAPE(x.defined() && x.dim() == 2 && x.size(0) >= 1,
                      "StandardScaler::fit: expected features [N, F] with N >= 1, got {}",
                      x.defined() ? fulcrum::to_string(x.shape()) : "an undefined tensor");
  const int64_t n = x.size(0);
  const int64_t f = x.size(1);
  const float* data = x.data();
  // Two passes in double: the mean, then the centred sum of squares (exact
  // zero for a constant column, unlike E[x^2] - E[x]^2).
  std::vector<double> sum(static_cast<size_t>(f), 0.0);
  std::vector<double> squares(static_cast<size_t>(f), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < f; ++j) sum[j] += data[i * f + j];
  for (double& s : sum) s /= static_cast<double>(n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < f; ++j) {
      const double d = data[i * f + j] - sum[j];
      squares[j] += d * d;
    }
  mean = Tensor::empty({f});
  scale = Tensor::empty({f});
  for (int64_t j = 0; j < f; ++j) {
    const double var = squares[j] / static_cast<double>(n);
    // sklearn's _is_constant_feature: a variance within rounding error of 0.
    const double nd = static_cast<double>(n);
    const double bound = nd * DBL_EPSILON * var + std::pow(nd * sum[j] * DBL_EPSILON, 2);
    mean.data()[j] = static_cast<float>(sum[j]);
    scale.data()[j] = var <= bound ? 1.0f : static_cast<float>(std::sqrt(var));
  }
}

void StandardScaler::transform(Tensor& x) const {
  FULCRUM_CHECK(fitted(), "StandardScaler::transform before fit");
  const int64_t f = mean.size(0);
  FULCRUM_CHECK_SHAPE(x.defined() && x.dim() == 2 && x.size(1) == f,
                      "StandardScaler::transform: expected features [N, {}], got {}", f,
                      x.defined() ? fulcrum::to_string(x.shape()) : "an undefined tensor");
  float* data = x.data();
  const float* m = mean.data();
  const float* s = scale.data();
  const int64_t n = x.size(0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < f; ++j) data[i * f + j] = (data[i * f + j] - m[j]) / s[j];
}

Tensor StandardScaler::transformed(const Tensor& x) const {
  FULCRUM_CHECK(x.defined(), "StandardScaler::transformed: undefined tensor");
  Tensor out = x.clone();
  transform(out);
  return out;
}

}  // namespace fulcrum::data
