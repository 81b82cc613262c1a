// Activations, and softmax / log_softmax along a dimension.

#include <algorithm>
#include <cmath>
#include <numbers>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "kernels.hpp"

namespace fulcrum {

using detail::map;
using detail::zip;

namespace {

// Stable logistic function: never evaluates exp of a large positive number.
inline float stable_sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

}  // namespace

// Written as `v <= 0 ? ... : v` so that NaN passes through, as in PyTorch:
// turning it into 0 would hide a diverging model.
Tensor relu(const Tensor& x) {
  return record("relu", map(x, [](float v) { return v <= 0.0f ? 0.0f : v; }), {x},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, in[0], "relu", [](float gv, float v) {
                                    return v > 0.0f ? gv : 0.0f;
                                  }));
                });
}

Tensor leaky_relu(const Tensor& x, float slope) {
  return record("leaky_relu", map(x, [slope](float v) { return v <= 0.0f ? slope * v : v; }), {x},
                [slope](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, in[0], "leaky_relu", [slope](float gv, float v) {
                                    return v > 0.0f ? gv : slope * gv;
                                  }));
                });
}

Tensor gelu(const Tensor& x) {
  constexpr float kInvSqrt2 = 0.70710678118654752f;
  return record(
      "gelu", map(x, [](float v) { return 0.5f * v * (1.0f + std::erf(v * kInvSqrt2)); }), {x},
      [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
        // d/dx x*Phi(x) = Phi(x) + x * phi(x)
        constexpr float kInvSqrt2Pi = 0.39894228040143268f;
        accumulate_grad(in[0], zip(g, in[0], "gelu", [](float gv, float v) {
                          const float cdf = 0.5f * (1.0f + std::erf(v * kInvSqrt2));
                          const float pdf = kInvSqrt2Pi * std::exp(-0.5f * v * v);
                          return gv * (cdf + v * pdf);
                        }));
      });
}

Tensor tanh(const Tensor& x) {
  return record("tanh", map(x, [](float v) { return std::tanh(v); }), {x},
                [](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, out, "tanh", [](float gv, float o) {
                                    return gv * (1.0f - o * o);
                                  }));
                });
}

Tensor sigmoid(const Tensor& x) {
  return record("sigmoid", map(x, stable_sigmoid), {x},
                [](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, out, "sigmoid", [](float gv, float o) {
                                    return gv * o * (1.0f - o);
                                  }));
                });
}

Tensor log_sigmoid(const Tensor& x) {
  // log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)): no overflow for any finite x.
  Tensor out = map(x, [](float v) { return std::min(v, 0.0f) - std::log1p(std::exp(-std::abs(v))); });
  return record("log_sigmoid", out, {x},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, in[0], "log_sigmoid", [](float gv, float v) {
                                    return gv * stable_sigmoid(-v);
                                  }));
                });
}

namespace detail {

DimSplit split_at(const Shape& shape, int64_t dim) {
  DimSplit s{1, shape.empty() ? 1 : shape[static_cast<size_t>(dim)], 1};
  for (int64_t d = 0; d < dim; ++d) s.outer *= shape[static_cast<size_t>(d)];
  for (size_t d = static_cast<size_t>(dim) + 1; d < shape.size(); ++d) s.inner *= shape[d];
  return s;
}

}  // namespace detail

namespace {

// Runs fn(line_pointer, stride) on every 1-d line of x along the split's middle dim.
template <typename Fn>
void for_each_line(const detail::DimSplit& s, Fn fn) {
  parallel_for(
      s.outer * s.inner,
      [&](int64_t lo, int64_t hi) {
        for (int64_t line = lo; line < hi; ++line) {
          const int64_t o = line / s.inner, k = line % s.inner;
          fn(o * s.n * s.inner + k, s.inner);
        }
      },
      s.n);
}

// softmax (log_form = false) or log_softmax (true) of x along dim, max-shifted.
Tensor softmax_forward(const Tensor& x, const detail::DimSplit& s, bool log_form) {
  Tensor out = Tensor::empty(x.shape());
  const float* src = x.data();
  float* dst = out.data();
  for_each_line(s, [&](int64_t base, int64_t stride) {
    float max = -INFINITY;
    for (int64_t i = 0; i < s.n; ++i) max = std::max(max, src[base + i * stride]);
    double total = 0.0;
    for (int64_t i = 0; i < s.n; ++i) total += std::exp(static_cast<double>(src[base + i * stride] - max));
    if (log_form) {
      const float log_total = static_cast<float>(std::log(total));
      for (int64_t i = 0; i < s.n; ++i)
        dst[base + i * stride] = src[base + i * stride] - max - log_total;
    } else {
      for (int64_t i = 0; i < s.n; ++i)
        dst[base + i * stride] =
            static_cast<float>(std::exp(static_cast<double>(src[base + i * stride] - max)) / total);
    }
  });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  dim = wrap_dim(dim, x.dim(), "softmax");
  const auto s = detail::split_at(x.shape(), dim);
  return record("softmax", softmax_forward(x, s, false), {x},
                [s](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  // dx = y * (g - sum(g * y))
                  Tensor dx = Tensor::empty(out.shape());
                  const float *y = out.data(), *gy = g.data();
                  float* d = dx.data();
                  for_each_line(s, [&](int64_t base, int64_t stride) {
                    double dot = 0.0;
                    for (int64_t i = 0; i < s.n; ++i)
                      dot += static_cast<double>(gy[base + i * stride]) * y[base + i * stride];
                    for (int64_t i = 0; i < s.n; ++i) {
                      const int64_t j = base + i * stride;
                      d[j] = y[j] * (gy[j] - static_cast<float>(dot));
                    }
                  });
                  accumulate_grad(in[0], dx);
                });
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  dim = wrap_dim(dim, x.dim(), "log_softmax");
  const auto s = detail::split_at(x.shape(), dim);
  return record("log_softmax", softmax_forward(x, s, true), {x},
                [s](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  // dx = g - softmax * sum(g)
                  Tensor dx = Tensor::empty(out.shape());
                  const float *y = out.data(), *gy = g.data();
                  float* d = dx.data();
                  for_each_line(s, [&](int64_t base, int64_t stride) {
                    double total = 0.0;
                    for (int64_t i = 0; i < s.n; ++i) total += gy[base + i * stride];
                    for (int64_t i = 0; i < s.n; ++i) {
                      const int64_t j = base + i * stride;
                      d[j] = gy[j] - std::exp(y[j]) * static_cast<float>(total);
                    }
                  });
                  accumulate_grad(in[0], dx);
                });
}

}  // namespace fulcrum
