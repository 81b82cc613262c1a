#pragma once
// Small helpers shared by the layers tests.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "fulcrum/core/random.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/layers/module.hpp"

namespace fulcrum::testing {

/// The parameter names of `module`, in named_parameters() order.
inline std::vector<std::string> parameter_names(const nn::Module& module) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : module.named_parameters()) names.push_back(name);
  return names;
}

/// (name, shape) of every parameter, for comparing a model's layout at once.
inline std::vector<std::pair<std::string, Shape>> parameter_layout(const nn::Module& module) {
  std::vector<std::pair<std::string, Shape>> layout;
  for (const auto& [name, tensor] : module.named_parameters())
    layout.emplace_back(name, tensor.shape());
  return layout;
}

/// Same shape and bit-identical values.
inline void expect_identical(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  for (int64_t i = 0; i < got.numel(); ++i)
    ASSERT_EQ(got.data()[i], want.data()[i]) << what << " differs at element " << i;
}

/// x @ w^T + b in double, by hand: x is [n, in] (or any [..., in]), w [out, in],
/// b [out] or undefined. Returns the row-major [..., out] values.
inline std::vector<double> reference_linear(const std::vector<double>& x, int64_t in,
                                            const Tensor& w, const Tensor& b) {
  const int64_t out = w.size(0);
  const int64_t rows = static_cast<int64_t>(x.size()) / in;
  std::vector<double> y(static_cast<size_t>(rows * out));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double acc = b.defined() ? static_cast<double>(b.data()[o]) : 0.0;
      for (int64_t k = 0; k < in; ++k)
        acc += x[static_cast<size_t>(r * in + k)] * static_cast<double>(w.data()[o * in + k]);
      y[static_cast<size_t>(r * out + o)] = acc;
    }
  return y;
}

inline std::vector<double> to_double(const Tensor& t) {
  return {t.values().begin(), t.values().end()};
}

/// |got - want| <= atol + rtol * |want| elementwise.
inline void expect_near_values(const Tensor& got, const std::vector<double>& want, double rtol,
                               double atol, const std::string& what) {
  ASSERT_EQ(static_cast<size_t>(got.numel()), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got.data()[i], want[i], atol + rtol * std::abs(want[i]))
        << what << " at element " << i;
}

}  // namespace fulcrum::testing
