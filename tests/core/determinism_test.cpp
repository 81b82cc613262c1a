// Same inputs and same thread count => bit-identical results, including the
// ops that run on several threads (tensors above kParallelGrain elements).

#include <cmath>
#include <cstring>
#include <functional>

#include <gtest/gtest.h>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"

namespace fulcrum {
namespace {

static_assert(1000000 > kParallelGrain, "the tests below must exercise the threaded paths");

bool bit_identical(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)) == 0;
}

// Runs `op` twice on the same inputs and compares the bits.
void expect_repeatable(const std::function<Tensor()>& op, const char* what) {
  const Tensor first = op();
  const Tensor second = op();
  EXPECT_TRUE(bit_identical(first, second)) << what << " differs between two runs";
}

Tensor big_uniform(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return uniform(shape, -1, 1, gen);
}

TEST(Determinism, LargeForwardOpsRepeatBitForBit) {
  const Tensor v = big_uniform({1000000}, 1);
  const Tensor m = big_uniform({1000, 1000}, 2);
  const Tensor a = big_uniform({256, 256}, 3);
  const Tensor b = big_uniform({256, 256}, 4);
  const Tensor bias = big_uniform({256}, 5);
  expect_repeatable([&] { return sum(v); }, "sum of 1e6 elements");
  expect_repeatable([&] { return mean(v); }, "mean of 1e6 elements");
  expect_repeatable([&] { return sum(m, 0); }, "sum over dim 0");
  expect_repeatable([&] { return sum(m, 1); }, "sum over dim 1");
  expect_repeatable([&] { return sum_to(m, {1000}); }, "sum_to");
  expect_repeatable([&] { return matmul(a, b); }, "matmul 256x256");
  expect_repeatable([&] { return linear(slice(m, 1, 0, 256), a, bias); }, "linear");
  expect_repeatable([&] { return softmax(m, 0); }, "softmax over dim 0");
  expect_repeatable([&] { return log_softmax(m, 1); }, "log_softmax over dim 1");
  expect_repeatable([&] { return mul(add(m, Tensor::scalar(1)), sigmoid(m)); }, "elementwise");
  expect_repeatable([&] { return add(m, slice(v, 0, 0, 1000)); }, "broadcast add");
  expect_repeatable([&] { return transpose(m, 0, 1); }, "transpose");
  expect_repeatable([&] { return broadcast_to(slice(v, 0, 0, 1000), {1000, 1000}); },
                    "broadcast_to");
}

TEST(Determinism, LargeBackwardRepeatsBitForBit) {
  Tensor w = big_uniform({256, 256}, 6).requires_grad_();
  const Tensor x = big_uniform({512, 256}, 7);
  const auto gradient = [&] {
    w.zero_grad();
    Tensor h = tanh(linear(x, w, Tensor()));
    sum(mul(log_softmax(h, 0), h)).backward();
    return w.grad().clone();
  };
  EXPECT_TRUE(bit_identical(gradient(), gradient()));
}

TEST(Determinism, LargeSumIsAccurate) {
  const Tensor v = big_uniform({1000000}, 8);
  double reference = 0;
  for (float x : v.values()) reference += x;
  // A running float sum of 1e6 terms drifts by ~1e-2 absolute here; the sum must do better.
  EXPECT_NEAR(sum(v).item(), reference, 1e-6 * std::abs(reference) + 1e-3);
  EXPECT_NEAR(mean(v).item(), reference / 1e6, 1e-9 + 1e-6 * std::abs(reference / 1e6));
}

TEST(Determinism, SumDoesNotDependOnTheThreadCount) {
  // blocked_sum promises a result independent of the number of threads.
  const Tensor v = big_uniform({1000000}, 9);
  const int saved = num_threads();
  set_num_threads(1);
  const float one = sum(v).item();
  set_num_threads(2);
  const float two = sum(v).item();
  set_num_threads(saved);
  EXPECT_EQ(one, two);
}

}  // namespace
}  // namespace fulcrum
