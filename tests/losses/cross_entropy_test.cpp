// CrossEntropyLoss beyond the golden file: gradient checks for every target
// kind, agreement between index and one-hot targets, extreme logits, error
// messages, the all-ignored batch and determinism across thread counts.

#include "fulcrum/losses/cross_entropy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

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

// Random class indices in [0, classes) as floats, shape `shape`.
Tensor random_indices(const Shape& shape, int64_t classes, Generator& gen) {
  Tensor t = Tensor::empty(shape);
  for (float& v : t.values()) v = static_cast<float>(gen.below(static_cast<uint64_t>(classes)));
  return t;
}

// Rows of random probabilities along dimension 1 of `shape` ([N, C, d...]).
Tensor random_probabilities(const Shape& shape, Generator& gen) {
  Tensor t = uniform(shape, 0.05f, 1.0f, gen);
  const int64_t classes = shape[1], inner = t.numel() / (shape[0] * classes);
  float* p = t.data();
  for (int64_t n = 0; n < shape[0]; ++n)
    for (int64_t d = 0; d < inner; ++d) {
      float total = 0.0f;
      for (int64_t c = 0; c < classes; ++c) total += p[(n * classes + c) * inner + d];
      for (int64_t c = 0; c < classes; ++c) p[(n * classes + c) * inner + d] /= total;
    }
  return t;
}

Tensor one_hot(const Tensor& indices, int64_t classes) {
  const int64_t n = indices.numel();
  Tensor t = Tensor::zeros({n, classes});
  for (int64_t i = 0; i < n; ++i)
    t.data()[i * classes + static_cast<int64_t>(indices.data()[i])] = 1.0f;
  return t;
}

void check_gradient(const Tensor& input_values, const Tensor& target,
                    const CrossEntropyLossOptions& options, const std::string& what) {
  Tensor x = input_values.clone();
  x.requires_grad_();
  gradcheck([&](const std::vector<Tensor>& in) { return cross_entropy(in[0], target, options); },
            [&](const std::vector<reference::Array>& in) {
              return reference::cross_entropy(in[0], testing::ref::from(target), options);
            },
            {x}, what);
}

TEST(CrossEntropy, GradcheckWithIndexTargets) {
  Generator gen(11);
  const Tensor x = normal({6, 4}, 0.0f, 1.5f, gen);
  Tensor target = random_indices({6}, 4, gen);
  target.data()[2] = -100.0f;  // one ignored sample
  const Tensor weight = uniform({4}, 0.5f, 2.0f, gen);
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
    for (float smoothing : {0.0f, 0.1f})
      for (const Tensor& w : {Tensor{}, weight}) {
        const CrossEntropyLossOptions options{w, -100, smoothing, r};
        check_gradient(x, target, options,
                       "cross_entropy index reduction=" + std::string(to_string(r)) +
                           " smoothing=" + std::to_string(smoothing) +
                           (w.defined() ? " weighted" : ""));
      }
}

TEST(CrossEntropy, GradcheckWithProbabilityTargets) {
  Generator gen(12);
  const Tensor x = normal({5, 3}, 0.0f, 1.5f, gen);
  const Tensor target = random_probabilities({5, 3}, gen);
  const Tensor weight = uniform({3}, 0.5f, 2.0f, gen);
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
    for (float smoothing : {0.0f, 0.2f}) {
      const CrossEntropyLossOptions options{weight, -100, smoothing, r};
      check_gradient(x, target, options,
                     "cross_entropy probabilities reduction=" + std::string(to_string(r)) +
                         " smoothing=" + std::to_string(smoothing));
    }
}

TEST(CrossEntropy, GradcheckWithExtraDimensions) {
  Generator gen(13);
  const Tensor weight = uniform({3}, 0.5f, 2.0f, gen);
  // [N, C, d] with index targets [N, d], one of them ignored.
  const Tensor x3 = normal({2, 3, 4}, 0.0f, 1.5f, gen);
  Tensor index3 = random_indices({2, 4}, 3, gen);
  index3.data()[5] = 1.0f;
  check_gradient(x3, index3, {weight, 1, 0.1f, Reduction::Mean}, "cross_entropy [N, C, d] index");
  // [N, C, d1, d2] with probability targets.
  const Tensor x4 = normal({2, 3, 2, 2}, 0.0f, 1.5f, gen);
  check_gradient(x4, random_probabilities({2, 3, 2, 2}, gen), {weight, -100, 0.2f, Reduction::Sum},
                 "cross_entropy [N, C, d1, d2] probabilities");
}

