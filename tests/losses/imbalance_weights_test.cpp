// The imbalance weighting rules on the seed scenario (four labels present in
// 600, 550, 200 and 100 of 1000 examples; or, as a multi-class head, 600,
// 550, 200 and 100 examples per class): square-root inverse frequency,
// effective number of samples, the count overloads, zero counts, errors, and
// the recalibration that undoes CrossEntropyLoss class weights.

#include <gtest/gtest.h>

#include "support/errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/cross_entropy.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::error_message;
using fulcrum::testing::expect_error;

// A [rows, C] 0/1 matrix whose column c has its first positives[c] rows set.
Tensor targets_with_positives(int64_t rows, const std::vector<int64_t>& positives) {
  const int64_t labels = static_cast<int64_t>(positives.size());
  Tensor t = Tensor::zeros({rows, labels});
  for (int64_t c = 0; c < labels; ++c)
    for (int64_t r = 0; r < positives[static_cast<size_t>(c)]; ++r) t.data()[r * labels + c] = 1;
  return t;
}

// Class indices with counts[c] examples of class c, interleaved.
Tensor indices_with_counts(const std::vector<int64_t>& counts) {
  std::vector<float> y;
  std::vector<int64_t> left = counts;
  for (bool any = true; any;) {
    any = false;
    for (size_t c = 0; c < left.size(); ++c)
      if (left[c] > 0) {
        y.push_back(static_cast<float>(c));
        --left[c];
        any = true;
      }
  }
  return Tensor::from({static_cast<int64_t>(y.size())}, y);
}

const std::vector<int64_t> kSeed = {600, 550, 200, 100};

double sum_of(const Tensor& t) {
  double s = 0.0;
  for (float v : t.values()) s += v;
  return s;
}

// Cui et al.'s formula, written out: (1 - beta) / (1 - beta^n), scaled to sum to C.
std::vector<double> effective_number_formula(const std::vector<int64_t>& counts, double beta) {
  std::vector<double> w;
  double total = 0.0;
  for (int64_t n : counts) {
    w.push_back((1.0 - beta) / (1.0 - std::pow(beta, static_cast<double>(n))));
    total += w.back();
  }
  for (double& v : w) v *= static_cast<double>(counts.size()) / total;
  return w;
}

TEST(ImbalanceWeights, CountsOfTheSeedScenario) {
  EXPECT_EQ(label_positive_counts(targets_with_positives(1000, kSeed)), kSeed);
  EXPECT_EQ(class_counts(indices_with_counts(kSeed), 4), kSeed);
  EXPECT_EQ(class_counts(Tensor::from({3}, {2, 2, 0}), 4), (std::vector<int64_t>{1, 0, 2, 0}));
}

// sqrt(N / (C n)): the square root of the balanced weight, 1 at frequency 1/C.
TEST(ImbalanceWeights, SqrtInverseFrequencyOnTheSeedScenario) {
  const Tensor targets = targets_with_positives(1000, kSeed);
  const Tensor w = sqrt_inverse_frequency_weight(targets);
  const Tensor inverse = inverse_frequency_weight(targets);
  ASSERT_EQ(w.shape(), Shape{4});
  for (size_t c = 0; c < 4; ++c) {
    const double n = static_cast<double>(kSeed[c]);
    EXPECT_NEAR(w.data()[c], std::sqrt(1000.0 / (4.0 * n)), 1e-6) << "label " << c;
    EXPECT_NEAR(w.data()[c], std::sqrt(inverse.data()[c]), 1e-6) << "label " << c;
    // Milder than inverse frequency: between 1 and it.
    EXPECT_LE(std::min(1.0f, inverse.data()[c]), w.data()[c]);
    EXPECT_GE(std::max(1.0f, inverse.data()[c]), w.data()[c]);
  }
  // The ratio of two labels' weights is sqrt of the inverse count ratio: 600/100 -> sqrt 6.
  EXPECT_NEAR(w.data()[3] / w.data()[0], std::sqrt(6.0), 1e-5);
  // Counts overload, multi-label (N = rows) and multi-class (N = sum of counts).
  EXPECT_EQ(sqrt_inverse_frequency_weight(kSeed, 1000).to_vector(), w.to_vector());
  const Tensor y = indices_with_counts(kSeed);
  const Tensor balanced = class_weight_balanced(y, 4);
  const Tensor multiclass = sqrt_inverse_frequency_weight(class_counts(y, 4), y.numel());
  for (size_t c = 0; c < 4; ++c)
    EXPECT_NEAR(multiclass.data()[c], std::sqrt(balanced.data()[c]), 1e-6) << "class " << c;
}

TEST(ImbalanceWeights, InverseFrequencyFromCountsMatchesTheTensorForms) {
  EXPECT_EQ(inverse_frequency_weight(kSeed, 1000).to_vector(),
            inverse_frequency_weight(targets_with_positives(1000, kSeed)).to_vector());
  const Tensor y = indices_with_counts(kSeed);
  EXPECT_EQ(inverse_frequency_weight(class_counts(y, 4), y.numel()).to_vector(),
            class_weight_balanced(y, 4).to_vector());
}

