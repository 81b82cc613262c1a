// Numerical stability at extreme inputs: the logistic and softmax family must
// give finite values with the right limits at +-1e4 (logits a diverging model
// can produce), and finite gradients there.

#include <gtest/gtest.h>

#include "expect.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum {
namespace {

using testing::expect_tensor;

const float kBig = 1e4f;

TEST(Stability, SigmoidSaturatesToZeroAndOne) {
  const Tensor y = sigmoid(Tensor::from({3}, {-kBig, 0, kBig}));
  ASSERT_TRUE(all_finite(y));
  expect_tensor(y, {3}, {0, 0.5f, 1});
}

TEST(Stability, LogSigmoidIsLinearForLargeNegativeInputs) {
  // log sigmoid(x) -> x as x -> -inf, and -> 0 as x -> +inf.
  const Tensor y = log_sigmoid(Tensor::from({4}, {-kBig, -100, 100, kBig}));
  ASSERT_TRUE(all_finite(y));
  expect_tensor(y, {4}, {-kBig, -100, 0, 0}, 1e-6, 1e-6);
}

TEST(Stability, TanhAndGeluSaturate) {
  const Tensor x = Tensor::from({2}, {-kBig, kBig});
  expect_tensor(tanh(x), {2}, {-1, 1});
  const Tensor g = gelu(x);
  ASSERT_TRUE(all_finite(g));
  expect_tensor(g, {2}, {0, kBig});
}

TEST(Stability, SoftmaxOfHugeLogits) {
  const Tensor x = Tensor::from({2, 3}, {kBig, 0, -kBig, kBig, kBig, -kBig});
  const Tensor s = softmax(x, 1);
  ASSERT_TRUE(all_finite(s));
  expect_tensor(s, {2, 3}, {1, 0, 0, 0.5f, 0.5f, 0});
  const Tensor ls = log_softmax(x, 1);
  ASSERT_TRUE(all_finite(ls));
  expect_tensor(ls, {2, 3},
                {0, -kBig, -2 * kBig, -0.6931471805599453f, -0.6931471805599453f,
                 -2 * kBig - 0.6931471805599453f},
                1e-6, 1e-6);
}

TEST(Stability, SoftmaxIsShiftInvariant) {
  const Tensor x = Tensor::from({3}, {1, 2, 3});
  const Tensor shifted = add(x, Tensor::scalar(kBig));
  expect_tensor(softmax(shifted, 0), {3}, softmax(x, 0).to_vector(), 1e-6, 1e-3);
  const Tensor all_equal = Tensor::full({4}, -kBig);
  expect_tensor(softmax(all_equal, 0), {4}, {0.25f, 0.25f, 0.25f, 0.25f});
}

TEST(Stability, GradientsAtExtremesAreFiniteWithTheRightLimits) {
  Tensor x = Tensor::from({2}, {-kBig, kBig}).requires_grad_();
  sum(log_sigmoid(x)).backward();  // d/dx = sigmoid(-x)
  expect_tensor(x.grad(), {2}, {1, 0});

  x.zero_grad();
  sum(sigmoid(x)).backward();  // sigmoid(x) (1 - sigmoid(x)) -> 0 on both sides
  expect_tensor(x.grad(), {2}, {0, 0});

  x.zero_grad();
  sum(tanh(x)).backward();
  expect_tensor(x.grad(), {2}, {0, 0});

  Tensor logits = Tensor::from({1, 3}, {kBig, 0, -kBig}).requires_grad_();
  // d/dlogits of log_softmax[0, 1] = onehot(1) - softmax = [-1, 1, 0].
  sum(mul(log_softmax(logits, 1), Tensor::from({1, 3}, {0, 1, 0}))).backward();
  ASSERT_TRUE(all_finite(logits.grad()));
  expect_tensor(logits.grad(), {1, 3}, {-1, 1, 0});

  logits.zero_grad();
  sum(mul(softmax(logits, 1), Tensor::from({1, 3}, {1, 2, 3}))).backward();
  ASSERT_TRUE(all_finite(logits.grad()));
  expect_tensor(logits.grad(), {1, 3}, {0, 0, 0});
}

}  // namespace
}  // namespace fulcrum