// Without class weights, a one-hot probability target is the same problem as
// its class index, with or without label smoothing, and the same mean divisor.
TEST(CrossEntropy, OneHotProbabilitiesAgreeWithIndices) {
  Generator gen(14);
  const Tensor indices = random_indices({7}, 5, gen);
  const Tensor probabilities = one_hot(indices, 5);
  for (float smoothing : {0.0f, 0.3f})
    for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
      const CrossEntropyLossOptions options{{}, -100, smoothing, r};
      Tensor a = normal({7, 5}, 0.0f, 2.0f, gen);
      Tensor b = a.clone();
      a.requires_grad_();
      b.requires_grad_();
      const Tensor by_index = cross_entropy(a, indices, options);
      const Tensor by_probability = cross_entropy(b, probabilities, options);
      by_index.backward(Tensor::ones(by_index.shape()));
      by_probability.backward(Tensor::ones(by_probability.shape()));
      const auto va = by_index.to_vector(), vb = by_probability.to_vector();
      const auto ga = a.grad().to_vector(), gb = b.grad().to_vector();
      for (size_t i = 0; i < va.size(); ++i) EXPECT_NEAR(va[i], vb[i], 1e-6);
      for (size_t i = 0; i < ga.size(); ++i) EXPECT_NEAR(ga[i], gb[i], 1e-6);
    }
}

// Softmax limits: where the target's logit dominates, loss and gradient go to
// 0; where another logit dominates by a margin M, the loss is M and the
// gradient is +1 at the dominant class and -1 at the target.
TEST(CrossEntropy, ExtremeLogitsGiveFiniteLossesAndTheirLimits) {
  Tensor x = Tensor::from({3, 3}, {1e30f, -1e30f, 0.0f, 88.0f, -88.0f, 0.0f, 1e4f, -1e4f, 0.0f});
  x.requires_grad_();
  const Tensor target = Tensor::from({3}, {1.0f, 0.0f, 2.0f});
  const Tensor loss = cross_entropy(x, target, {.reduction = Reduction::None});
  loss.backward(Tensor::ones(loss.shape()));
  const std::vector<double> want_loss = {2e30, 0.0, 1e4};
  const std::vector<double> want_grad = {1, -1, 0, 0, 0, 0, 1, 0, -1};
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(std::isfinite(loss.data()[i]));
    EXPECT_NEAR(loss.data()[i], want_loss[i], 1e-6 * want_loss[i] + 1e-6) << "row " << i;
  }
  for (size_t i = 0; i < 9; ++i) {
    ASSERT_TRUE(std::isfinite(x.grad().data()[i]));
    EXPECT_NEAR(x.grad().data()[i], want_grad[i], 1e-6) << "element " << i;
  }
  EXPECT_TRUE(std::isfinite(cross_entropy(x, target).item()));
}

TEST(CrossEntropy, BadClassIndicesAreRefusedNamingTheElement) {
  const Tensor x = Tensor::zeros({3, 4});
  std::string message = error_message<ValueError>(
      [&] { cross_entropy(x, Tensor::from({3}, {0.0f, 1.5f, 2.0f})); });
  EXPECT_NE(message.find("target[1] = 1.5 is not a class index"), std::string::npos) << message;
  message = error_message<ValueError>(
      [&] { cross_entropy(x, Tensor::from({3}, {0.0f, 1.0f, 4.0f})); });
  EXPECT_NE(message.find("target[2] = 4 is out of range for 4 classes"), std::string::npos)
      << message;
  expect_error<ValueError>(
      [&] {
        cross_entropy(x, Tensor::from({3}, {-1.0f, 1.0f, 2.0f}));
      },
      {"target[0] = -1 is out of range for 4 classes", "ignore_index -100"});
  // ... unless it is the ignore_index.
  EXPECT_NO_THROW(cross_entropy(x, Tensor::from({3}, {-1.0f, 1.0f, 2.0f}), {.ignore_index = -1}));
  // Positions of [N, d] targets are named with both indices.
  message = error_message<ValueError>(
      [&] { cross_entropy(Tensor::zeros({2, 4, 3}), Tensor::from({2, 3}, {0, 1, 2, 3, 9, 0})); });
  EXPECT_NE(message.find("target[1, 1] = 9"), std::string::npos) << message;
}

TEST(CrossEntropy, ShapesThatDoNotFitAreRefusedNamingThem) {
  const Tensor x = Tensor::zeros({3, 4});
  const Tensor y = Tensor::from({3}, {0.0f, 1.0f, 2.0f});
  std::string message =
      error_message<ShapeError>([&] { cross_entropy(x, y, {.weight = Tensor::ones({3})}); });
  EXPECT_NE(message.find("weight of shape [3]"), std::string::npos) << message;
  EXPECT_NE(message.find("[3, 4]"), std::string::npos) << message;
  message = error_message<ShapeError>([&] { cross_entropy(x, Tensor::zeros({4})); });
  EXPECT_NE(message.find("target of shape [4]"), std::string::npos) << message;
  expect_error<ShapeError>(
      [&] {
        cross_entropy(x, Tensor::zeros({3, 3}));
      },
      {"target of shape [3, 3] fits neither class indices (expected shape "
       "[3]) nor class probabilities (expected shape [3, 4])"});
  expect_error<ShapeError>([] { cross_entropy(Tensor::zeros({4}), Tensor::zeros({1})); },
                           {"cross_entropy: input must have shape [N, C]", "got [4]"});
}

