#pragma once
// Small helpers shared by the optim tests.

#include <cmath>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::optim::test {

/// Distinct, mixed-sign, non-zero values that differ with `seed`: stand-ins for
/// gradients and parameters.
inline Tensor wavy(const Shape& shape, int seed) {
  Tensor t = Tensor::empty(shape);
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data()[i] = static_cast<float>(std::sin(1.3 * static_cast<double>(i) + 0.7 * seed) + 0.05);
  return t;
}

/// Same shape and the same bits in every element.
inline void expect_bitwise_equal(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  EXPECT_EQ(std::memcmp(got.data(), want.data(), static_cast<size_t>(got.numel()) * sizeof(float)),
            0)
      << what << ": " << got.to_string() << " vs " << want.to_string();
}

}  // namespace fulcrum::optim::test
