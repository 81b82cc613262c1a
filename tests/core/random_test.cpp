// Seeded random numbers: reproducible, different seeds differ, and the
// distributions have the moments they should (tolerances are about 5 standard
// errors for 1e5 samples, so a correct generator fails with negligible odds).

#include "fulcrum/core/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "support/errors.hpp"

namespace fulcrum {
namespace {

constexpr int64_t kSamples = 100000;

struct Moments {
  double mean, stddev, min, max;
};

Moments moments(const Tensor& t) {
  double total = 0, min = INFINITY, max = -INFINITY;
  for (float v : t.values()) {
    total += v;
    min = std::min<double>(min, v);
    max = std::max<double>(max, v);
  }
  const double mean = total / static_cast<double>(t.numel());
  double squares = 0;
  for (float v : t.values()) squares += (v - mean) * (v - mean);
  return {mean, std::sqrt(squares / static_cast<double>(t.numel() - 1)), min, max};
}

TEST(Random, SameSeedSameNumbers) {
  Generator a(42), b(42);
  EXPECT_EQ(uniform({100}, 0, 1, a).to_vector(), uniform({100}, 0, 1, b).to_vector());
  EXPECT_EQ(normal({101}, 0, 1, a).to_vector(), normal({101}, 0, 1, b).to_vector());
  EXPECT_EQ(bernoulli({100}, 0.5f, a).to_vector(), bernoulli({100}, 0.5f, b).to_vector());
}

TEST(Random, ManualSeedResetsTheDefaultGenerator) {
  manual_seed(7);
  const std::vector<float> first = normal({64}).to_vector();
  const std::vector<float> more = uniform({8}).to_vector();
  manual_seed(7);
  EXPECT_EQ(normal({64}).to_vector(), first);
  EXPECT_EQ(uniform({8}).to_vector(), more);
}

TEST(Random, ReseedingDiscardsTheSpareNormal) {
  // normal() makes values in pairs and caches the second; seed() must behave
  // like a fresh generator, so the cached value has to go.
  Generator gen(3);
  const float first = gen.normal();
  gen.seed(3);
  EXPECT_EQ(gen.normal(), first) << "seed() kept the spare value of the previous Box-Muller pair";
}

TEST(Random, DifferentSeedsDiffer) {
  Generator a(1), b(2);
  const std::vector<float> ua = uniform({100}, 0, 1, a).to_vector();
  const std::vector<float> ub = uniform({100}, 0, 1, b).to_vector();
  int equal = 0;
  for (size_t i = 0; i < ua.size(); ++i) equal += ua[i] == ub[i];
  EXPECT_LT(equal, 5);
}

TEST(Random, TheEngineIsTheStandardMersenneTwister) {
  // [rand.predef]: the 10000th output of a default-seeded mt19937_64.
  Generator gen(5489);
  uint64_t x = 0;
  for (int i = 0; i < 10000; ++i) x = gen.next_u64();
  EXPECT_EQ(x, 9981545732273789042ull);
}

TEST(Random, UniformIsInRangeWithTheRightMoments) {
  Generator gen(11);
  const Moments m = moments(uniform({kSamples}, 0, 1, gen));
  EXPECT_GE(m.min, 0.0);
  EXPECT_LT(m.max, 1.0);
  EXPECT_NEAR(m.mean, 0.5, 5e-3);
  EXPECT_NEAR(m.stddev, 1.0 / std::sqrt(12.0), 5e-3);

  const Moments shifted = moments(uniform({kSamples}, -3, 5, gen));
  EXPECT_GE(shifted.min, -3.0);
  EXPECT_LT(shifted.max, 5.0);
  EXPECT_NEAR(shifted.mean, 1.0, 0.04);
}

TEST(Random, NormalHasTheRightMoments) {
  Generator gen(12);
  const Tensor t = normal({kSamples}, 0, 1, gen);
  ASSERT_TRUE(all_finite(t));
  const Moments m = moments(t);
  EXPECT_NEAR(m.mean, 0.0, 0.016);
  EXPECT_NEAR(m.stddev, 1.0, 0.011);
  // A tail check: about 4.55% of samples beyond 2 sigma.
  int64_t beyond = 0;
  for (float v : t.values()) beyond += std::abs(v) > 2.0f;
  EXPECT_NEAR(static_cast<double>(beyond) / kSamples, 0.0455, 0.0035);

  const Moments scaled = moments(normal({kSamples}, 3, 2, gen));
  EXPECT_NEAR(scaled.mean, 3.0, 0.032);
  EXPECT_NEAR(scaled.stddev, 2.0, 0.022);
}

TEST(Random, BernoulliRate) {
  Generator gen(13);
  const Tensor t = bernoulli({kSamples}, 0.3f, gen);
  for (float v : t.values()) ASSERT_TRUE(v == 0.0f || v == 1.0f) << v;
  EXPECT_NEAR(moments(t).mean, 0.3, 0.0075);
  EXPECT_EQ(moments(bernoulli({1000}, 0.0f, gen)).max, 0.0);
  EXPECT_EQ(moments(bernoulli({1000}, 1.0f, gen)).min, 1.0);
}

TEST(Random, BelowIsInRangeAndUniform) {
  Generator gen(14);
  std::vector<int64_t> counts(7, 0);
  for (int64_t i = 0; i < 70000; ++i) {
    const uint64_t k = gen.below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  // Each count ~ Binomial(70000, 1/7): mean 10000, sd ~ 93.
  for (int64_t c : counts) EXPECT_NEAR(static_cast<double>(c), 10000.0, 500.0);
}

}  // namespace
}  // namespace fulcrum

namespace fulcrum {
namespace {

TEST(Random, StateRoundTripContinuesTheSameSequence) {
  Generator a(99);
  a.normal();  // leaves a spare normal cached, which the state must carry
  Generator b(1);
  b.set_state(a.state());
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(a.normal(), b.normal());
    EXPECT_EQ(a.uniform(), b.uniform());
  }
}

TEST(Random, SetStateRejectsGarbage) {
  Generator g(0);
  testing::expect_error<ValueError>(
      [&] { g.set_state("not a state"); },
      {"Generator::set_state: not a generator state (11 characters)"});
}

}  // namespace
}  // namespace fulcrum
