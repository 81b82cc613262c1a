// BCEWithLogitsLoss beyond the golden file: gradient checks, extreme logits,
// error messages, constants without gradients, determinism across thread
// counts and no fresh buffers in steady state.

#include "fulcrum/losses/bce_with_logits.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "loss_reference.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::error_message;
using fulcrum::testing::expect_error;

using testing::gradcheck;

TEST(BceWithLogits, GradcheckWithWeightAndPosWeightForEveryReduction) {
  Generator gen(7);
  const Tensor target = bernoulli({5, 3}, 0.4f, gen);
  const Tensor soft_target = uniform({5, 3}, 0.0f, 1.0f, gen);
  const Tensor weight = uniform({5, 1}, 0.5f, 2.0f, gen);  // per sample, broadcast
  const Tensor pos_weight = uniform({3}, 0.5f, 9.0f, gen);  // per label, broadcast
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
    for (const Tensor& t : {target, soft_target}) {
      Tensor x = normal({5, 3}, 0.0f, 2.0f, gen);
      x.requires_grad_();
      gradcheck(
          [&](const std::vector<Tensor>& in) {
            return binary_cross_entropy_with_logits(
                in[0], t, {.weight = weight, .pos_weight = pos_weight, .reduction = r});
          },
          [&](const std::vector<reference::Array>& in) {
            return reference::bce_with_logits(in[0], testing::ref::from(t),
                                              testing::ref::from(weight),
                                              testing::ref::from(pos_weight), r);
          },
          {x}, "bce_with_logits reduction=" + std::string(to_string(r)));
      gradcheck(
          [&](const std::vector<Tensor>& in) {
            return binary_cross_entropy_with_logits(in[0], t, {.reduction = r});
          },
          [&](const std::vector<reference::Array>& in) {
            return reference::bce_with_logits(in[0], testing::ref::from(t), {}, {}, r);
          },
          {x}, "bce_with_logits without weights reduction=" + std::string(to_string(r)));
    }
  }
}

TEST(BceWithLogits, GradcheckOnThreeDimensionalInput) {
  Generator gen(8);
  Tensor x = normal({2, 3, 4}, 0.0f, 1.5f, gen);
  x.requires_grad_();
  const Tensor t = bernoulli({2, 3, 4}, 0.5f, gen);
  const Tensor weight = uniform({3, 1}, 0.5f, 2.0f, gen);
  const Tensor pos_weight = uniform({4}, 1.0f, 5.0f, gen);
  gradcheck(
      [&](const std::vector<Tensor>& in) {
        return binary_cross_entropy_with_logits(in[0], t,
                                                {.weight = weight, .pos_weight = pos_weight});
      },
      [&](const std::vector<reference::Array>& in) {
        return reference::bce_with_logits(in[0], testing::ref::from(t), testing::ref::from(weight),
                                          testing::ref::from(pos_weight), Reduction::Mean);
      },
      {x}, "bce_with_logits [2, 3, 4]");
}

// For |x| >= 88, log1p(exp(-|x|)) < 1e-38: the loss is its piecewise-linear
// limit w * [(1 - t) * max(x, 0) + pw * t * max(-x, 0)] and the gradient is
// w * [(1 - t) * [x > 0] - pw * t * [x < 0]].
TEST(BceWithLogits, ExtremeLogitsGiveFiniteLossesAndTheirLimits) {
  const std::vector<float> logits = {-1e30f, -1e4f, -88.0f, 88.0f, 1e4f, 1e30f};
  const float w = 2.0f, pw = 3.0f;
  for (float t : {0.0f, 1.0f, 0.5f}) {
    const int64_t n = static_cast<int64_t>(logits.size());
    Tensor x = Tensor::from({n}, logits);
    x.requires_grad_();
    const Tensor target = Tensor::full({n}, t);
    const Tensor loss = binary_cross_entropy_with_logits(x, target,
                                                         {.weight = Tensor::scalar(w),
                                                          .pos_weight = Tensor::from({1}, {pw}),
                                                          .reduction = Reduction::None});
    loss.backward(Tensor::ones(loss.shape()));
    for (int64_t i = 0; i < n; ++i) {
      const double xi = logits[static_cast<size_t>(i)];
      const double want_loss = w * ((1 - t) * std::max(xi, 0.0) + pw * t * std::max(-xi, 0.0));
      const double want_grad = w * ((1 - t) * (xi > 0) - pw * t * (xi < 0));
      const float got_loss = loss.data()[i], got_grad = x.grad().data()[i];
      SCOPED_TRACE("x = " + std::to_string(xi) + ", t = " + std::to_string(t));
      ASSERT_TRUE(std::isfinite(got_loss));
      ASSERT_TRUE(std::isfinite(got_grad));
      EXPECT_NEAR(got_loss, want_loss, 1e-6 * std::abs(want_loss) + 1e-6);
      EXPECT_NEAR(got_grad, want_grad, 1e-6);
    }
    for (Reduction r : {Reduction::Mean, Reduction::Sum}) {
      const float reduced =
          binary_cross_entropy_with_logits(x, target, {.weight = Tensor::scalar(w), .reduction = r})
              .item();
      EXPECT_TRUE(std::isfinite(reduced)) << to_string(r) << " at t = " << t;
    }
  }
}

TEST(BceWithLogits, NonFiniteInputIsRefusedNamingTheElement) {
  const Tensor target = Tensor::zeros({4, 2});
  Tensor x = Tensor::zeros({4, 2});
  x.data()[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_message<ValueError>([&] { binary_cross_entropy_with_logits(x, target); }),
            "binary_cross_entropy_with_logits: input[3, 1] is nan");
  x.data()[7] = 0.0f;
  x.data()[2] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(error_message<ValueError>([&] { binary_cross_entropy_with_logits(x, target); }),
            "binary_cross_entropy_with_logits: input[1, 0] is -inf");
}

