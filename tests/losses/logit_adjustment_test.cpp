// Logit adjustment beyond the golden file: gradient checks, tau = 0 is plain
// cross-entropy, only the priors' ratios matter, what training a bias with it
// converges to (Menon et al.'s claim: balanced logits), post-hoc adjustment of
// a plainly trained bias, shapes and error messages, and the module.

#include "fulcrum/losses/logit_adjustment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"
#include "loss_reference.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::error_message;
using fulcrum::testing::expect_error;

using testing::gradcheck;

CrossEntropyLossOptions reduced(Reduction r) {
  CrossEntropyLossOptions o;
  o.reduction = r;
  return o;
}

// Class indices 0, 0, ..., 1, ... with counts[c] examples of class c.
Tensor indices_with_counts(const std::vector<int64_t>& counts) {
  std::vector<float> y;
  for (size_t c = 0; c < counts.size(); ++c)
    for (int64_t i = 0; i < counts[c]; ++i) y.push_back(static_cast<float>(c));
  return Tensor::from({static_cast<int64_t>(y.size())}, y);
}

const std::vector<int64_t> kSeedCounts = {600, 550, 200, 100};

TEST(LogitAdjustedCrossEntropy, GradcheckForTargetKindsShapesAndReductions) {
  Generator gen(31);
  const Tensor priors = class_priors({50, 30, 15, 5});
  const Tensor index = Tensor::from({5}, {0, 3, 1, 1, 2});
  const Tensor probs = softmax(normal({5, 4}, 0.0f, 1.0f, gen), 1);
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
    for (float tau : {1.0f, 0.5f, 2.0f}) {
      for (const Tensor& t : {index, probs}) {
        Tensor x = normal({5, 4}, 0.0f, 2.0f, gen);
        x.requires_grad_();
        gradcheck(
            [&](const std::vector<Tensor>& in) {
              return logit_adjusted_cross_entropy(in[0], t, priors, tau, reduced(r));
            },
            [&](const std::vector<reference::Array>& in) {
              return reference::logit_adjusted_cross_entropy(
                  in[0], testing::ref::from(t), testing::ref::from(priors), tau, reduced(r));
            },
            {x},
            "logit_adjusted_cross_entropy tau=" + std::to_string(tau) +
                " reduction=" + std::string(to_string(r)));
      }
    }
  }
  Tensor x3 = normal({2, 3, 4}, 0.0f, 2.0f, gen);
  x3.requires_grad_();
  const Tensor t3 = Tensor::from({2, 4}, {0, 1, 2, 2, 1, 0, 0, 2});
  gradcheck(
      [&](const std::vector<Tensor>& in) {
        return logit_adjusted_cross_entropy(in[0], t3, class_priors({7, 2, 1}), 1.0f);
      },
      [&](const std::vector<reference::Array>& in) {
        return reference::logit_adjusted_cross_entropy(
            in[0], testing::ref::from(t3), testing::ref::from(class_priors({7, 2, 1})), 1.0, {});
      },
      {x3}, "logit_adjusted_cross_entropy [2, 3, 4]");
}

TEST(LogitAdjustedCrossEntropy, TauZeroIsPlainCrossEntropy) {
  Generator gen(32);
  Tensor x = normal({6, 4}, 0.0f, 2.0f, gen);
  x.requires_grad_();
  const Tensor y = Tensor::from({6}, {0, 1, 2, 3, 0, 0});
  const Tensor adjusted = logit_adjusted_cross_entropy(x, y, class_priors(kSeedCounts), 0.0f);
  EXPECT_EQ(adjusted.item(), cross_entropy(x, y).item());
  adjusted.backward();
  const std::vector<float> grad = x.grad().to_vector();
  x.zero_grad();
  cross_entropy(x, y).backward();
  EXPECT_EQ(grad, x.grad().to_vector());
}

// Multiplying every prior by k shifts every logit by tau log k: softmax, and
// so the loss, do not change. Counts work as well as frequencies.
TEST(LogitAdjustedCrossEntropy, OnlyTheRatiosOfThePriorsMatter) {
  Generator gen(33);
  const Tensor x = normal({8, 4}, 0.0f, 2.0f, gen);
  const Tensor y = Tensor::from({8}, {0, 1, 2, 3, 3, 2, 1, 0});
  const Tensor frequencies = class_priors(kSeedCounts);
  const Tensor counts = Tensor::from({4}, {600, 550, 200, 100});
  const float a = logit_adjusted_cross_entropy(x, y, frequencies, 1.0f).item();
  const float b = logit_adjusted_cross_entropy(x, y, counts, 1.0f).item();
  EXPECT_NEAR(a, b, 1e-6 * std::abs(a));
}

