#pragma once
// Differentiable ops on Tensors. Binary elementwise ops broadcast with NumPy
// rules; a shape mismatch throws ShapeError naming both shapes. Each op has a
// finite-difference gradient check in tests/core/gradcheck_test.cpp.

#include <optional>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum {

// -- elementwise, broadcasting -------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
/// a ** b elementwise (a > 0 where b is not an integer, as in PyTorch).
Tensor pow(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, float exponent);

// -- elementwise, unary ----------------------------------------------------------
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor abs(const Tensor& x);  ///< gradient sign(x), 0 at 0 (as PyTorch)
Tensor sqrt(const Tensor& x);
/// Limits x to [min, max]; either bound may be absent. Gradient 1 inside the
/// closed interval, 0 outside (as PyTorch).
Tensor clamp(const Tensor& x, std::optional<float> min, std::optional<float> max);

// -- activations -------------------------------------------------------------------
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f);
Tensor gelu(const Tensor& x);  ///< exact (erf) form, PyTorch's default
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor log_sigmoid(const Tensor& x);  ///< stable for any finite x
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

// -- reductions --------------------------------------------------------------------
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int64_t dim, bool keepdim = false);
/// Sums the broadcast dimensions away so the result has `shape`; the adjoint
/// of broadcasting, used to reduce gradients. `shape` must broadcast to x's.
Tensor sum_to(const Tensor& x, const Shape& shape);

// -- shape -------------------------------------------------------------------------
/// Same data, new shape; one entry may be -1 (inferred). Shares storage with x,
/// like a PyTorch view: an in-place write to either shows in both.
Tensor reshape(const Tensor& x, const Shape& shape);
/// Swaps two dimensions (copies: fulcrum's tensors are always contiguous).
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
/// Joins tensors along `dim`; all other sizes must match.
Tensor concat(const std::vector<Tensor>& xs, int64_t dim);
/// Elements [start, end) along `dim` (negative indices count from the end).
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end);
/// Copies x broadcast to `shape`.
Tensor broadcast_to(const Tensor& x, const Shape& shape);

// -- linear algebra ----------------------------------------------------------------
/// The GEMM library behind matmul and linear, chosen when fulcrum was built:
/// "onednn" or "eigen".
const char* gemm_library();

/// Matrix product of [n, k] and [k, m] (a 1-d operand is a row or column
/// vector, as in torch.matmul).
Tensor matmul(const Tensor& a, const Tensor& b);
/// x @ weight^T + bias in one fused op: x [..., in], weight [out, in],
/// bias [out] or undefined. The core of nn::Linear.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);
/// relu(linear(x, weight, bias)) in one op, with the same numbers: the bias
/// and the ReLU are applied to each block of the product as it is computed, and
/// the backward pass masks and sums the gradient in one pass.
Tensor linear_relu(const Tensor& x, const Tensor& weight, const Tensor& bias);

// -- not differentiable ----------------------------------------------------------
/// Index of the largest element along the last dimension, as floats, shape x[:-1].
Tensor argmax_last(const Tensor& x);
/// Whether every element is finite.
bool all_finite(const Tensor& x);

// -- operators ---------------------------------------------------------------------
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& x) { return neg(x); }
inline Tensor operator+(const Tensor& a, float b) { return add(a, Tensor::scalar(b)); }
inline Tensor operator-(const Tensor& a, float b) { return sub(a, Tensor::scalar(b)); }
inline Tensor operator*(const Tensor& a, float b) { return mul(a, Tensor::scalar(b)); }
inline Tensor operator/(const Tensor& a, float b) { return div(a, Tensor::scalar(b)); }
inline Tensor operator+(float a, const Tensor& b) { return add(Tensor::scalar(a), b); }
inline Tensor operator-(float a, const Tensor& b) { return sub(Tensor::scalar(a), b); }
inline Tensor operator*(float a, const Tensor& b) { return mul(Tensor::scalar(a), b); }
inline Tensor operator/(float a, const Tensor& b) { return div(Tensor::scalar(a), b); }

}  // namespace fulcrum