TEST(CrossEntropy, NonFiniteInputAndBadSmoothingAreRefused) {
  Tensor x = Tensor::zeros({2, 3});
  x.data()[5] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_message<ValueError>([&] { cross_entropy(x, Tensor::zeros({2})); }),
            "cross_entropy: input[1, 2] is nan");
  expect_error<ValueError>(
      [] {
        cross_entropy(Tensor::zeros({2, 3}), Tensor::zeros({2}), {.label_smoothing = 1.5f});
      },
      {"cross_entropy: label_smoothing must be in [0, 1], got 1.5"});
  expect_error<ValueError>([] { CrossEntropyLoss({.label_smoothing = -0.1f}); },
                           {"cross_entropy: label_smoothing must be in [0, 1], got -0.1"});
}

// PyTorch returns nan (0 / 0) for the mean over a batch whose targets are all
// ignored; fulcrum refuses it, while the sum is a well-defined 0.
TEST(CrossEntropy, AllIgnoredBatch) {
  Tensor x = Tensor::ones({2, 3});
  x.requires_grad_();
  const Tensor y = Tensor::from({2}, {-100.0f, -100.0f});
  const std::string message = error_message<ValueError>([&] { cross_entropy(x, y); });
  EXPECT_NE(message.find("ignore_index -100"), std::string::npos) << message;
  const Tensor total = cross_entropy(x, y, {.reduction = Reduction::Sum});
  EXPECT_EQ(total.item(), 0.0f);
  total.backward();
  for (float g : x.grad().values()) EXPECT_EQ(g, 0.0f);
}

TEST(CrossEntropy, OnlyTheInputGetsAGradient) {
  Generator gen(15);
  Tensor x = normal({4, 3}, 0.0f, 1.0f, gen);
  Tensor y = random_probabilities({4, 3}, gen);
  Tensor w = uniform({3}, 0.5f, 1.5f, gen);
  for (Tensor* p : {&x, &y, &w}) p->requires_grad_();
  cross_entropy(x, y, {.weight = w}).backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_FALSE(y.grad().defined());
  EXPECT_FALSE(w.grad().defined());
}

TEST(CrossEntropy, ModuleAppliesItsOptions) {
  Generator gen(16);
  const Tensor x = normal({5, 3}, 0.0f, 1.0f, gen);
  const Tensor y = random_indices({5}, 3, gen);
  const Tensor w = uniform({3}, 0.5f, 1.5f, gen);
  const CrossEntropyLoss loss({.weight = w, .label_smoothing = 0.1f});
  EXPECT_TRUE(loss.options().weight.same(w));
  EXPECT_EQ(loss.options().ignore_index, -100);
  EXPECT_EQ(loss.options().reduction, Reduction::Mean);
  EXPECT_EQ(loss(x, y).item(), cross_entropy(x, y, {.weight = w, .label_smoothing = 0.1f}).item());
}

TEST(CrossEntropy, SameResultBitForBitWithOneOrTwoThreads) {
  Generator gen(17);
  const Tensor x0 = normal({3000, 20}, 0.0f, 2.0f, gen);
  const Tensor y = random_indices({3000}, 20, gen);
  const Tensor w = uniform({20}, 0.5f, 2.0f, gen);
  const int saved_threads = num_threads();
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Tensor x = x0.clone();
    x.requires_grad_();
    const Tensor loss = cross_entropy(x, y, {.weight = w, .label_smoothing = 0.1f});
    loss.backward();
    std::vector<float> r = x.grad().to_vector();
    r.push_back(loss.item());
    results.push_back(r);
  }
  set_num_threads(saved_threads);
  EXPECT_EQ(results[0], results[1]);
}

TEST(CrossEntropy, AnEmptyBatchSumsToZeroAsInPyTorch) {
  // torch: F.cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=long), reduction="sum") == 0
  Tensor x = Tensor::zeros({0, 3}).requires_grad_();
  const Tensor y = Tensor::zeros({0});
  const Tensor total = cross_entropy(x, y, {.reduction = Reduction::Sum});
  EXPECT_EQ(total.item(), 0.0f);
  total.backward();
  EXPECT_EQ(x.grad().shape(), (Shape{0, 3}));
  EXPECT_EQ(cross_entropy(x, y, {.reduction = Reduction::None}).shape(), (Shape{0}));
}

}  // namespace
}  // namespace fulcrum::nn