// Gradient descent on a per-class bias (the logits of an input-free model),
// with mean cross-entropy over `y`: the gradient per class is the column sum
// of the [N, C] gradient. Returns the trained bias.
template <typename Loss>
std::vector<double> train_bias(const Tensor& y, std::vector<double> bias, const Loss& loss) {
  const int64_t n = y.numel(), classes = static_cast<int64_t>(bias.size());
  for (int step = 0; step < 600; ++step) {
    Tensor logits = Tensor::empty({n, classes});
    for (int64_t i = 0; i < n * classes; ++i)
      logits.data()[i] = static_cast<float>(bias[static_cast<size_t>(i % classes)]);
    logits.requires_grad_();
    loss(logits, y).backward();
    std::vector<double> grad(bias.size(), 0.0);
    for (int64_t i = 0; i < n * classes; ++i)
      grad[static_cast<size_t>(i % classes)] += logits.grad().data()[i];
    for (size_t c = 0; c < bias.size(); ++c) bias[c] -= 1.0 * grad[c];
  }
  return bias;
}

double spread(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end()) - *std::min_element(v.begin(), v.end());
}

// Menon et al.: the logit-adjusted loss is minimised where softmax(z + log pi)
// is the training posterior; for an input-free model that posterior is pi, so
// z is the same for every class: the model predicts the classes as balanced.
TEST(LogitAdjustedCrossEntropy, TrainedBiasIsBalancedAcrossClasses) {
  const Tensor y = indices_with_counts(kSeedCounts);
  const Tensor priors = class_priors(kSeedCounts);
  const std::vector<double> bias =
      train_bias(y, {2.0, -1.0, 0.5, 3.0}, [&](const Tensor& logits, const Tensor& target) {
        return logit_adjusted_cross_entropy(logits, target, priors, 1.0f);
      });
  EXPECT_LT(spread(bias), 1e-3);
}

// Plain cross-entropy drives the bias to log pi + const; post-hoc adjustment
// with tau = 1 removes exactly that, and tau = 0.5 leaves half of it.
TEST(LogitAdjust, PostHocAdjustmentOfAPlainlyTrainedBiasIsBalanced) {
  const Tensor y = indices_with_counts(kSeedCounts);
  const Tensor priors = class_priors(kSeedCounts);
  const std::vector<double> bias = train_bias(
      y, {0.0, 0.0, 0.0, 0.0},
      [](const Tensor& logits, const Tensor& target) { return cross_entropy(logits, target); });
  for (size_t c = 1; c < 4; ++c)
    EXPECT_NEAR(bias[c] - bias[0],
                std::log(static_cast<double>(kSeedCounts[c]) / static_cast<double>(kSeedCounts[0])),
                1e-3);
  Tensor z = Tensor::empty({1, 4});
  for (size_t c = 0; c < 4; ++c) z.data()[c] = static_cast<float>(bias[c]);
  const Tensor adjusted = logit_adjust(z, priors, 1.0f);
  const std::vector<float> a = adjusted.to_vector();
  EXPECT_LT(spread(std::vector<double>(a.begin(), a.end())), 1e-3);
  const Tensor half = logit_adjust(z, priors, 0.5f);
  for (int64_t c = 0; c < 4; ++c)
    EXPECT_NEAR(half.data()[c], z.data()[c] - 0.5 * std::log(priors.data()[c]), 1e-6);
}

TEST(LogitAdjust, WorksAlongTheClassDimensionOfEveryLayout) {
  const Tensor priors = Tensor::from({3}, {0.5f, 0.3f, 0.2f});
  // A single row [C].
  const Tensor row = logit_adjust(Tensor::from({3}, {1, 2, 3}), priors, 1.0f);
  for (int64_t c = 0; c < 3; ++c)
    EXPECT_NEAR(row.data()[c], static_cast<double>(c + 1) - std::log(priors.data()[c]), 1e-6);
  // [N, C, D]: the class is the middle index.
  Generator gen(34);
  const Tensor x = normal({2, 3, 4}, 0.0f, 1.0f, gen);
  const Tensor out = logit_adjust(x, priors, 2.0f);
  ASSERT_EQ(out.shape(), x.shape());
  for (int64_t i = 0; i < x.numel(); ++i)
    EXPECT_NEAR(out.data()[i], x.data()[i] - 2.0 * std::log(priors.data()[(i / 4) % 3]), 1e-6);
  // For inference: outside the graph.
  Tensor leaf = x.clone();
  leaf.requires_grad_();
  EXPECT_FALSE(logit_adjust(leaf, priors, 1.0f).requires_grad());
}

