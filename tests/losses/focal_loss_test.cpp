// Sigmoid focal loss beyond the golden file: gradient checks, its reduction to
// BCE-with-logits, extreme logits, error messages, the module's defaults,
// determinism across thread counts and no fresh buffers in steady state.

#include "fulcrum/losses/focal_loss.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "loss_reference.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::error_message;
using fulcrum::testing::expect_error;

using testing::gradcheck;

SigmoidFocalLossOptions focal(float alpha, float gamma, Reduction reduction) {
  SigmoidFocalLossOptions o;
  o.alpha = alpha;
  o.gamma = gamma;
  o.reduction = reduction;
  return o;
}

TEST(SigmoidFocalLoss, GradcheckForEveryReductionAlphaAndGamma) {
  Generator gen(11);
  const Tensor binary = bernoulli({4, 3}, 0.4f, gen);
  const Tensor soft = uniform({4, 3}, 0.0f, 1.0f, gen);
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
    for (float alpha : {0.25f, -1.0f, 0.5f})
      for (float gamma : {0.0f, 0.5f, 1.0f, 2.0f, 5.0f})
        for (const Tensor& t : {binary, soft}) {
          Tensor x = normal({4, 3}, 0.0f, 2.0f, gen);
          x.requires_grad_();
          gradcheck(
              [&](const std::vector<Tensor>& in) {
                return sigmoid_focal_loss(in[0], t, focal(alpha, gamma, r));
              },
              [&](const std::vector<reference::Array>& in) {
                return reference::sigmoid_focal_loss(in[0], testing::ref::from(t),
                                                     focal(alpha, gamma, r));
              },
              {x},
              "sigmoid_focal_loss alpha=" + std::to_string(alpha) +
                  " gamma=" + std::to_string(gamma) + " reduction=" + std::string(to_string(r)));
        }
}

// gamma = 0 removes the modulating factor and alpha < 0 the alpha factor:
// what is left is binary cross-entropy, value and gradient.
TEST(SigmoidFocalLoss, GammaZeroWithoutAlphaIsBceWithLogits) {
  Generator gen(12);
  for (const Tensor& t : {bernoulli({5, 4}, 0.3f, gen), uniform({5, 4}, 0.0f, 1.0f, gen)}) {
    for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
      SCOPED_TRACE(std::string(to_string(r)));
      Tensor x1 = normal({5, 4}, 0.0f, 4.0f, gen);
      Tensor x2 = x1.clone();
      x1.requires_grad_();
      x2.requires_grad_();
      const Tensor focal_loss = sigmoid_focal_loss(x1, t, focal(-1.0f, 0.0f, r));
      const Tensor bce = binary_cross_entropy_with_logits(x2, t, {.reduction = r});
      ASSERT_EQ(focal_loss.shape(), bce.shape());
      for (int64_t i = 0; i < bce.numel(); ++i)
        EXPECT_FLOAT_EQ(focal_loss.data()[i], bce.data()[i]) << "element " << i;
      focal_loss.backward(Tensor::ones(focal_loss.shape()));
      bce.backward(Tensor::ones(bce.shape()));
      for (int64_t i = 0; i < x1.numel(); ++i)
        EXPECT_FLOAT_EQ(x1.grad().data()[i], x2.grad().data()[i]) << "element " << i;
    }
  }
}

// With alpha, each element is alpha_t times the alpha-free loss.
TEST(SigmoidFocalLoss, AlphaWeightsPositivesAndNegatives) {
  Generator gen(13);
  const Tensor x = normal({6, 3}, 0.0f, 2.0f, gen);
  const Tensor t = uniform({6, 3}, 0.0f, 1.0f, gen);
  const Tensor plain = sigmoid_focal_loss(x, t, focal(-1.0f, 2.0f, Reduction::None));
  const Tensor weighted = sigmoid_focal_loss(x, t, focal(0.25f, 2.0f, Reduction::None));
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double ti = t.data()[i];
    const double alpha_t = 0.25 * ti + 0.75 * (1.0 - ti);
    EXPECT_NEAR(weighted.data()[i], alpha_t * plain.data()[i], 1e-6 * plain.data()[i] + 1e-7);
  }
}

