// Class-weight helpers on the seed scenario, their edge cases, and the
// pos_weight recalibration: the minimiser of the pos_weighted loss is
// logit(p) + log(pw), so sigmoid(z - log pw) recovers the prevalence p.

#include "fulcrum/losses/class_weights.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "support/errors.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

// A [rows, C] 0/1 matrix whose column c has its first positives[c] rows set.
Tensor targets_with_positives(int64_t rows, const std::vector<int64_t>& positives) {
  const int64_t labels = static_cast<int64_t>(positives.size());
  Tensor t = Tensor::zeros({rows, labels});
  for (int64_t c = 0; c < labels; ++c)
    for (int64_t r = 0; r < positives[static_cast<size_t>(c)]; ++r) t.data()[r * labels + c] = 1;
  return t;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// The seed scenario: 1000 examples, 4 labels present in 600, 550, 200, 100.
TEST(ClassWeights, PosWeightIsNegativesOverPositives) {
  const Tensor targets = targets_with_positives(1000, {600, 550, 200, 100});
  std::vector<int64_t> without_positives;
  const Tensor pw = pos_weight_neg_over_pos(targets, &without_positives);
  ASSERT_EQ(pw.shape(), Shape{4});
  const std::vector<double> want = {0.667, 0.818, 4.0, 9.0};  // 400/600, 450/550, 800/200, ...
  for (size_t c = 0; c < 4; ++c) EXPECT_NEAR(pw.data()[c], want[c], 5e-4) << "label " << c;
  EXPECT_NEAR(pw.data()[0], 400.0 / 600.0, 1e-6);
  EXPECT_TRUE(without_positives.empty());
}

// N / (C * count): every label then carries the same total positive weight N / C.
TEST(ClassWeights, InverseFrequencyIsSklearnBalanced) {
  const std::vector<int64_t> counts = {600, 550, 200, 100};
  const Tensor w = inverse_frequency_weight(targets_with_positives(1000, counts));
  ASSERT_EQ(w.shape(), Shape{4});
  for (size_t c = 0; c < 4; ++c) {
    EXPECT_NEAR(w.data()[c], 1000.0 / (4.0 * static_cast<double>(counts[c])), 1e-6);
    EXPECT_NEAR(w.data()[c] * static_cast<double>(counts[c]), 1000.0 / 4.0, 1e-4);
  }
}

TEST(ClassWeights, LabelsWithoutPositivesGetOneAndAreReported) {
  // Label 1 has no positive, label 2 only positives.
  const Tensor targets = targets_with_positives(10, {3, 0, 10});
  std::vector<int64_t> without_positives;
  const Tensor pw = pos_weight_neg_over_pos(targets, &without_positives);
  EXPECT_NEAR(pw.data()[0], 7.0 / 3.0, 1e-6);
  EXPECT_EQ(pw.data()[1], 1.0f);
  EXPECT_EQ(pw.data()[2], 0.0f);  // no negatives: 0 / 10
  EXPECT_EQ(without_positives, std::vector<int64_t>{1});

  std::vector<int64_t> reported;
  const Tensor w = inverse_frequency_weight(targets, &reported);
  EXPECT_EQ(w.data()[1], 1.0f);
  EXPECT_EQ(reported, std::vector<int64_t>{1});
  // Without the out-parameter the rule is the same.
  EXPECT_EQ(pos_weight_neg_over_pos(targets).to_vector(), pw.to_vector());
}

TEST(ClassWeights, TargetsMustBeAZeroOneMatrix) {
  Tensor targets = targets_with_positives(4, {1, 2, 3});
  targets.data()[5] = 0.5f;
  try {
    pos_weight_neg_over_pos(targets);
    ADD_FAILURE() << "accepted 0.5";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("targets[1, 2] = 0.5"), std::string::npos) << e.what();
  }
  expect_error<ValueError>([&] { inverse_frequency_weight(targets); },
                           {"inverse_frequency_weight: targets[1, 2] = 0.5 is not 0 or 1"});
  expect_error<ShapeError>(
      [] { pos_weight_neg_over_pos(Tensor::zeros({4})); },
      {"pos_weight_neg_over_pos: targets must be a [N, C] matrix", "got shape [4]"});
}

TEST(ClassWeights, BalancedClassWeightMatchesSklearn) {
  // sklearn compute_class_weight("balanced", classes=[0, 1, 2], y=[0, 0, 0, 1, 2, 2])
  // = 6 / (3 * [3, 1, 2]).
  const Tensor y = Tensor::from({6}, {0, 0, 0, 1, 2, 2});
  const Tensor w = class_weight_balanced(y, 3);
  ASSERT_EQ(w.shape(), Shape{3});
  const std::vector<double> counts = {3, 1, 2};
  for (size_t c = 0; c < 3; ++c) EXPECT_NEAR(w.data()[c], 6.0 / (3.0 * counts[c]), 1e-6);

  std::vector<int64_t> absent;
  const Tensor w4 = class_weight_balanced(y, 4, &absent);
  EXPECT_NEAR(w4.data()[0], 6.0 / (4.0 * 3.0), 1e-6);
  EXPECT_EQ(w4.data()[3], 1.0f);
  EXPECT_EQ(absent, std::vector<int64_t>{3});

  expect_error<ValueError>(
      [] {
        class_weight_balanced(Tensor::from({2}, {0, 3}), 3);
      },
      {"class_weight_balanced: class_indices[1] = 3 is not a class index in [0, 3)"});
  expect_error<ValueError>(
      [] {
        class_weight_balanced(Tensor::from({2}, {0, 0.5f}), 3);
      },
      {"class_weight_balanced: class_indices[1] = 0.5 is not a class index in [0, 3)"});
}

