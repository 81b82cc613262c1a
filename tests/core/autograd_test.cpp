// Semantics of the autodiff engine, as PyTorch users expect them: gradients
// accumulate until zero_grad, NoGradGuard records nothing, detach cuts the
// graph, shared subexpressions get the sum of their paths, and deep graphs
// work without recursion.

#include <cmath>

#include <gtest/gtest.h>

#include "expect.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum {
namespace {

using testing::error_message;
using testing::expect_tensor;

Tensor param(const Shape& shape, std::initializer_list<float> values) {
  Tensor t = Tensor::from(shape, values);
  t.requires_grad_();
  return t;
}

TEST(Autograd, LeafGradientOfASimpleExpression) {
  Tensor x = param({3}, {1, 2, 3});
  sum(mul(x, Tensor::from({3}, {4, 5, 6}))).backward();
  expect_tensor(x.grad(), {3}, {4, 5, 6});
  EXPECT_TRUE(x.is_leaf());
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = param({2}, {1, 2});
  sum(mul(x, Tensor::scalar(3))).backward();
  expect_tensor(x.grad(), {2}, {3, 3});
  sum(mul(x, x)).backward();  // adds 2x
  expect_tensor(x.grad(), {2}, {5, 7});
}

TEST(Autograd, ZeroGradDropsTheGradient) {
  Tensor x = param({2}, {1, 2});
  sum(x * 2.0f).backward();
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
  sum(x * 3.0f).backward();
  expect_tensor(x.grad(), {2}, {3, 3});
}

TEST(Autograd, GradIsUndefinedBeforeBackward) {
  Tensor x = param({2}, {1, 2});
  EXPECT_FALSE(x.grad().defined());
  Tensor y = x * 2.0f;
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, NoGradGuardRecordsNothing) {
  Tensor x = param({2}, {1, 2});
  {
    NoGradGuard guard;
    EXPECT_FALSE(grad_enabled());
    Tensor y = exp(x * 2.0f);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_TRUE(y.is_leaf());
    EXPECT_STREQ(y.op_name(), "leaf");
    {
      NoGradGuard nested;
      EXPECT_FALSE(grad_enabled());
    }
    EXPECT_FALSE(grad_enabled()) << "a nested guard must restore the outer state";
  }
  EXPECT_TRUE(grad_enabled());
  EXPECT_TRUE((x * 2.0f).requires_grad());
}

TEST(Autograd, BackwardOfATensorMadeUnderNoGradIsAnError) {
  Tensor x = param({2}, {1, 2});
  Tensor y;
  {
    NoGradGuard guard;
    y = sum(x);
  }
  testing::expect_contains(error_message<ValueError>([&] { y.backward(); }),
                           {"backward() on a tensor that does not require grad"});
}

TEST(Autograd, RequiresGradPropagates) {
  Tensor p = param({2}, {1, 2});
  const Tensor c = Tensor::from({2}, {3, 4});
  EXPECT_TRUE(add(p, c).requires_grad());
  EXPECT_TRUE(add(c, p).requires_grad());
  EXPECT_FALSE(add(c, c).requires_grad());
  EXPECT_TRUE(add(c, c).is_leaf()) << "no node is recorded when no input requires grad";
  EXPECT_TRUE(exp(add(p, c)).requires_grad()) << "requires_grad passes through chains";
}

TEST(Autograd, OutputsOfOpsAreNotLeaves) {
  Tensor p = param({2}, {1, 2});
  Tensor y = exp(p);
  EXPECT_FALSE(y.is_leaf());
  EXPECT_STRNE(y.op_name(), "leaf");
  EXPECT_STREQ(reshape(p, {2, 1}).op_name(), "reshape");
  // Freezing a computed tensor makes no sense; detach() is the way.
  testing::expect_contains(
      error_message<ValueError>([&] { y.requires_grad_(false); }),
      {"requires_grad_(false) on a non-leaf tensor (made by exp)", "detach()"});
}

TEST(Autograd, DetachCutsTheGraphAndSharesStorage) {
  Tensor x = param({2}, {3, 4});
  Tensor d = x.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_EQ(d.data(), x.data());
  // d/dx (stop_gradient(x) * x) = x.
  sum(mul(d, x)).backward();
  expect_tensor(x.grad(), {2}, {3, 4});
}

TEST(Autograd, TensorUsedTwiceGetsBothContributions) {
  Tensor x = param({3}, {1, -2, 3});
  sum(mul(x, x)).backward();
  expect_tensor(x.grad(), {3}, {2, -4, 6});
}

TEST(Autograd, DiamondGraph) {
  // y = x + 1 feeds two branches that meet again: z = y*y + 3y.
  // dz/dx = 2y + 3.
  Tensor x = param({3}, {0, 1, 2});
  Tensor y = x + 1.0f;
  Tensor z = add(mul(y, y), mul(y, Tensor::scalar(3)));
  sum(z).backward();
  expect_tensor(x.grad(), {3}, {5, 7, 9});
}

TEST(Autograd, WideDiamondThroughShapeOps) {
  // x -> (slice, slice, reshape) -> concat -> sum: every path counted once.
  Tensor x = param({4}, {1, 2, 3, 4});
  Tensor y = concat({slice(x, 0, 0, 2), slice(x, 0, 1, 4), reshape(x, {4})}, 0);
  sum(y).backward();
  expect_tensor(x.grad(), {4}, {2, 3, 2, 2});
}

TEST(Autograd, IntermediateGradientsAreNotKept) {
  Tensor x = param({2}, {1, 2});
  Tensor y = x * 2.0f;
  sum(y).backward();
  EXPECT_FALSE(y.grad().defined()) << "only leaves keep .grad (as in PyTorch)";
  expect_tensor(x.grad(), {2}, {2, 2});
}

TEST(Autograd, BackwardOnANonScalarNeedsAGradient) {
  Tensor x = param({2}, {1, 2});
  Tensor y = x * 2.0f;
  const std::string msg = error_message<ValueError>([&] { y.backward(); });
  testing::expect_contains(msg, {"[2]"});
}

TEST(Autograd, BackwardWithAnExplicitGradient) {
  Tensor x = param({2}, {1, 2});
  Tensor y = mul(x, x);
  y.backward(Tensor::from({2}, {1, 10}));
  expect_tensor(x.grad(), {2}, {2, 40});
}

TEST(Autograd, BackwardLeavesTheGivenGradientUnchanged) {
  Tensor x = param({2}, {1, 2});
  const Tensor g = Tensor::from({2}, {1, 10});
  x.backward(g);
  x.backward(g);  // accumulates into x's gradient, which must not be g itself
  expect_tensor(x.grad(), {2}, {2, 20});
  expect_tensor(g, {2}, {1, 10});
}

TEST(Autograd, InputsSharingAnOutputGradientGetGradientsOfTheirOwn) {
  // add hands the same output gradient to both inputs; each must own a copy.
  Tensor x = param({2}, {1, 2}), z = param({2}, {3, 4});
  sum(mul(add(x, z), Tensor::from({2}, {5, 6}))).backward();
  expect_tensor(x.grad(), {2}, {5, 6});
  expect_tensor(z.grad(), {2}, {5, 6});
  EXPECT_NE(x.grad().data(), z.grad().data());
  z.grad().fill_(0.0f);
  expect_tensor(x.grad(), {2}, {5, 6});
}

TEST(Autograd, BackwardRejectsAGradientOfTheWrongShape) {
  Tensor x = param({2}, {1, 2});
  Tensor y = x * 2.0f;
  testing::expect_contains(
      error_message<ShapeError>([&] { y.backward(Tensor::zeros({3})); }), {"[3]", "[2]"});
}

TEST(Autograd, BackwardOnAConstantIsAnError) {
  const Tensor c = Tensor::from({1}, {1});
  testing::expect_contains(error_message<ValueError>([&] { sum(c).backward(); }),
                           {"backward() on a tensor that does not require grad"});
}

TEST(Autograd, OnlyTheInputsThatRequireGradGetGradients) {
  Tensor w = param({2}, {1, 2});
  Tensor x = Tensor::from({2}, {3, 4});
  sum(mul(w, x)).backward();
  expect_tensor(w.grad(), {2}, {3, 4});
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, DeepChainDoesNotOverflowTheStack) {
  constexpr int kDepth = 10000;
  Tensor x = param({1}, {1});
  Tensor y = x;
  for (int i = 0; i < kDepth; ++i) y = add(y, x);  // y = (kDepth + 1) x
  sum(y).backward();
  expect_tensor(x.grad(), {1}, {static_cast<float>(kDepth + 1)});
}

TEST(Autograd, DeepChainCanBeDroppedWithoutBackward) {
  // Destroying a long graph must not recurse once per node either.
  constexpr int kDepth = 10000;
  Tensor x = param({1}, {1});
  Tensor y = x;
  for (int i = 0; i < kDepth; ++i) y = mul(y, Tensor::scalar(1.0f));
  EXPECT_FALSE(y.is_leaf());
  y = Tensor();  // drops the whole chain: a recursive teardown would crash here
  EXPECT_FALSE(y.defined());
}

TEST(Autograd, AMillionNodeChainCanBeDroppedWithoutBackward) {
  // Deep enough that a teardown recursing once per node overflows the stack
  // and kills the test process; the destruction must run iteratively.
  constexpr int kDepth = 1000000;
  Tensor x = param({}, {1});
  const Tensor one = Tensor::scalar(1.0f);
  Tensor y = x;
  for (int i = 0; i < kDepth; ++i) y = add(y, one);
  EXPECT_EQ(y.item(), static_cast<float>(kDepth + 1));
  y = Tensor();
  EXPECT_TRUE(x.is_leaf()) << "the leaf outlives the graph built on it";
  EXPECT_FALSE(x.grad().defined());
}

// backward() frees the graph as it goes (no retain_graph), so walking it
// again is refused, as PyTorch refuses it, rather than giving the leaves
// nothing; the gradient of the first walk stays.
TEST(Autograd, BackwardTwiceIsRefusedWithTheReason) {
  Tensor x = param({2}, {1, 2});
  Tensor y = sum(mul(x, x));
  y.backward();
  expect_tensor(x.grad(), {2}, {2, 4});
  try {
    y.backward();
    FAIL() << "a second backward() through a freed graph was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("backward() through a graph a second time"),
              std::string::npos)
        << e.what();
  }
  expect_tensor(x.grad(), {2}, {2, 4});
}

