#include "fulcrum/data/scaler.hpp"

#include <cfloat>
#include <cmath>
#include <vector>

#include "fulcrum/core/error.hpp"

namespace fulcrum::data {
namespace {

// mean and scale from the column sums (already divided by n) and the centred
// sums of squares.
void set_statistics(StandardScaler& scaler, const std::vector<double>& sum,
                    const std::vector<double>& squares, int64_t n) {
  Tensor& mean = scaler.mean;
  Tensor& scale = scaler.scale;
  const auto f = static_cast<int64_t>(sum.size());
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

}  // namespace

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
  set_statistics(*this, sum, squares, n);
}

void StandardScaler::fit(const CsrMatrix& x) {
  FULCRUM_CHECK_SHAPE(x.rows >= 1,
                      "StandardScaler::fit: expected features [N, F] with N >= 1, got [{}, {}]",
                      x.rows, x.cols);
  FULCRUM_CHECK(!x.shift.defined(), "StandardScaler::fit: the sparse features are already shifted");
  const int64_t n = x.rows;
  const auto f = static_cast<size_t>(x.cols);
  // The dense fit's two passes, with each column's zeros added in at once.
  std::vector<double> sum(f, 0.0), squares(f, 0.0);
  std::vector<int64_t> stored(f, 0);
  for (size_t k = 0; k < x.values.size(); ++k)
    sum[static_cast<size_t>(x.columns[k])] += x.values[k];
  for (double& s : sum) s /= static_cast<double>(n);
  for (size_t k = 0; k < x.values.size(); ++k) {
    const auto j = static_cast<size_t>(x.columns[k]);
    const double d = x.values[k] - sum[j];
    squares[j] += d * d;
    ++stored[j];
  }
  for (size_t j = 0; j < f; ++j) squares[j] += static_cast<double>(n - stored[j]) * sum[j] * sum[j];
  set_statistics(*this, sum, squares, n);
}

void StandardScaler::fit(const Dataset& dataset) {
  if (dataset.is_sparse()) {
    fit(*dataset.sparse_features);
  } else {
    fit(dataset.features);
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

CsrMatrix StandardScaler::transformed(const CsrMatrix& x) const {
  FULCRUM_CHECK(fitted(), "StandardScaler::transform before fit");
  const int64_t f = mean.size(0);
  FULCRUM_CHECK_SHAPE(x.cols == f,
                      "StandardScaler::transform: expected features [N, {}], got [{}, {}]", f,
                      x.rows, x.cols);
  FULCRUM_CHECK(!x.shift.defined(),
                "StandardScaler::transform: the sparse features are already shifted");
  CsrMatrix out = x;
  const float* s = scale.data();
  for (size_t k = 0; k < out.values.size(); ++k) out.values[k] /= s[out.columns[k]];
  out.shift = Tensor::empty({f});
  for (int64_t j = 0; j < f; ++j) out.shift.data()[j] = mean.data()[j] / s[j];
  return out;
}

Dataset StandardScaler::transformed(const Dataset& dataset) const {
  Dataset out = dataset;
  if (dataset.size() == 0) return out;
  if (dataset.is_sparse()) {
    out.sparse_features = std::make_shared<const CsrMatrix>(transformed(*dataset.sparse_features));
  } else {
    out.features = transformed(dataset.features);
  }
  return out;
}

}  // namespace fulcrum::data