TEST(Recalibration, SubtractsLogPosWeightPerLabel) {
  const Tensor z = Tensor::from({2, 3}, {0, 1, -2, 3, 0.5f, 0});
  const Tensor pw = Tensor::from({3}, {1, 4, 0.25f});
  const Tensor out = recalibrate_pos_weight_logits(z, pw);
  ASSERT_EQ(out.shape(), z.shape());
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_NEAR(out.data()[i], z.data()[i] - std::log(pw.data()[i % 3]), 1e-6);
  expect_error<ValueError>(
      [&] {
        recalibrate_pos_weight_logits(z, Tensor::from({3}, {1, 0, 2}));
      },
      {"recalibrate_pos_weight_logits: pos_weight[1] = 0 must be positive and finite"});
  expect_error<ShapeError>([&] { recalibrate_pos_weight_logits(z, Tensor::ones({2})); },
                           {"recalibrate_pos_weight_logits: pos_weight of shape [2] does not "
                            "broadcast to logits of shape [2, 3]"});
}

// The expected pos_weighted loss of a label with prevalence p at logit z is the
// loss with the soft target p (the loss is linear in the target). Evaluated on
// a grid, its minimiser is logit(p) + log(pw); the gradient changes sign there.
TEST(Recalibration, MinimiserOfPosWeightedLossIsShiftedByLogPosWeight) {
  const double step = 1e-3;
  const int64_t points = 24001;  // z in [-12, 12]
  Tensor z = Tensor::empty({points});
  for (int64_t i = 0; i < points; ++i)
    z.data()[i] = static_cast<float>(-12.0 + step * static_cast<double>(i));
  for (const auto& [p, pw] : std::vector<std::pair<float, float>>{
           {0.1f, 9.0f}, {0.3f, 4.0f}, {0.6f, 0.5f}, {0.05f, 19.0f}, {0.2f, 1.0f}}) {
    SCOPED_TRACE("p = " + std::to_string(p) + ", pos_weight = " + std::to_string(pw));
    Tensor x = z.clone();
    x.requires_grad_();
    const Tensor loss = binary_cross_entropy_with_logits(
        x, Tensor::full({points}, p),
        {.pos_weight = Tensor::from({1}, {pw}), .reduction = Reduction::None});
    loss.backward(Tensor::ones(loss.shape()));
    int64_t best = 0;
    for (int64_t i = 1; i < points; ++i)
      if (loss.data()[i] < loss.data()[best]) best = i;
    const double want = std::log(p / (1.0 - p)) + std::log(pw);
    // float32 losses are flat to ~1e-7 near the minimum: a few grid steps.
    EXPECT_NEAR(z.data()[best], want, 5e-3);
    // The gradient is accurate: it changes sign within one grid step of want.
    int64_t crossing = 0;
    while (crossing + 1 < points && x.grad().data()[crossing + 1] < 0) ++crossing;
    EXPECT_NEAR(z.data()[crossing], want, 2 * step);
    const Tensor calibrated =
        recalibrate_pos_weight_logits(Tensor::from({1}, {z.data()[crossing]}), Tensor::scalar(pw));
    EXPECT_NEAR(sigmoid(calibrated.item()), p, 1e-3);
  }
}

// Training a single bias with pos_weight = negatives / positives drives the
// raw probability to 0.5 whatever the prevalence; recalibration recovers it.
TEST(Recalibration, TrainedBiasIsRecalibratedToThePrevalence) {
  const int64_t n = 1000;
  const Tensor targets = targets_with_positives(n, {100});  // prevalence 0.1
  const Tensor pw = pos_weight_neg_over_pos(targets);
  double bias = -3.0;
  for (int step = 0; step < 300; ++step) {
    Tensor logits = Tensor::full({n, 1}, static_cast<float>(bias));
    logits.requires_grad_();
    binary_cross_entropy_with_logits(logits, targets, {.pos_weight = pw}).backward();
    double grad = 0.0;
    for (float g : logits.grad().values()) grad += g;
    bias -= 0.5 * grad;
  }
  EXPECT_NEAR(sigmoid(bias), 0.5, 1e-3);
  const Tensor calibrated =
      recalibrate_pos_weight_logits(Tensor::full({1, 1}, static_cast<float>(bias)), pw);
  EXPECT_NEAR(sigmoid(calibrated.item()), 0.1, 1e-3);
}

}  // namespace
}  // namespace fulcrum::nn