TEST(Autograd, TwoLossesSharingAnIntermediateAreRefusedAndTheirSumIsCorrect) {
  // A shared backbone with two heads whose losses are back-propagated one
  // after the other (instead of summed): the backbone needs both gradients,
  // and the second walk would miss the freed shared part, so it is refused
  // with advice to sum the losses, which gives the right gradient.
  Tensor w = param({2}, {1, 2});
  Tensor h = mul(w, Tensor::from({2}, {3, 4}));  // the shared intermediate
  Tensor loss1 = sum(h);
  Tensor loss2 = sum(mul(h, Tensor::scalar(10)));
  loss1.backward();
  expect_tensor(w.grad(), {2}, {3, 4});
  try {
    loss2.backward();
    FAIL() << "backward() through a partly freed graph was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("Sum the losses"), std::string::npos) << e.what();
  }

  Tensor v = param({2}, {1, 2});
  Tensor g = mul(v, Tensor::from({2}, {3, 4}));
  (sum(g) + sum(mul(g, Tensor::scalar(10)))).backward();
  expect_tensor(v.grad(), {2}, {33, 44});
}

TEST(Autograd, SetGradReplacesOrDrops) {
  Tensor x = param({2}, {1, 2});
  x.set_grad(Tensor::from({2}, {5, 6}));
  expect_tensor(x.grad(), {2}, {5, 6});
  sum(x).backward();
  expect_tensor(x.grad(), {2}, {6, 7});
  x.set_grad(Tensor());
  EXPECT_FALSE(x.grad().defined());
  testing::expect_contains(error_message<ShapeError>([&] { x.set_grad(Tensor::zeros({3})); }),
                           {"set_grad: gradient of shape [3] for tensor [2]"});
}

}  // namespace
}  // namespace fulcrum
