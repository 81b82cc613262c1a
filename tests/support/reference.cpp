#include "support/reference.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fulcrum::testing::ref {
namespace {

// The multi-index of flat position `flat` in `shape`.
std::vector<int64_t> unravel(int64_t flat, const Shape& shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return index;
}

// The flat position in `shape` of the trailing dimensions of `index`, with
// dimensions of size 1 read at 0: how a broadcast operand is indexed.
int64_t broadcast_offset(const std::vector<int64_t>& index, const Shape& shape) {
  int64_t flat = 0;
  const size_t skip = index.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d)
    flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[skip + d]);
  return flat;
}

// x viewed as [outer, n, inner] around dimension `dim`.
struct Around {
  int64_t outer = 1, n = 1, inner = 1;
};

Around around(const Shape& shape, int64_t dim) {
  Around a;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < dim) a.outer *= shape[d];
    if (d == dim) a.n = shape[d];
    if (d > dim) a.inner *= shape[d];
  }
  return a;
}

int64_t wrap(int64_t dim, int64_t ndim) { return wrap_dim(dim, ndim, "reference"); }

// f over every line of x along `dim`, writing a line of the same length.
Array per_line(const Array& x, int64_t dim,
               const std::function<void(const std::vector<double>&, std::vector<double>&)>& f) {
  dim = wrap(dim, static_cast<int64_t>(x.shape.size()));
  const Around a = around(x.shape, dim);
  Array out{x.shape, std::vector<double>(x.values.size())};
  std::vector<double> line(a.n), result(a.n);
  for (int64_t o = 0; o < a.outer; ++o)
    for (int64_t i = 0; i < a.inner; ++i) {
      for (int64_t k = 0; k < a.n; ++k) line[k] = x.values[(o * a.n + k) * a.inner + i];
      f(line, result);
      for (int64_t k = 0; k < a.n; ++k) out.values[(o * a.n + k) * a.inner + i] = result[k];
    }
  return out;
}

}  // namespace

Array from(const Tensor& t) {
  if (!t.defined()) return {};
  Array a{t.shape(), {}};
  for (float v : t.values()) a.values.push_back(v);
  return a;
}

Array full(const Shape& shape, double value) {
  return {shape, std::vector<double>(static_cast<size_t>(numel(shape)), value)};
}

Array map(const Array& x, const std::function<double(double)>& f) {
  Array out = x;
  for (double& v : out.values) v = f(v);
  return out;
}

Array zip(const Array& a, const Array& b, const std::function<double(double, double)>& f) {
  const Shape shape = broadcast_shapes(a.shape, b.shape, "reference");
  Array out = full(shape, 0.0);
  for (int64_t i = 0; i < out.numel(); ++i) {
    const auto index = unravel(i, shape);
    out.values[i] =
        f(a.values[broadcast_offset(index, a.shape)], b.values[broadcast_offset(index, b.shape)]);
  }
  return out;
}

Array operator+(const Array& a, const Array& b) { return zip(a, b, std::plus<>()); }
Array operator-(const Array& a, const Array& b) { return zip(a, b, std::minus<>()); }
Array operator*(const Array& a, const Array& b) { return zip(a, b, std::multiplies<>()); }
Array operator/(const Array& a, const Array& b) { return zip(a, b, std::divides<>()); }
Array operator*(double a, const Array& b) {
  return map(b, [a](double v) { return a * v; });
}
Array pow(const Array& a, const Array& b) {
  return zip(a, b, [](double x, double y) { return std::pow(x, y); });
}
Array pow(const Array& a, double exponent) {
  return map(a, [exponent](double x) { return std::pow(x, exponent); });
}
Array exp(const Array& x) {
  return map(x, [](double v) { return std::exp(v); });
}
Array log(const Array& x) {
  return map(x, [](double v) { return std::log(v); });
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }
double log_sigmoid(double x) { return -softplus(-x); }
double gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

Array sum(const Array& x) {
  double total = 0.0;
  for (double v : x.values) total += v;
  return {{}, {total}};
}

Array sum(const Array& x, int64_t dim, bool keepdim) {
  dim = wrap(dim, static_cast<int64_t>(x.shape.size()));
  const Around a = around(x.shape, dim);
  Shape shape = x.shape;
  if (keepdim)
    shape[dim] = 1;
  else
    shape.erase(shape.begin() + dim);
  Array out = full(shape, 0.0);
  for (int64_t o = 0; o < a.outer; ++o)
    for (int64_t k = 0; k < a.n; ++k)
      for (int64_t i = 0; i < a.inner; ++i)
        out.values[o * a.inner + i] += x.values[(o * a.n + k) * a.inner + i];
  return out;
}

Array mean(const Array& x) { return (1.0 / static_cast<double>(x.numel())) * sum(x); }

Array mean(const Array& x, int64_t dim, bool keepdim) {
  const int64_t n = x.shape[wrap(dim, static_cast<int64_t>(x.shape.size()))];
  return (1.0 / static_cast<double>(n)) * sum(x, dim, keepdim);
}