TEST(ImbalanceWeights, EffectiveNumberOnTheSeedScenario) {
  const Tensor targets = targets_with_positives(1000, kSeed);
  std::vector<double> previous_ratio = {1.0};
  for (double beta : {0.0, 0.9, 0.99, 0.999, 0.9999}) {
    SCOPED_TRACE("beta = " + std::to_string(beta));
    const Tensor w = effective_number_weight(targets, beta);
    ASSERT_EQ(w.shape(), Shape{4});
    const std::vector<double> want = effective_number_formula(kSeed, beta);
    for (size_t c = 0; c < 4; ++c) EXPECT_NEAR(w.data()[c], want[c], 1e-6 * want[c]);
    EXPECT_NEAR(sum_of(w), 4.0, 1e-5);
    EXPECT_EQ(effective_number_weight(kSeed, beta).to_vector(), w.to_vector());
    // The rarest label's weight relative to the most frequent one's grows with
    // beta, from 1 (beta = 0: no reweighting) towards the count ratio 6.
    const double ratio = w.data()[3] / w.data()[0];
    EXPECT_GE(ratio, previous_ratio.back() - 1e-6);
    EXPECT_LT(ratio, 6.0);
    previous_ratio.push_back(ratio);
    if (beta == 0.0)
      for (float v : w.values()) EXPECT_FLOAT_EQ(v, 1.0f);
    else
      EXPECT_TRUE(std::is_sorted(w.data(), w.data() + 4));  // rarer -> heavier
  }
  // beta -> 1: inverse frequency normalised to sum to C.
  const Tensor near_one = effective_number_weight(kSeed, 1.0 - 1e-9);
  double inverse_total = 0.0;
  for (int64_t n : kSeed) inverse_total += 1.0 / static_cast<double>(n);
  for (size_t c = 0; c < 4; ++c)
    EXPECT_NEAR(near_one.data()[c], 4.0 / (static_cast<double>(kSeed[c]) * inverse_total), 1e-5);
  // Multi-class counts give the same rule.
  EXPECT_EQ(effective_number_weight(class_counts(indices_with_counts(kSeed), 4)).to_vector(),
            effective_number_weight(kSeed).to_vector());
}

// As every helper: an empty class gets weight 1 and is reported. The effective
// number also keeps the sum at C: the present classes sum to their own number.
TEST(ImbalanceWeights, ZeroCountsGetOneAndAreReported) {
  const std::vector<int64_t> counts = {600, 0, 200, 100};
  std::vector<int64_t> empty;
  const Tensor s = sqrt_inverse_frequency_weight(counts, 1000, &empty);
  EXPECT_EQ(s.data()[1], 1.0f);
  EXPECT_NEAR(s.data()[0], std::sqrt(1000.0 / (4.0 * 600.0)), 1e-6);
  EXPECT_EQ(empty, std::vector<int64_t>{1});

  empty.clear();
  const Tensor e = effective_number_weight(counts, 0.999, &empty);
  EXPECT_EQ(e.data()[1], 1.0f);
  EXPECT_EQ(empty, std::vector<int64_t>{1});
  EXPECT_NEAR(sum_of(e), 4.0, 1e-5);
  const std::vector<double> present = effective_number_formula({600, 200, 100}, 0.999);
  EXPECT_NEAR(e.data()[0], present[0], 1e-6);
  EXPECT_NEAR(e.data()[2], present[1], 1e-6);
  EXPECT_NEAR(e.data()[3], present[2], 1e-6);

  std::vector<int64_t> reported;
  const Tensor t = targets_with_positives(10, {3, 0, 10});
  EXPECT_EQ(sqrt_inverse_frequency_weight(t, &reported).data()[1], 1.0f);
  EXPECT_EQ(effective_number_weight(t, 0.9, &reported).data()[1], 1.0f);
  EXPECT_EQ(reported, (std::vector<int64_t>{1, 1}));

  const Tensor all_empty = effective_number_weight(std::vector<int64_t>{0, 0});
  EXPECT_EQ(all_empty.to_vector(), (std::vector<float>{1.0f, 1.0f}));
}