// The focusing: a confident correct prediction keeps a far smaller share of
// its cross-entropy than a wrong one, by the factor (1 - p_t)^gamma.
TEST(SigmoidFocalLoss, EasyExamplesAreDownWeightedByOneMinusPtToTheGamma) {
  const Tensor x = Tensor::from({2}, {3.0f, -3.0f});  // both have target 1
  const Tensor t = Tensor::ones({2});
  const Tensor bce = binary_cross_entropy_with_logits(x, t, {.reduction = Reduction::None});
  const Tensor loss = sigmoid_focal_loss(x, t, focal(-1.0f, 2.0f, Reduction::None));
  for (int64_t i = 0; i < 2; ++i) {
    const double miss = 1.0 / (1.0 + std::exp(x.data()[i]));  // 1 - sigmoid(x)
    EXPECT_NEAR(loss.data()[i], bce.data()[i] * miss * miss, 1e-6);
  }
  EXPECT_LT(loss.data()[0] / bce.data()[0], 0.01);  // easy: p = 0.95
  EXPECT_GT(loss.data()[1] / bce.data()[1], 0.9);   // hard: p = 0.05
}

// For a saturated logit the wrong-side loss is alpha_t * |x| (1 - p_t -> 1)
// with gradient alpha_t * sign(x); the right side is 0. Everything stays finite.
TEST(SigmoidFocalLoss, ExtremeLogitsGiveFiniteLossesAndTheirLimits) {
  const std::vector<float> logits = {-1e30f, -1e4f, -88.0f, 88.0f, 1e4f, 1e30f};
  const int64_t n = static_cast<int64_t>(logits.size());
  for (float gamma : {0.0f, 0.5f, 2.0f, 5.0f}) {
    for (float t : {0.0f, 1.0f, 0.5f}) {
      SCOPED_TRACE("gamma = " + std::to_string(gamma) + ", t = " + std::to_string(t));
      Tensor x = Tensor::from({n}, logits);
      x.requires_grad_();
      const Tensor target = Tensor::full({n}, t);
      const Tensor loss = sigmoid_focal_loss(x, target, focal(0.25f, gamma, Reduction::None));
      loss.backward(Tensor::ones(loss.shape()));
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_TRUE(std::isfinite(loss.data()[i])) << "x = " << logits[static_cast<size_t>(i)];
        ASSERT_TRUE(std::isfinite(x.grad().data()[i])) << "x = " << logits[static_cast<size_t>(i)];
      }
      if (t == 0.5f) continue;  // soft: finiteness is the point
      for (int64_t i = 0; i < n; ++i) {
        const double xi = logits[static_cast<size_t>(i)];
        const double alpha_t = t == 1.0f ? 0.25 : 0.75;
        const bool wrong = (t == 1.0f) == (xi < 0);
        const double want_loss = wrong ? alpha_t * std::abs(xi) : 0.0;
        const double want_grad = wrong ? alpha_t * (xi > 0 ? 1.0 : -1.0) : 0.0;
        EXPECT_NEAR(loss.data()[i], want_loss, 1e-6 * want_loss + 1e-6) << "x = " << xi;
        EXPECT_NEAR(x.grad().data()[i], want_grad, 1e-6) << "x = " << xi;
      }
      for (Reduction r : {Reduction::Mean, Reduction::Sum})
        EXPECT_TRUE(std::isfinite(sigmoid_focal_loss(x, target, focal(0.25f, gamma, r)).item()));
    }
  }
}

TEST(SigmoidFocalLoss, NonFiniteInputIsRefusedNamingTheElement) {
  const Tensor target = Tensor::zeros({4, 2});
  Tensor x = Tensor::zeros({4, 2});
  x.data()[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_message<ValueError>([&] { sigmoid_focal_loss(x, target); }),
            "sigmoid_focal_loss: input[3, 1] is nan");
  x.data()[7] = 0.0f;
  x.data()[2] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(error_message<ValueError>([&] { sigmoid_focal_loss(x, target); }),
            "sigmoid_focal_loss: input[1, 0] is inf");
}