Array log_softmax(const Array& x, int64_t dim) {
  return per_line(x, dim, [](const std::vector<double>& in, std::vector<double>& out) {
    const double top = *std::max_element(in.begin(), in.end());
    double total = 0.0;
    for (double v : in) total += std::exp(v - top);
    const double log_total = top + std::log(total);
    for (size_t k = 0; k < in.size(); ++k) out[k] = in[k] - log_total;
  });
}

Array softmax(const Array& x, int64_t dim) { return exp(log_softmax(x, dim)); }

Array sum_to(const Array& x, const Shape& shape) {
  Array out = full(shape, 0.0);
  for (int64_t i = 0; i < x.numel(); ++i)
    out.values[broadcast_offset(unravel(i, x.shape), shape)] += x.values[i];
  return out;
}

Array reshape(const Array& x, Shape shape) {
  int64_t known = 1;
  for (int64_t s : shape)
    if (s >= 0) known *= s;
  for (int64_t& s : shape)
    if (s < 0) s = x.numel() / known;
  if (numel(shape) != x.numel()) throw std::invalid_argument("reference reshape: size differs");
  return {shape, x.values};
}

Array transpose(const Array& x, int64_t dim0, int64_t dim1) {
  const auto ndim = static_cast<int64_t>(x.shape.size());
  dim0 = wrap(dim0, ndim);
  dim1 = wrap(dim1, ndim);
  Shape shape = x.shape;
  std::swap(shape[dim0], shape[dim1]);
  Array out = full(shape, 0.0);
  for (int64_t i = 0; i < x.numel(); ++i) {
    auto index = unravel(i, x.shape);
    std::swap(index[dim0], index[dim1]);
    int64_t flat = 0;
    for (int64_t d = 0; d < ndim; ++d) flat = flat * shape[d] + index[d];
    out.values[flat] = x.values[i];
  }
  return out;
}

Array concat(const std::vector<Array>& xs, int64_t dim) {
  dim = wrap(dim, static_cast<int64_t>(xs.front().shape.size()));
  Shape shape = xs.front().shape;
  shape[dim] = 0;
  for (const Array& x : xs) shape[dim] += x.shape[dim];
  const Around a = around(shape, dim);
  Array out = full(shape, 0.0);
  int64_t start = 0;
  for (const Array& x : xs) {
    const int64_t n = x.shape[dim];
    for (int64_t o = 0; o < a.outer; ++o)
      for (int64_t k = 0; k < n; ++k)
        for (int64_t i = 0; i < a.inner; ++i)
          out.values[(o * a.n + start + k) * a.inner + i] = x.values[(o * n + k) * a.inner + i];
    start += n;
  }
  return out;
}

Array slice(const Array& x, int64_t dim, int64_t start, int64_t end) {
  dim = wrap(dim, static_cast<int64_t>(x.shape.size()));
  const Around a = around(x.shape, dim);
  const auto clip = [n = a.n](int64_t i) { return std::clamp(i < 0 ? i + n : i, int64_t{0}, n); };
  start = clip(start);
  end = std::max(clip(end), start);
  Shape shape = x.shape;
  shape[dim] = end - start;
  Array out = full(shape, 0.0);
  for (int64_t o = 0; o < a.outer; ++o)
    for (int64_t k = start; k < end; ++k)
      for (int64_t i = 0; i < a.inner; ++i)
        out.values[(o * shape[dim] + k - start) * a.inner + i] =
            x.values[(o * a.n + k) * a.inner + i];
  return out;
}

Array broadcast_to(const Array& x, const Shape& shape) {
  return zip(x, full(shape, 0.0), [](double v, double) { return v; });
}

Array matmul(const Array& a, const Array& b) {
  // A 1-d left operand is a row, a 1-d right operand a column; both dropped after.
  const Array a2 = a.shape.size() == 1 ? reshape(a, {1, a.shape[0]}) : a;
  const Array b2 = b.shape.size() == 1 ? reshape(b, {b.shape[0], 1}) : b;
  const int64_t n = a2.shape[0], k = a2.shape[1], m = b2.shape[1];
  Array out = full({n, m}, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      for (int64_t p = 0; p < k; ++p)
        out.values[i * m + j] += a2.values[i * k + p] * b2.values[p * m + j];
  Shape shape;
  if (a.shape.size() == 2) shape.push_back(n);
  if (b.shape.size() == 2) shape.push_back(m);
  return reshape(out, shape);
}

Array linear(const Array& x, const Array& weight, const Array& bias) {
  const int64_t in = weight.shape[1];
  Shape rows_shape = x.shape;
  rows_shape.back() = weight.shape[0];
  Array out = matmul(reshape(x, {-1, in}), transpose(weight, 0, 1));
  if (bias.defined()) out = out + bias;
  return reshape(out, rows_shape);
}

}  // namespace fulcrum::testing::ref
