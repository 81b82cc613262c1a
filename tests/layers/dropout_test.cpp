// Dropout: identity in eval mode, a scaled random mask in training mode.

#include "fulcrum/layers/dropout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "layers/test_util.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::expect_identical;

TEST(Dropout, EvalModeReturnsTheInput) {
  Generator gen(1);
  Dropout dropout(0.5f, gen);
  dropout.eval();
  const Tensor x = uniform({10, 10}, -1.0f, 1.0f, gen);
  expect_identical(dropout(x), x, "eval-mode dropout");
}

TEST(Dropout, ZeroProbabilityReturnsTheInputInTraining) {
  Generator gen(2);
  Dropout dropout(0.0f, gen);
  ASSERT_TRUE(dropout.is_training());
  const Tensor x = uniform({10, 10}, -1.0f, 1.0f, gen);
  expect_identical(dropout(x), x, "p = 0 dropout");
}

TEST(Dropout, TrainingKeepsOrZeroesEachElementWithInvertedScaling) {
  Generator gen(3);
  const float p = 0.3f;
  Dropout dropout(p, gen);
  const int64_t n = 100000;
  const Tensor x = uniform({n}, 0.5f, 2.0f, gen);  // never 0, so a zero output means dropped
  const Tensor y = dropout(x);
  const float scale = 1.0f / (1.0f - p);
  int64_t dropped = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (y.data()[i] == 0.0f) {
      ++dropped;
    } else {
      ASSERT_FLOAT_EQ(y.data()[i], x.data()[i] * scale) << "element " << i;
    }
  }
  // Binomial(n, 0.3): standard deviation 0.0014 in the fraction; allow 7 of them.
  EXPECT_NEAR(static_cast<double>(dropped) / n, p, 0.01);
}

TEST(Dropout, PreservesTheMeanRoughly) {
  Generator gen(4);
  Dropout dropout(0.5f, gen);
  const Tensor y = dropout(Tensor::ones({200000}));
  EXPECT_NEAR(mean(y).item(), 1.0f, 0.01f);
}

TEST(Dropout, FreshMaskEachCallSameMasksForSameSeed) {
  Generator g1(5), g2(5);
  Dropout a(0.5f, g1), b(0.5f, g2);
  const Tensor x = Tensor::ones({64});
  const Tensor first = a(x);
  EXPECT_NE(first.to_vector(), a(x).to_vector()) << "two calls drew the same mask";
  expect_identical(b(x), first, "same seed, same mask");
}

TEST(Dropout, GradientIsTheScaledMask) {
  Generator gen(6);
  Dropout dropout(0.25f, gen);
  Tensor x = uniform({1000}, 0.5f, 2.0f, gen);
  x.requires_grad_();
  const Tensor y = dropout(x);
  sum(y).backward();
  const Tensor g = x.grad();
  ASSERT_TRUE(g.defined());
  for (int64_t i = 0; i < x.numel(); ++i)
    ASSERT_FLOAT_EQ(g.data()[i], y.data()[i] == 0.0f ? 0.0f : 1.0f / 0.75f) << "element " << i;
}

TEST(Dropout, Gradcheck) {
  Generator gen(7);
  Dropout dropout(0.4f, gen);
  Tensor x = uniform({5, 6}, -1.0f, 1.0f, gen);
  x.requires_grad_();
  // Reseeding before each call makes every evaluation use the same mask; the
  // reference multiplies by that mask, scaled by 1 / (1 - p), read off ones.
  gen.seed(99);
  const Tensor scaled_mask = dropout(Tensor::ones(x.shape()));
  testing::gradcheck(
      [&](const std::vector<Tensor>& in) {
        gen.seed(99);
        return dropout(in[0]);
      },
      [&](const std::vector<testing::ref::Array>& in) {
        return in[0] * testing::ref::from(scaled_mask);
      },
      {x}, "Dropout(0.4)");
}

TEST(Dropout, TheMaskIsOneDrawPerElementTimesTheScale) {
  // The reference mask: one std::mt19937_64 draw per element, kept where
  // uniform() < 1 - p, times 1 / (1 - p); twice, so the second starts
  // part-way through the engine's block.
  const float p = 0.2f;
  Generator gen(8);
  Dropout dropout(p, gen);
  std::mt19937_64 reference(8);
  const float keep = 1.0f - p;
  const float scale = 1.0f / (1.0f - p);
  for (int call = 0; call < 2; ++call) {
    const Tensor mask = dropout(Tensor::ones({64, 256}));
    for (int64_t i = 0; i < mask.numel(); ++i) {
      const float u = static_cast<float>(reference() >> 40) * 0x1.0p-24f;
      ASSERT_EQ(mask.data()[i], (u < keep ? 1.0f : 0.0f) * scale)
          << "call " << call << ", element " << i;
    }
  }
}

TEST(Dropout, ASplitBatchGetsItsRowsOfTheWholeBatchsMask) {
  Generator whole_gen(9), part_gen(9);
  Dropout whole(0.3f, whole_gen), part(0.3f, part_gen);
  const Tensor whole_mask = whole(Tensor::ones({10, 7}));
  part_gen.set_row_shard({.begin = 3, .global = 10});
  const Tensor part_mask = part(Tensor::ones({4, 7}));
  for (int64_t i = 0; i < part_mask.numel(); ++i)
    ASSERT_EQ(part_mask.data()[i], whole_mask.data()[3 * 7 + i]) << "element " << i;
  EXPECT_EQ(part_gen.next_u64(), whole_gen.next_u64())
      << "the generator did not end where the whole batch's draw ends";
}

TEST(Dropout, ProbabilityOutsideZeroToOneIsAnError) {
  expect_error<ValueError>([] { Dropout(-0.1f); }, {"Dropout: p must be in [0, 1), got -0.1"});
  expect_error<ValueError>([] { Dropout(1.0f); }, {"Dropout: p must be in [0, 1), got 1"});
  expect_error<ValueError>([] { Dropout(1.5f); }, {"Dropout: p must be in [0, 1), got 1.5"});
  // Braces: clang reads Dropout(std::numeric_limits<float>::quiet_NaN()) as a declaration.
  expect_error<ValueError>([] { Dropout{std::numeric_limits<float>::quiet_NaN()}; },
                           {"Dropout: p must be in [0, 1), got nan"});
  try {
    Dropout bad(2.0f);
    FAIL() << "p = 2 was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find('2'), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(Dropout(0.0f));
  EXPECT_NO_THROW(Dropout(0.99f));
}

}  // namespace
}  // namespace fulcrum::nn