TEST(SigmoidFocalLoss, BadTargetsShapesAndOptionsAreRefused) {
  const Tensor x = Tensor::zeros({2, 3});
  Tensor target = Tensor::zeros({2, 3});
  target.data()[4] = 1.5f;
  const std::string message = error_message<ValueError>([&] { sigmoid_focal_loss(x, target); });
  EXPECT_NE(message.find("target[1, 1] = 1.5 is outside [0, 1]"), std::string::npos) << message;
  target.data()[4] = std::numeric_limits<float>::quiet_NaN();
  expect_error<ValueError>([&] { sigmoid_focal_loss(x, target); },
                           {"sigmoid_focal_loss: target[1, 1] = nan is outside [0, 1]"});

  EXPECT_EQ(error_message<ShapeError>([&] {
              sigmoid_focal_loss(x, Tensor::zeros({1, 3}));
            }),
            "sigmoid_focal_loss: target of shape [1, 3] does not match input of shape [2, 3] "
            "(they must be equal)");

  const Tensor t = Tensor::zeros({2, 3});
  const std::string gamma_message = error_message<ValueError>(
      [&] { sigmoid_focal_loss(x, t, focal(0.25f, -1.0f, Reduction::Mean)); });
  EXPECT_NE(gamma_message.find("gamma"), std::string::npos) << gamma_message;
  const std::string alpha_message = error_message<ValueError>(
      [&] { sigmoid_focal_loss(x, t, focal(1.5f, 2.0f, Reduction::Mean)); });
  EXPECT_NE(alpha_message.find("alpha"), std::string::npos) << alpha_message;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  expect_error<ValueError>([&] { sigmoid_focal_loss(x, t, focal(nan, 2.0f, Reduction::Mean)); },
                           {"sigmoid_focal_loss: alpha must be in [0, 1]", "got nan"});
  expect_error<ValueError>([&] { SigmoidFocalLoss(focal(0.25f, nan, Reduction::Mean)); },
                           {"sigmoid_focal_loss: gamma must be finite and >= 0, got nan"});
  expect_error<ValueError>([] { sigmoid_focal_loss(Tensor::zeros({0}), Tensor::zeros({0})); },
                           {"sigmoid_focal_loss: the mean over an empty input (shape [0])"});
}

TEST(SigmoidFocalLoss, OnlyTheInputGetsAGradient) {
  Generator gen(14);
  Tensor x = normal({3, 2}, 0.0f, 1.0f, gen);
  Tensor t = bernoulli({3, 2}, 0.5f, gen);
  x.requires_grad_();
  t.requires_grad_();
  sigmoid_focal_loss(x, t).backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_FALSE(t.grad().defined());
}

// torchvision's alpha and gamma; Mean instead of torchvision's "none" (see the header).
TEST(SigmoidFocalLoss, ModuleDefaultsAndOptions) {
  const SigmoidFocalLoss loss;
  EXPECT_EQ(loss.options().alpha, 0.25f);
  EXPECT_EQ(loss.options().gamma, 2.0f);
  EXPECT_EQ(loss.options().reduction, Reduction::Mean);
  Generator gen(15);
  const Tensor x = normal({6, 4}, 0.0f, 2.0f, gen);
  const Tensor t = bernoulli({6, 4}, 0.3f, gen);
  EXPECT_EQ(loss(x, t).item(), sigmoid_focal_loss(x, t).item());
  const Tensor none = sigmoid_focal_loss(x, t, focal(0.25f, 2.0f, Reduction::None));
  double total = 0.0;
  for (float v : none.values()) total += v;
  EXPECT_NEAR(loss(x, t).item(), total / 24.0, 1e-6);
  const SigmoidFocalLoss summed(focal(0.5f, 1.0f, Reduction::Sum));
  EXPECT_EQ(summed(x, t).item(),
            sigmoid_focal_loss(x, t, focal(0.5f, 1.0f, Reduction::Sum)).item());
}

TEST(SigmoidFocalLoss, SameResultBitForBitWithOneOrTwoThreads) {
  Generator gen(16);
  const Tensor x0 = normal({600, 100}, 0.0f, 3.0f, gen);
  const Tensor t = bernoulli({600, 100}, 0.2f, gen);
  const int saved_threads = num_threads();
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Tensor x = x0.clone();
    x.requires_grad_();
    const Tensor loss = sigmoid_focal_loss(x, t);
    loss.backward();
    std::vector<float> r = x.grad().to_vector();
    r.push_back(loss.item());
    results.push_back(r);
  }
  set_num_threads(saved_threads);
  EXPECT_EQ(results[0], results[1]);
}

TEST(SigmoidFocalLoss, TrainingStepsAllocateNoFreshBuffersInSteadyState) {
  Generator gen(17);
  Tensor x = normal({64, 10}, 0.0f, 1.0f, gen);
  x.requires_grad_();
  const Tensor t = bernoulli({64, 10}, 0.3f, gen);
  const auto step = [&] {
    x.zero_grad();
    sigmoid_focal_loss(x, t).backward();
  };
  for (int i = 0; i < 3; ++i) step();
  const uint64_t before = memory_stats().fresh_allocations;
  for (int i = 0; i < 5; ++i) step();
  EXPECT_EQ(memory_stats().fresh_allocations, before);
}

}  // namespace
}  // namespace fulcrum::nn
