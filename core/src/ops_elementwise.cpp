// Elementwise ops: binary with NumPy broadcasting, and unary maps.

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "kernels.hpp"

namespace fulcrum {
namespace detail {

std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out_shape) {
  std::vector<int64_t> strides(out_shape.size(), 0);
  const auto own = contiguous_strides(shape);
  const size_t offset = out_shape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    strides[i + offset] = shape[i] == 1 ? 0 : own[i];
  return strides;
}

}  // namespace detail

using detail::map;
using detail::zip;

Tensor add(const Tensor& a, const Tensor& b) {
  return record("add", zip(a, b, "add", [](float x, float y) { return x + y; }), {a, b},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], g);
                  accumulate_grad(in[1], g);
                });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  return record("sub", zip(a, b, "sub", [](float x, float y) { return x - y; }), {a, b},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], g);
                  if (in[1].requires_grad()) accumulate_grad(in[1], neg(g));
                });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  return record("mul", zip(a, b, "mul", [](float x, float y) { return x * y; }), {a, b},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  if (in[0].requires_grad()) accumulate_grad(in[0], mul(g, in[1]));
                  if (in[1].requires_grad()) accumulate_grad(in[1], mul(g, in[0]));
                });
}

Tensor div(const Tensor& a, const Tensor& b) {
  return record("div", zip(a, b, "div", [](float x, float y) { return x / y; }), {a, b},
                [](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  if (in[0].requires_grad()) accumulate_grad(in[0], div(g, in[1]));
                  // d(a/b)/db = -a/b^2 = -out/b
                  if (in[1].requires_grad()) accumulate_grad(in[1], neg(div(mul(g, out), in[1])));
                });
}

Tensor pow(const Tensor& a, const Tensor& b) {
  return record("pow", zip(a, b, "pow", [](float x, float y) { return std::pow(x, y); }), {a, b},
                [](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  if (in[0].requires_grad()) {
                    // b * a^(b-1), written so that a = 0 with b >= 1 stays finite.
                    Tensor da = zip(in[0], in[1], "pow", [](float x, float y) {
                      return y == 0.0f ? 0.0f : y * std::pow(x, y - 1.0f);
                    });
                    accumulate_grad(in[0], mul(g, da));
                  }
                  if (in[1].requires_grad()) {
                    Tensor db = zip(out, in[0], "pow", [](float o, float x) {
                      return x == 0.0f ? 0.0f : o * std::log(x);
                    });
                    accumulate_grad(in[1], mul(g, db));
                  }
                });
}

Tensor pow(const Tensor& a, float exponent) {
  return record("pow", map(a, [exponent](float x) { return std::pow(x, exponent); }), {a},
                [exponent](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  Tensor da = map(in[0], [exponent](float x) {
                    return exponent == 0.0f ? 0.0f : exponent * std::pow(x, exponent - 1.0f);
                  });
                  accumulate_grad(in[0], mul(g, da));
                });
}

Tensor neg(const Tensor& x) {
  return record("neg", map(x, [](float v) { return -v; }), {x},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], map(g, [](float v) { return -v; }));
                });
}

Tensor exp(const Tensor& x) {
  return record("exp", map(x, [](float v) { return std::exp(v); }), {x},
                [](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], mul(g, out));
                });
}

Tensor log(const Tensor& x) {
  return record("log", map(x, [](float v) { return std::log(v); }), {x},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], div(g, in[0]));
                });
}

Tensor log1p(const Tensor& x) {
  return record("log1p", map(x, [](float v) { return std::log1p(v); }), {x},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, in[0], "log1p", [](float gv, float v) {
                                    return gv / (1.0f + v);
                                  }));
                });
}

Tensor abs(const Tensor& x) {
  return record("abs", map(x, [](float v) { return std::abs(v); }), {x},
                [](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, in[0], "abs", [](float gv, float v) {
                                    return v > 0.0f ? gv : (v < 0.0f ? -gv : 0.0f);
                                  }));
                });
}

Tensor sqrt(const Tensor& x) {
  return record("sqrt", map(x, [](float v) { return std::sqrt(v); }), {x},
                [](const Tensor& out, const Tensor& g, const std::vector<Tensor>& in) {
                  // d sqrt(x) / dx = 1 / (2 sqrt(x)), from the saved output.
                  accumulate_grad(in[0], zip(g, out, "sqrt", [](float gv, float o) {
                                    return 0.5f * gv / o;
                                  }));
                });
}

Tensor clamp(const Tensor& x, std::optional<float> min, std::optional<float> max) {
  FULCRUM_CHECK(!min || !max || *min <= *max, "clamp: min {} is greater than max {}", *min, *max);
  const float lo = min.value_or(-INFINITY), hi = max.value_or(INFINITY);
  Tensor out = map(x, [lo, hi](float v) { return v < lo ? lo : (v > hi ? hi : v); });
  return record("clamp", out, {x},
                [lo, hi](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  accumulate_grad(in[0], zip(g, in[0], "clamp", [lo, hi](float gv, float v) {
                                    return v >= lo && v <= hi ? gv : 0.0f;
                                  }));
                });
}

bool all_finite(const Tensor& x) {
  for (float v : x.values())
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace fulcrum
