#pragma once
// Float64 references of fulcrum's differentiable ops, for the gradient check.
//
// Each function is the textbook definition of the op on a row-major float64
// array, written to be read rather than to be fast. The gradient check
// differentiates these numerically in double, where a central difference is
// good to about 1e-9, and compares the result with the gradient fulcrum's
// float32 backward computes: a difference of 0.1% is then far above the noise.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "fulcrum/core/shape.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::testing::ref {

/// An N-d float64 array, row-major, like a Tensor without autodiff.
struct Array {
  Shape shape{};
  std::vector<double> values{};

  int64_t numel() const { return static_cast<int64_t>(values.size()); }
  bool defined() const { return !shape.empty() || !values.empty(); }
};

/// The values of `t`, widened to double; an undefined tensor gives an Array
/// with no values and no shape (a "not given" argument).
Array from(const Tensor& t);
Array full(const Shape& shape, double value);

// -- elementwise -------------------------------------------------------------
Array map(const Array& x, const std::function<double(double)>& f);
/// f applied to a and b broadcast against each other (NumPy rules).
Array zip(const Array& a, const Array& b, const std::function<double(double, double)>& f);
Array operator+(const Array& a, const Array& b);
Array operator-(const Array& a, const Array& b);
Array operator*(const Array& a, const Array& b);
Array operator/(const Array& a, const Array& b);
Array operator*(double a, const Array& b);
Array pow(const Array& a, const Array& b);
Array pow(const Array& a, double exponent);
Array exp(const Array& x);
Array log(const Array& x);

double sigmoid(double x);
double log_sigmoid(double x);  ///< -log(1 + exp(-x)), without overflow
double softplus(double x);     ///< log(1 + exp(x)), without overflow
double gelu(double x);         ///< x * Phi(x), the erf form

// -- along a dimension -------------------------------------------------------
Array sum(const Array& x);
Array sum(const Array& x, int64_t dim, bool keepdim = false);
Array mean(const Array& x);
Array mean(const Array& x, int64_t dim, bool keepdim = false);
Array softmax(const Array& x, int64_t dim);
Array log_softmax(const Array& x, int64_t dim);
/// The sum of x over the dimensions that broadcasting `shape` to x's shape adds.
Array sum_to(const Array& x, const Shape& shape);

// -- shape -------------------------------------------------------------------
Array reshape(const Array& x, Shape shape);
Array transpose(const Array& x, int64_t dim0, int64_t dim1);
Array concat(const std::vector<Array>& xs, int64_t dim);
Array slice(const Array& x, int64_t dim, int64_t start, int64_t end);
Array broadcast_to(const Array& x, const Shape& shape);

// -- linear algebra ----------------------------------------------------------
/// torch.matmul for 1-d and 2-d operands.
Array matmul(const Array& a, const Array& b);
/// x @ weight^T + bias over x's last dimension; `bias` may be undefined.
Array linear(const Array& x, const Array& weight, const Array& bias);

}  // namespace fulcrum::testing::ref
