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

// Runs `op` with 1, 2, 3 and 4 threads and under the adaptive policy, and
// compares the bits: the adaptive policy changes the thread count between
// regions, which is only safe because no result depends on it.
void expect_thread_count_free(const std::function<Tensor()>& op, const char* what) {
  set_num_threads(1);
  const Tensor reference = op().clone();
  for (int threads : {2, 3, 4, 0}) {
    set_num_threads(threads);
    EXPECT_TRUE(bit_identical(reference, op())) << what << " differs with threads = " << threads;
  }
  set_num_threads(0);
}

TEST(Determinism, ForwardOpsDoNotDependOnTheThreadCount) {
  const Tensor v = big_uniform({1000000}, 9);
  const Tensor m = big_uniform({1000, 1000}, 10);
  // Products above the one-block size (4M multiply-adds), split by rows and by columns.
  const Tensor tall = big_uniform({1024, 300}, 11), wide = big_uniform({300, 1500}, 12);
  const Tensor w = big_uniform({700, 1000}, 13), bias = big_uniform({700}, 14);
  expect_thread_count_free([&] { return sum(v); }, "sum");
  expect_thread_count_free([&] { return sum(m, 0); }, "sum over dim 0");
  expect_thread_count_free([&] { return softmax(m, 1); }, "softmax");
  expect_thread_count_free([&] { return matmul(tall, wide); }, "matmul 1024x300x1500");
  expect_thread_count_free([&] { return matmul(transpose(wide, 0, 1), transpose(tall, 0, 1)); },
                           "matmul 1500x300x1024");
  expect_thread_count_free([&] { return linear(m, w, bias); }, "linear 1000x1000 -> 700");
  expect_thread_count_free([&] { return mul(add(m, Tensor::scalar(1)), sigmoid(m)); },
                           "elementwise");
}

TEST(Determinism, GradientsDoNotDependOnTheThreadCount) {
  const Tensor x = big_uniform({512, 1024}, 15);
  const Tensor w0 = big_uniform({768, 1024}, 16), w1 = big_uniform({300, 768}, 17);
  expect_thread_count_free(
      [&] {
        Tensor a = w0.clone().requires_grad_(), b = w1.clone().requires_grad_();
        sum(mul(log_softmax(linear(relu(linear(x, a, Tensor())), b, Tensor()), 1),
                Tensor::scalar(-1)))
            .backward();
        return concat({reshape(a.grad(), {-1}), reshape(b.grad(), {-1})}, 0);
      },
      "the gradient of a two-layer network");
}

TEST(ThreadPolicy, FixedCountsAreKeptAndTheAdaptiveOneStaysInRange) {
  set_num_threads(3);
  EXPECT_EQ(num_threads(), 3);
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
  set_num_threads(0);
  for (int i = 0; i < 3; ++i) {
    const int adaptive = num_threads();
    EXPECT_GE(adaptive, 1);
    EXPECT_LE(adaptive, max_threads());
  }
  EXPECT_GE(max_threads(), 1);
}

}  // namespace
}  // namespace fulcrum
