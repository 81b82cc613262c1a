// Asymmetric loss beyond the golden file: gradient checks away from the
// clamps' kinks, its reductions to BCE-with-logits and to the focal loss, the
// probability margin and the eps clamp, extreme logits, error messages, the
// module's defaults, determinism and no fresh buffers in steady state.

#include "fulcrum/losses/asymmetric_loss.hpp"

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
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/focal_loss.hpp"
#include "loss_reference.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::error_message;
using fulcrum::testing::expect_error;

using testing::gradcheck;

AsymmetricLossOptions asl(float gamma_pos, float gamma_neg, float clip,
                          Reduction reduction = Reduction::Sum) {
  AsymmetricLossOptions o;
  o.gamma_pos = gamma_pos;
  o.gamma_neg = gamma_neg;
  o.clip = clip;
  o.reduction = reduction;
  return o;
}

double logit(double p) { return std::log(p / (1.0 - p)); }

// Moves logits that fall within `margin` of a kink of the clamps (sigmoid(x)
// = clip, sigmoid(x) = eps), where a finite difference straddles the jump.
void move_off_kinks(Tensor& x, const AsymmetricLossOptions& o, double margin = 0.05) {
  std::vector<double> kinks = {logit(o.eps)};
  if (o.clip > 0) kinks.push_back(logit(o.clip));
  for (float& v : x.values())
    for (double k : kinks)
      if (std::abs(v - k) < margin) v = static_cast<float>(k + 2 * margin);
}

TEST(AsymmetricLoss, GradcheckForSeveralOptionsAndEveryReduction) {
  Generator gen(21);
  const Tensor binary = bernoulli({5, 3}, 0.4f, gen);
  const Tensor soft = uniform({5, 3}, 0.0f, 1.0f, gen);
  const std::vector<AsymmetricLossOptions> settings = {
      asl(0, 4, 0.05f), asl(1, 4, 0.05f), asl(0, 2, 0.2f),      asl(1, 3, 0),
      asl(0, 0, 0),     asl(2, 1, 0.1f),  asl(0.5f, 1.5f, 0.1f)};
  for (AsymmetricLossOptions o : settings)
    for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
      for (const Tensor& t : {binary, soft}) {
        o.reduction = r;
        Tensor x = normal({5, 3}, 0.0f, 2.5f, gen);
        move_off_kinks(x, o);
        x.requires_grad_();
        gradcheck([&](const std::vector<Tensor>& in) { return asymmetric_loss(in[0], t, o); },
                  [&](const std::vector<reference::Array>& in) {
                    return reference::asymmetric_loss(in[0], testing::ref::from(t), o);
                  },
                  {x},
                  "asymmetric_loss gamma_pos=" + std::to_string(o.gamma_pos) + " gamma_neg=" +
                      std::to_string(o.gamma_neg) + " clip=" + std::to_string(o.clip) +
                      " reduction=" + std::string(to_string(r)));
      }
}

// Logits that put both classes in the margin's dead zone and past eps: the
// clamps must pass no gradient there, as PyTorch's clamp does.
TEST(AsymmetricLoss, GradcheckAcrossTheClampedRegions) {
  const Tensor x0 = Tensor::from({2, 4}, {-25.0f, -6.0f, -3.5f, -1.0f, 1.0f, 4.0f, -20.0f, 2.5f});
  const Tensor t = Tensor::from({2, 4}, {1, 0, 0, 1, 0, 1, 1, 0});
  Tensor x = x0.clone();
  x.requires_grad_();
  // None: a float32 sum of eight losses of up to 18.4 would round by ~2e-6,
  // too much for a central difference with step 1e-3.
  const AsymmetricLossOptions o = asl(0, 4, 0.05f, Reduction::None);
  gradcheck([&](const std::vector<Tensor>& in) { return asymmetric_loss(in[0], t, o); },
            [&](const std::vector<reference::Array>& in) {
              return reference::asymmetric_loss(in[0], testing::ref::from(t), o);
            },
            {x}, "asymmetric_loss with clamped elements");
}

