// linear and linear_relu: x W^T + b (and its ReLU) as one op, on the threaded
// product of product.hpp, whose blocks add the bias and apply the ReLU while
// they are in cache. The backward pass masks the gradient for the ReLU and sums
// it for the bias in the same pass over it.

#include <algorithm>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "gemm_small.hpp"
#include "product.hpp"

namespace fulcrum {
namespace {

using detail::GemmOperand;
using detail::product;
using detail::stored;
using detail::transposed;

// Columns summed together on a thread's stack.
constexpr int64_t kColumnChunk = 256;

// sums[j] += row[j] for j < width (a loop of its own, so it vectorises).
void add_row(double* __restrict sums, const float* __restrict row, int64_t width) {
  for (int64_t j = 0; j < width; ++j) sums[j] += row[j];
}

// masked[j] = activation[j] > 0 ? g[j] : 0, the ReLU's backward pass.
void mask_row(float* __restrict masked, const float* __restrict g,
              const float* __restrict activation, int64_t width) {
  for (int64_t j = 0; j < width; ++j) masked[j] = activation[j] > 0.0f ? g[j] : 0.0f;
}

// bias_grad[j] = sum over rows of g[r, j], in double and in row order, so the
// sum does not depend on how the columns are shared among threads. With
// `activation` (the ReLU's output), g is first masked where the output is not
// positive, and the masked gradient is written to `masked` (and summed). One
// pass over g does either or both; bias_grad may be null.
void bias_gradient(const float* g, int64_t rows, int64_t cols, float* bias_grad,
                   const float* activation = nullptr, float* masked = nullptr) {
  parallel_for(
      cols,
      [&](int64_t begin, int64_t end) {
        double sums[kColumnChunk];
        for (int64_t first = begin; first < end; first += kColumnChunk) {
          const int64_t width = std::min(kColumnChunk, end - first);
          std::fill_n(sums, width, 0.0);
          for (int64_t r = 0; r < rows; ++r) {
            const int64_t at = r * cols + first;
            if (activation != nullptr) mask_row(masked + at, g + at, activation + at, width);
            if (bias_grad != nullptr) add_row(sums, activation != nullptr ? masked + at : g + at, width);
          }
          if (bias_grad != nullptr)
            for (int64_t j = 0; j < width; ++j) bias_grad[first + j] = static_cast<float>(sums[j]);
        }
      },
      rows);
}

void check_linear(const char* op, const Tensor& x, const Tensor& weight, const Tensor& bias) {
  FULCRUM_CHECK_SHAPE(weight.dim() == 2, "{}: weight must be [out_features, in_features], got {}",
                      op, to_string(weight.shape()));
  const int64_t out_features = weight.size(0), in_features = weight.size(1);
  FULCRUM_CHECK_SHAPE(x.dim() >= 1 && x.size(-1) == in_features,
                      "{}: input of shape {} does not end in in_features = {} (weight {})", op,
                      to_string(x.shape()), in_features, to_string(weight.shape()));
  if (bias.defined())
    FULCRUM_CHECK_SHAPE(bias.shape() == Shape{out_features},
                        "{}: bias of shape {} for weight {} (expected [{}])", op,
                        to_string(bias.shape()), to_string(weight.shape()), out_features);
}

// dX = G W and dW = G^T X for the (masked) output gradient g.
void linear_backward_products(const Tensor& g, const std::vector<Tensor>& in, int64_t rows,
                              int64_t in_features, int64_t out_features) {
  if (in[0].requires_grad()) {  // dX = G W
    const GemmOperand g_op = stored(g, out_features);
    const GemmOperand w_op = stored(in[1], in_features);
    Tensor so_far = in[0].grad();
    if (so_far.defined() && detail::one_block(rows, in_features, out_features) &&
        detail::small_gemm_pays(rows, in_features, out_features, g_op, w_op)) {
      // X feeds several layers (heads): G W goes straight into the gradient
      // gathered so far, the sum accumulate_grad would form.
      detail::small_gemm(rows, in_features, out_features, g_op, w_op, so_far.data(), in_features,
                         /*add=*/true);
    } else {
      Tensor dx = Tensor::empty(in[0].shape());
      product(rows, in_features, out_features, g_op, w_op, dx.data());
      accumulate_grad(in[0], dx);
    }
  }
  if (in[1].requires_grad()) {  // dW = G^T X
    Tensor dw = Tensor::empty(in[1].shape());
    product(out_features, in_features, rows, transposed(g, out_features),
            stored(in[0], in_features), dw.data());
    accumulate_grad(in[1], dw);
  }
}

Tensor linear_op(const char* op, const Tensor& x, const Tensor& weight, const Tensor& bias,
                 bool relu) {
  check_linear(op, x, weight, bias);
  const int64_t out_features = weight.size(0), in_features = weight.size(1);
  const int64_t rows = x.numel() / in_features;
  Shape shape = x.shape();
  shape.back() = out_features;
  Tensor out = Tensor::empty(shape);
  product(rows, out_features, in_features, stored(x, in_features), transposed(weight, in_features),
          out.data(), {.bias = bias.defined() ? bias.data() : nullptr, .relu = relu});
  return record(op, out, {x, weight, bias},
                [rows, in_features, out_features, relu](const Tensor& output, const Tensor& g,
                                                        const std::vector<Tensor>& in) {
                  const bool bias_grad = in[2].defined() && in[2].requires_grad();
                  Tensor db = bias_grad ? Tensor::empty(in[2].shape()) : Tensor();
                  Tensor masked = g;
                  if (relu) {
                    masked = Tensor::empty(g.shape());
                    bias_gradient(g.data(), rows, out_features, bias_grad ? db.data() : nullptr,
                                  output.data(), masked.data());
                  } else if (bias_grad) {
                    bias_gradient(g.data(), rows, out_features, db.data());
                  }
                  linear_backward_products(masked, in, rows, in_features, out_features);
                  if (bias_grad) accumulate_grad(in[2], db);
                });
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  return linear_op("linear", x, weight, bias, /*relu=*/false);
}

Tensor linear_relu(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  return linear_op("linear_relu", x, weight, bias, /*relu=*/true);
}

}  // namespace fulcrum