TEST(LogitAdjustment, BadArgumentsAreRefusedNamingThem) {
  const Tensor x = Tensor::zeros({2, 4});
  const Tensor y = Tensor::from({2}, {0, 3});
  EXPECT_EQ(
      error_message<ShapeError>([&] {
        logit_adjusted_cross_entropy(x, y, Tensor::from({3}, {0.2f, 0.3f, 0.5f}));
      }),
      "logit_adjusted_cross_entropy: class_priors of shape [3] does not match the 4 classes of "
      "logits of shape [2, 4] (expected shape [4])");
  EXPECT_EQ(error_message<ValueError>([&] {
              logit_adjusted_cross_entropy(x, y, Tensor::from({4}, {0.2f, 0.3f, 0.0f, 0.5f}));
            }),
            "logit_adjusted_cross_entropy: class_priors[2] = 0 must be positive and finite (its "
            "log shifts the logits)");
  Tensor bad = x.clone();
  bad.data()[6] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_message<ValueError>([&] {
              logit_adjusted_cross_entropy(bad, y, class_priors({1, 2, 3, 4}));
            }),
            "logit_adjusted_cross_entropy: input[1, 2] is nan");
  expect_error<ValueError>(
      [&] {
        logit_adjusted_cross_entropy(x, y, class_priors({1, 2, 3, 4}),
                                     std::numeric_limits<float>::quiet_NaN());
      },
      {"logit_adjusted_cross_entropy: tau must be finite, got nan"});
  expect_error<ShapeError>(
      [] {
        logit_adjusted_cross_entropy(Tensor::zeros({4}), Tensor::from({1}, {0}),
                                     class_priors({1, 2, 3, 4}));
      },
      {"logit_adjusted_cross_entropy: input must have shape [N, C]", "got [4]"});
  // cross_entropy's own checks still apply, e.g. an out-of-range class.
  expect_error<ValueError>(
      [&] {
        logit_adjusted_cross_entropy(x, Tensor::from({2}, {0, 4}), class_priors({1, 2, 3, 4}));
      },
      {"target[1] = 4 is out of range for 4 classes"});

  const std::string absent = error_message<ValueError>([] { class_priors({5, 0, 3}); });
  EXPECT_NE(absent.find("class 1 has count 0"), std::string::npos) << absent;
  expect_error<ValueError>([] { class_priors({}); },
                           {"class_priors: counts must hold at least one class"});
  expect_error<ShapeError>([] { logit_adjust(Tensor::scalar(1.0f), Tensor::ones({1}), 1.0f); },
                           {"logit_adjust: logits must have shape [C], [N, C] or [N, C, d1, ...], "
                            "got a scalar"});
  expect_error<ShapeError>([&] { logit_adjust(x, Tensor::ones({2}), 1.0f); },
                           {"logit_adjust: priors of shape [2] does not match the 4 classes of "
                            "logits of shape [2, 4]"});
}

TEST(LogitAdjustedCrossEntropy, TrainingStepsAllocateNoFreshBuffersInSteadyState) {
  Generator gen(36);
  Tensor x = normal({64, 4}, 0.0f, 1.0f, gen);
  x.requires_grad_();
  const Tensor y = Tensor::from({64}, std::vector<float>(64, 2.0f));
  const Tensor priors = class_priors(kSeedCounts);
  const auto step = [&] {
    x.zero_grad();
    logit_adjusted_cross_entropy(x, y, priors, 1.0f).backward();
  };
  for (int i = 0; i < 3; ++i) step();
  const uint64_t before = memory_stats().fresh_allocations;
  for (int i = 0; i < 5; ++i) step();
  EXPECT_EQ(memory_stats().fresh_allocations, before);
}

TEST(LogitAdjustedCrossEntropyLoss, ModuleAppliesItsOptionsAndChecksThem) {
  Generator gen(35);
  const Tensor x = normal({6, 3}, 0.0f, 2.0f, gen);
  const Tensor y = Tensor::from({6}, {0, 1, 2, 2, 1, 0});
  LogitAdjustedCrossEntropyLossOptions options;
  options.class_priors = class_priors({70, 20, 10});
  options.tau = 1.5f;
  options.cross_entropy.label_smoothing = 0.1f;
  options.cross_entropy.reduction = Reduction::Sum;
  const LogitAdjustedCrossEntropyLoss loss(options);
  EXPECT_EQ(
      loss(x, y).item(),
      logit_adjusted_cross_entropy(x, y, options.class_priors, 1.5f, options.cross_entropy).item());
  expect_error<ValueError>(
      [] { LogitAdjustedCrossEntropyLoss(LogitAdjustedCrossEntropyLossOptions{}); },
      {"class_priors must be given"});
  LogitAdjustedCrossEntropyLossOptions zero = options;
  zero.class_priors = Tensor::from({3}, {0.5f, 0.5f, 0.0f});
  expect_error<ValueError>([&] { LogitAdjustedCrossEntropyLoss{zero}; },
                           {"class_priors[2] = 0 must be positive and finite"});
  LogitAdjustedCrossEntropyLossOptions smoothing = options;
  smoothing.cross_entropy.label_smoothing = 2.0f;
  expect_error<ValueError>([&] { LogitAdjustedCrossEntropyLoss{smoothing}; },
                           {"label_smoothing must be in [0, 1], got 2"});
}

}  // namespace
}  // namespace fulcrum::nn