TEST(BceWithLogits, TargetOutsideZeroOneIsRefusedNamingTheElement) {
  const Tensor x = Tensor::zeros({2, 3});
  Tensor target = Tensor::zeros({2, 3});
  target.data()[4] = 1.5f;
  const std::string message =
      error_message<ValueError>([&] { binary_cross_entropy_with_logits(x, target); });
  EXPECT_NE(message.find("target[1, 1] = 1.5 is outside [0, 1]"), std::string::npos) << message;
  target.data()[4] = std::numeric_limits<float>::quiet_NaN();
  expect_error<ValueError>([&] { binary_cross_entropy_with_logits(x, target); },
                           {"target[1, 1] = nan is outside [0, 1]"});
  target.data()[4] = -0.25f;
  expect_error<ValueError>([&] { binary_cross_entropy_with_logits(x, target); },
                           {"target[1, 1] = -0.25 is outside [0, 1]"});
}

TEST(BceWithLogits, ShapesThatDoNotFitAreRefusedNamingThem) {
  const Tensor x = Tensor::zeros({4, 3});
  const Tensor t = Tensor::zeros({4, 3});
  EXPECT_EQ(error_message<ShapeError>(
                [&] { binary_cross_entropy_with_logits(x, t, {.pos_weight = Tensor::ones({4})}); }),
            "binary_cross_entropy_with_logits: pos_weight of shape [4] does not broadcast to "
            "input of shape [4, 3]");
  EXPECT_EQ(error_message<ShapeError>([&] {
              binary_cross_entropy_with_logits(x, t, {.weight = Tensor::ones({2, 4, 3})});
            }),
            "binary_cross_entropy_with_logits: weight of shape [2, 4, 3] does not broadcast to "
            "input of shape [4, 3]");
  // A target that would broadcast is still refused: it must match exactly.
  const std::string message = error_message<ShapeError>(
      [&] { binary_cross_entropy_with_logits(x, Tensor::zeros({1, 3})); });
  EXPECT_NE(message.find("[1, 3]"), std::string::npos) << message;
  EXPECT_NE(message.find("[4, 3]"), std::string::npos) << message;
}

TEST(BceWithLogits, OnlyTheInputGetsAGradient) {
  Generator gen(3);
  Tensor x = normal({3, 2}, 0.0f, 1.0f, gen);
  Tensor t = bernoulli({3, 2}, 0.5f, gen);
  Tensor w = uniform({2}, 0.5f, 1.5f, gen);
  Tensor pw = uniform({2}, 1.0f, 3.0f, gen);
  for (Tensor* p : {&x, &t, &w, &pw}) p->requires_grad_();
  binary_cross_entropy_with_logits(x, t, {.weight = w, .pos_weight = pw}).backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_FALSE(t.grad().defined());
  EXPECT_FALSE(w.grad().defined());
  EXPECT_FALSE(pw.grad().defined());
}

TEST(BceWithLogits, ModuleAppliesItsOptions) {
  Generator gen(4);
  const Tensor x = normal({6, 4}, 0.0f, 1.0f, gen);
  const Tensor t = bernoulli({6, 4}, 0.3f, gen);
  const Tensor pw = uniform({4}, 1.0f, 4.0f, gen);
  const BCEWithLogitsLoss loss({.pos_weight = pw, .reduction = Reduction::Sum});
  EXPECT_TRUE(loss.options().pos_weight.same(pw));
  EXPECT_FALSE(loss.options().weight.defined());
  EXPECT_EQ(loss(x, t).item(),
            binary_cross_entropy_with_logits(x, t, {.pos_weight = pw, .reduction = Reduction::Sum})
                .item());
  // The default is PyTorch's: mean, no weights.
  EXPECT_EQ(BCEWithLogitsLoss()(x, t).item(), binary_cross_entropy_with_logits(x, t).item());
}

// Large enough to run in parallel and to be summed in several blocks.
TEST(BceWithLogits, SameResultBitForBitWithOneOrTwoThreads) {
  Generator gen(5);
  const Tensor x0 = normal({600, 100}, 0.0f, 3.0f, gen);
  const Tensor t = bernoulli({600, 100}, 0.2f, gen);
  const Tensor pw = uniform({100}, 1.0f, 9.0f, gen);
  const int saved_threads = num_threads();
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Tensor x = x0.clone();
    x.requires_grad_();
    const Tensor loss = binary_cross_entropy_with_logits(x, t, {.pos_weight = pw});
    loss.backward();
    std::vector<float> r = x.grad().to_vector();
    r.push_back(loss.item());
    results.push_back(r);
  }
  set_num_threads(saved_threads);
  EXPECT_EQ(results[0], results[1]);
}

TEST(BceWithLogits, TrainingStepsAllocateNoFreshBuffersInSteadyState) {
  Generator gen(6);
  Tensor x = normal({64, 10}, 0.0f, 1.0f, gen);
  x.requires_grad_();
  const Tensor t = bernoulli({64, 10}, 0.3f, gen);
  const Tensor w = uniform({64, 1}, 0.5f, 1.5f, gen);
  const Tensor pw = uniform({10}, 1.0f, 5.0f, gen);
  const auto step = [&] {
    x.zero_grad();
    binary_cross_entropy_with_logits(x, t, {.weight = w, .pos_weight = pw}).backward();
  };
  for (int i = 0; i < 3; ++i) step();
  const uint64_t before = memory_stats().fresh_allocations;
  for (int i = 0; i < 5; ++i) step();
  EXPECT_EQ(memory_stats().fresh_allocations, before);
}

}  // namespace
}  // namespace fulcrum::nn