// gamma_pos = gamma_neg = 0 and no margin: plain binary cross-entropy summed,
// wherever eps does not clamp (sigmoid(x) >= 1e-8, i.e. |x| < ~18.4).
TEST(AsymmetricLoss, NoFocusingAndNoMarginIsBceSum) {
  Generator gen(22);
  for (const Tensor& t : {bernoulli({6, 5}, 0.3f, gen), uniform({6, 5}, 0.0f, 1.0f, gen)}) {
    Tensor x1 = normal({6, 5}, 0.0f, 5.0f, gen);
    for (float& v : x1.values()) v = std::clamp(v, -17.0f, 17.0f);
    Tensor x2 = x1.clone();
    x1.requires_grad_();
    x2.requires_grad_();
    const Tensor loss = asymmetric_loss(x1, t, asl(0, 0, 0));
    const Tensor bce = binary_cross_entropy_with_logits(x2, t, {.reduction = Reduction::Sum});
    EXPECT_NEAR(loss.item(), bce.item(), 1e-6 * std::abs(bce.item()));
    loss.backward();
    bce.backward();
    for (int64_t i = 0; i < x1.numel(); ++i)
      EXPECT_NEAR(x1.grad().data()[i], x2.grad().data()[i], 1e-6) << "element " << i;
    const Tensor none = asymmetric_loss(x1, t, asl(0, 0, 0, Reduction::None));
    const Tensor bce_none = binary_cross_entropy_with_logits(x1, t, {.reduction = Reduction::None});
    for (int64_t i = 0; i < x1.numel(); ++i)
      EXPECT_NEAR(none.data()[i], bce_none.data()[i], 1e-6 * bce_none.data()[i] + 1e-7);
  }
}

// Equal exponents and no margin make ASL symmetric: torchvision's focal loss
// without alpha, (1 - p_t)^gamma * BCE, value and gradient.
TEST(AsymmetricLoss, EqualGammasAndNoMarginIsFocalLossWithoutAlpha) {
  Generator gen(23);
  const Tensor t = uniform({4, 5}, 0.0f, 1.0f, gen);
  for (float gamma : {1.0f, 2.0f, 3.5f}) {
    Tensor x1 = normal({4, 5}, 0.0f, 3.0f, gen);
    Tensor x2 = x1.clone();
    x1.requires_grad_();
    x2.requires_grad_();
    const Tensor a = asymmetric_loss(x1, t, asl(gamma, gamma, 0, Reduction::None));
    SigmoidFocalLossOptions fo;
    fo.alpha = -1.0f;
    fo.gamma = gamma;
    fo.reduction = Reduction::None;
    const Tensor f = sigmoid_focal_loss(x2, t, fo);
    a.backward(Tensor::ones(a.shape()));
    f.backward(Tensor::ones(f.shape()));
    for (int64_t i = 0; i < t.numel(); ++i) {
      EXPECT_NEAR(a.data()[i], f.data()[i], 1e-6 * f.data()[i] + 1e-7) << "gamma " << gamma;
      EXPECT_NEAR(x1.grad().data()[i], x2.grad().data()[i], 1e-6) << "gamma " << gamma;
    }
  }
}

// A negative whose probability is at most the margin contributes nothing and
// gets no gradient; above it, the shifted probability p - m is what is
// focused: loss = -log(1 - p + m) * (p - m)^gamma_neg.
TEST(AsymmetricLoss, MarginDiscardsEasyNegatives) {
  const float clip = 0.05f;
  const std::vector<float> logits = {-6.0f, -3.5f, -2.0f, 0.0f, 2.0f};
  const int64_t n = static_cast<int64_t>(logits.size());
  Tensor x = Tensor::from({n}, logits);
  x.requires_grad_();
  const Tensor loss = asymmetric_loss(x, Tensor::zeros({n}), asl(0, 4, clip, Reduction::None));
  loss.backward(Tensor::ones(loss.shape()));
  for (int64_t i = 0; i < n; ++i) {
    const double p = 1.0 / (1.0 + std::exp(-static_cast<double>(logits[static_cast<size_t>(i)])));
    SCOPED_TRACE("p = " + std::to_string(p));
    if (p <= clip) {
      EXPECT_EQ(loss.data()[i], 0.0f);
      EXPECT_EQ(x.grad().data()[i], 0.0f);
    } else {
      const double shifted = p - clip;
      EXPECT_NEAR(loss.data()[i], -std::log(1.0 - shifted) * std::pow(shifted, 4), 1e-6);
      EXPECT_GT(x.grad().data()[i], 0.0f);  // more confident negatives lose less
    }
  }
}