TEST(ImbalanceWeights, BadArgumentsAreRefusedNamingThem) {
  for (double beta : {1.0, -0.1, std::numeric_limits<double>::quiet_NaN()}) {
    const std::string m = error_message<ValueError>([&] { effective_number_weight(kSeed, beta); });
    EXPECT_NE(m.find("beta must be in [0, 1)"), std::string::npos) << m;
  }
  EXPECT_EQ(error_message<ValueError>([] {
              sqrt_inverse_frequency_weight(std::vector<int64_t>{5, -1}, 10);
            }),
            "sqrt_inverse_frequency_weight: counts[1] = -1 is negative");
  EXPECT_EQ(error_message<ValueError>([] {
              inverse_frequency_weight(std::vector<int64_t>{5, 11}, 10);
            }),
            "inverse_frequency_weight: counts[1] = 11 exceeds num_examples = 10");
  expect_error<ValueError>(
      [] { sqrt_inverse_frequency_weight(std::vector<int64_t>{1}, 0); },
      {"sqrt_inverse_frequency_weight: num_examples must be at least 1, got 0"});
  expect_error<ValueError>([] { effective_number_weight(std::vector<int64_t>{}); },
                           {"effective_number_weight: counts must hold at least one class"});
  EXPECT_EQ(error_message<ValueError>([] {
              class_counts(Tensor::from({3}, {0, 1, 4}), 3);
            }),
            "class_counts: class_indices[2] = 4 is not a class index in [0, 3)");
  expect_error<ValueError>([] { class_counts(Tensor::from({1}, {0.5f}), 3); },
                           {"class_counts: class_indices[0] = 0.5 is not a class index in [0, 3)"});
  expect_error<ShapeError>(
      [] {
        class_counts(Tensor::zeros({2, 2}), 3);
      },
      {"class_counts: class_indices must have shape [N], got [2, 2]"});
  Tensor targets = targets_with_positives(4, {1, 2});
  targets.data()[3] = 0.5f;
  const std::string m = error_message<ValueError>([&] { effective_number_weight(targets); });
  EXPECT_NE(m.find("effective_number_weight: targets[1, 1] = 0.5 is not 0 or 1"), std::string::npos)
      << m;
  expect_error<ShapeError>(
      [] { sqrt_inverse_frequency_weight(Tensor::zeros({4})); },
      {"sqrt_inverse_frequency_weight: targets must be a [N, C] matrix", "got shape [4]"});
}

TEST(RecalibrateClassWeightLogits, SubtractsLogWeightAlongTheClassDimension) {
  const Tensor w = Tensor::from({3}, {0.5f, 2.0f, 4.0f});
  const Tensor z = Tensor::from({2, 3}, {0, 1, -2, 3, 0.5f, 0});
  const Tensor out = recalibrate_class_weight_logits(z, w);
  ASSERT_EQ(out.shape(), z.shape());
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_NEAR(out.data()[i], z.data()[i] - std::log(w.data()[i % 3]), 1e-6);
  const Tensor z3 = Tensor::zeros({2, 3, 2});
  const Tensor out3 = recalibrate_class_weight_logits(z3, w);
  for (int64_t i = 0; i < 12; ++i)
    EXPECT_NEAR(out3.data()[i], -std::log(w.data()[(i / 2) % 3]), 1e-6);
  EXPECT_EQ(error_message<ValueError>([&] {
              recalibrate_class_weight_logits(z, Tensor::from({3}, {1, 0, 2}));
            }),
            "recalibrate_class_weight_logits: class_weight[1] = 0 must be positive and finite "
            "(its log shifts the logits)");
  expect_error<ShapeError>([&] { recalibrate_class_weight_logits(z, Tensor::ones({2})); },
                           {"recalibrate_class_weight_logits: class_weight of shape [2] does not "
                            "match the 3 classes of logits of shape [2, 3]"});
}

// An input-free model (a bias) trained with balanced class weights predicts
// every class equally often, whatever the frequencies: the weighted loss is
// minimised at softmax(z)_c proportional to w_c n_c, constant here. Subtracting
// log w recovers the class frequencies: softmax(z - log w) = n / N.
TEST(RecalibrateClassWeightLogits, UndoesBalancedWeightsOfATrainedBias) {
  const Tensor y = indices_with_counts(kSeed);
  const int64_t n = y.numel();
  const Tensor weight = class_weight_balanced(y, 4);
  CrossEntropyLossOptions options;
  options.weight = weight;
  std::vector<double> bias = {1.0, -2.0, 0.5, 0.0};
  for (int step = 0; step < 600; ++step) {
    Tensor logits = Tensor::empty({n, 4});
    for (int64_t i = 0; i < n * 4; ++i)
      logits.data()[i] = static_cast<float>(bias[static_cast<size_t>(i % 4)]);
    logits.requires_grad_();
    cross_entropy(logits, y, options).backward();
    std::vector<double> grad(4, 0.0);
    for (int64_t i = 0; i < n * 4; ++i) grad[static_cast<size_t>(i % 4)] += logits.grad().data()[i];
    for (size_t c = 0; c < 4; ++c) bias[c] -= grad[c];
  }
  Tensor z = Tensor::empty({1, 4});
  for (size_t c = 0; c < 4; ++c) z.data()[c] = static_cast<float>(bias[c]);
  const Tensor raw = softmax(z, 1);
  for (int64_t c = 0; c < 4; ++c) EXPECT_NEAR(raw.data()[c], 0.25, 1e-3) << "class " << c;
  const Tensor calibrated = softmax(recalibrate_class_weight_logits(z, weight), 1);
  for (size_t c = 0; c < 4; ++c)
    EXPECT_NEAR(calibrated.data()[c], static_cast<double>(kSeed[c]) / static_cast<double>(n), 1e-3)
        << "class " << c;
}

}  // namespace
}  // namespace fulcrum::nn
