#pragma once
// Assertions shared by the core tests: a tensor's shape and values, and the
// message of an expected error.

#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/errors.hpp"

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::testing {

/// Expects `got` to have `shape` and values within atol + rtol * |want| of `want`.
inline void expect_tensor(const Tensor& got, const Shape& shape, const std::vector<float>& want,
                          double atol = 1e-6, double rtol = 1e-6) {
  ASSERT_TRUE(got.defined()) << "tensor is undefined";
  ASSERT_EQ(got.shape(), shape) << "shape " << to_string(got.shape()) << " instead of "
                                << to_string(shape);
  ASSERT_EQ(static_cast<size_t>(got.numel()), want.size()) << "bad reference size in the test";
  for (size_t i = 0; i < want.size(); ++i) {
    const double g = got.data()[i], w = want[i];
    EXPECT_TRUE(std::abs(g - w) <= atol + rtol * std::abs(w))
        << "element " << i << ": got " << g << ", want " << w;
  }
}

/// Expects `message` to contain each of `parts`.
inline void expect_contains(const std::string& message, std::initializer_list<const char*> parts) {
  for (const char* part : parts)
    EXPECT_NE(message.find(part), std::string::npos)
        << "message \"" << message << "\" does not mention \"" << part << "\"";
}

}  // namespace fulcrum::testing