// Beyond the clamps the loss is constant with zero gradient, and every value
// stays finite: a positive at x -> -inf costs -log(eps); a negative at
// x -> +inf costs -log(clip) (1 - clip)^gamma_neg, or -log(eps) without margin.
TEST(AsymmetricLoss, ExtremeLogitsGiveFiniteLossesAndTheirLimits) {
  const std::vector<float> logits = {-1e30f, -1e4f, -88.0f, 88.0f, 1e4f, 1e30f};
  const int64_t n = static_cast<int64_t>(logits.size());
  for (const AsymmetricLossOptions& o :
       {asl(0, 4, 0.05f), asl(1, 4, 0.05f), asl(1, 3, 0), asl(0, 0, 0), asl(0.5f, 1.5f, 0.1f)}) {
    for (float y : {0.0f, 1.0f, 0.5f}) {
      SCOPED_TRACE("gamma_pos " + std::to_string(o.gamma_pos) + " gamma_neg " +
                   std::to_string(o.gamma_neg) + " clip " + std::to_string(o.clip) + " y " +
                   std::to_string(y));
      AsymmetricLossOptions none = o;
      none.reduction = Reduction::None;
      Tensor x = Tensor::from({n}, logits);
      x.requires_grad_();
      const Tensor target = Tensor::full({n}, y);
      const Tensor loss = asymmetric_loss(x, target, none);
      loss.backward(Tensor::ones(loss.shape()));
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_TRUE(std::isfinite(loss.data()[i])) << "x = " << logits[static_cast<size_t>(i)];
        ASSERT_TRUE(std::isfinite(x.grad().data()[i])) << "x = " << logits[static_cast<size_t>(i)];
      }
      EXPECT_TRUE(std::isfinite(asymmetric_loss(x, target, o).item()));
      if (y == 0.5f) continue;
      const double log_eps = std::log(static_cast<double>(o.eps));
      for (int64_t i = 0; i < n; ++i) {
        const double xi = logits[static_cast<size_t>(i)];
        const bool wrong = (y == 1.0f) == (xi < 0);
        double want = 0.0;
        if (wrong && y == 1.0f) want = -log_eps;
        if (wrong && y == 0.0f)
          want = o.clip > 0 ? -std::log(static_cast<double>(o.clip)) *
                                  std::pow(1.0 - static_cast<double>(o.clip), o.gamma_neg)
                            : -log_eps;
        EXPECT_NEAR(loss.data()[i], want, 1e-6 * want + 1e-6) << "x = " << xi;
        EXPECT_NEAR(x.grad().data()[i], 0.0, 1e-6) << "x = " << xi;
      }
    }
  }
}

TEST(AsymmetricLoss, NonFiniteInputIsRefusedNamingTheElement) {
  const Tensor target = Tensor::zeros({2, 3});
  Tensor x = Tensor::zeros({2, 3});
  x.data()[2] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_message<ValueError>([&] { asymmetric_loss(x, target); }),
            "asymmetric_loss: input[0, 2] is nan");
}

TEST(AsymmetricLoss, BadTargetsShapesAndOptionsAreRefused) {
  const Tensor x = Tensor::zeros({2, 3});
  const Tensor t = Tensor::zeros({2, 3});
  Tensor bad = t.clone();
  bad.data()[1] = -0.5f;
  const std::string message = error_message<ValueError>([&] { asymmetric_loss(x, bad); });
  EXPECT_NE(message.find("target[0, 1] = -0.5 is outside [0, 1]"), std::string::npos) << message;
  EXPECT_EQ(error_message<ShapeError>([&] {
              asymmetric_loss(x, Tensor::zeros({3, 2}));
            }),
            "asymmetric_loss: target of shape [3, 2] does not match input of shape [2, 3] (they "
            "must be equal)");

  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto refused = [&](AsymmetricLossOptions o, const char* option) {
    const std::string m = error_message<ValueError>([&] { asymmetric_loss(x, t, o); });
    EXPECT_NE(m.find(option), std::string::npos) << m;
    expect_error<ValueError>([&] { AsymmetricLoss{o}; }, {"asymmetric_loss: ", option});
  };
  refused(asl(-1, 4, 0.05f), "gamma_pos");
  refused(asl(0, nan, 0.05f), "gamma_neg");
  refused(asl(0, 4, -0.1f), "clip");
  refused(asl(0, 4, 1.5f), "clip");
  AsymmetricLossOptions no_eps;
  no_eps.eps = 0.0f;
  refused(no_eps, "eps");
}

TEST(AsymmetricLoss, ModuleDefaultsAreThePapersAndReductionsAgree) {
  const AsymmetricLoss loss;
  EXPECT_EQ(loss.options().gamma_pos, 0.0f);
  EXPECT_EQ(loss.options().gamma_neg, 4.0f);
  EXPECT_EQ(loss.options().clip, 0.05f);
  EXPECT_EQ(loss.options().eps, 1e-8f);
  EXPECT_EQ(loss.options().reduction, Reduction::Sum);
  Generator gen(24);
  const Tensor x = normal({8, 5}, 0.0f, 2.0f, gen);
  const Tensor t = bernoulli({8, 5}, 0.3f, gen);
  EXPECT_EQ(loss(x, t).item(), asymmetric_loss(x, t).item());
  const Tensor none = asymmetric_loss(x, t, asl(0, 4, 0.05f, Reduction::None));
  double total = 0.0;
  for (float v : none.values()) total += v;
  EXPECT_NEAR(loss(x, t).item(), total, 1e-5 * std::abs(total));
  EXPECT_NEAR(asymmetric_loss(x, t, asl(0, 4, 0.05f, Reduction::Mean)).item(), total / 40.0,
              1e-6 * std::abs(total));
}

TEST(AsymmetricLoss, OnlyTheInputGetsAGradient) {
  Generator gen(25);
  Tensor x = normal({3, 2}, 0.0f, 1.0f, gen);
  Tensor t = bernoulli({3, 2}, 0.5f, gen);
  x.requires_grad_();
  t.requires_grad_();
  asymmetric_loss(x, t).backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_FALSE(t.grad().defined());
}

TEST(AsymmetricLoss, SameResultBitForBitWithOneOrTwoThreads) {
  Generator gen(26);
  const Tensor x0 = normal({600, 100}, 0.0f, 3.0f, gen);
  const Tensor t = bernoulli({600, 100}, 0.2f, gen);
  const int saved_threads = num_threads();
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Tensor x = x0.clone();
    x.requires_grad_();
    const Tensor loss = asymmetric_loss(x, t);
    loss.backward();
    std::vector<float> r = x.grad().to_vector();
    r.push_back(loss.item());
    results.push_back(r);
  }
  set_num_threads(saved_threads);
  EXPECT_EQ(results[0], results[1]);
}

TEST(AsymmetricLoss, TrainingStepsAllocateNoFreshBuffersInSteadyState) {
  Generator gen(27);
  Tensor x = normal({64, 10}, 0.0f, 1.0f, gen);
  x.requires_grad_();
  const Tensor t = bernoulli({64, 10}, 0.3f, gen);
  const auto step = [&] {
    x.zero_grad();
    asymmetric_loss(x, t).backward();
  };
  for (int i = 0; i < 3; ++i) step();
  const uint64_t before = memory_stats().fresh_allocations;
  for (int i = 0; i < 5; ++i) step();
  EXPECT_EQ(memory_stats().fresh_allocations, before);
}

}  // namespace
}  // namespace fulcrum::nn
