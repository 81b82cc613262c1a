// uniform, normal and bernoulli give the tensors of one std::mt19937_64 draw
// per call with Generator's distributions (the reference below), and states
// written by that reference load into Generator, and back, and continue the
// same.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fulcrum/core/random.hpp"

namespace fulcrum {
namespace {

// The reference: std::mt19937_64, one draw per call, and the distributions
// and state text of Generator.
struct OneAtATimeGenerator {
  explicit OneAtATimeGenerator(uint64_t seed) : engine(seed) {}

  float uniform() { return static_cast<float>(engine() >> 40) * 0x1.0p-24f; }
  float uniform(float low, float high) { return low + (high - low) * uniform(); }
  float normal() {
    if (has_spare_normal) {
      has_spare_normal = false;
      return spare_normal;
    }
    const double u1 = 1.0 - static_cast<double>(engine() >> 11) * 0x1.0p-53;
    const double u2 = static_cast<double>(engine() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * std::numbers::pi * u2;
    spare_normal = static_cast<float>(r * std::sin(theta));
    has_spare_normal = true;
    return static_cast<float>(r * std::cos(theta));
  }
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = engine();
    while (x >= limit);
    return x % n;
  }
  std::string state() const {
    std::ostringstream out;
    out << engine << ' ' << has_spare_normal << ' ' << std::hexfloat << spare_normal;
    return out.str();
  }
  void set_state(const std::string& text) {
    std::istringstream in(text);
    std::string spare_text;
    in >> engine >> has_spare_normal >> spare_text;
    ASSERT_FALSE(in.fail()) << text.substr(0, 40);
    spare_normal = std::strtof(spare_text.c_str(), nullptr);
  }

  std::mt19937_64 engine;
  bool has_spare_normal = false;
  float spare_normal = 0.0f;
};

std::vector<float> reference_uniform(int64_t n, float low, float high, OneAtATimeGenerator& gen) {
  std::vector<float> out(static_cast<size_t>(n));
  for (float& v : out) v = gen.uniform(low, high);
  return out;
}

std::vector<float> reference_normal(int64_t n, float mean, float stddev, OneAtATimeGenerator& gen) {
  std::vector<float> out(static_cast<size_t>(n));
  for (float& v : out) v = mean + stddev * gen.normal();
  return out;
}

std::vector<float> reference_bernoulli(int64_t n, float p, OneAtATimeGenerator& gen) {
  std::vector<float> out(static_cast<size_t>(n));
  for (float& v : out) v = gen.uniform() < p ? 1.0f : 0.0f;
  return out;
}

// Sizes within a block, of a block, across blocks; a yeast dropout mask.
constexpr int64_t kSizes[] = {1, 5, 311, 312, 313, 1000, 64 * 256};

TEST(RandomReference, TensorsAreThoseOfOneDrawPerCall) {
  for (uint64_t seed : {uint64_t{0}, uint64_t{17}, UINT64_MAX}) {
    Generator gen(seed);
    OneAtATimeGenerator reference(seed);
    // Every distribution after every other, so each starts part-way through
    // a block (and normal with a spare value cached).
    for (int round = 0; round < 3; ++round) {
      for (int64_t n : kSizes) {
        SCOPED_TRACE(testing::Message()
                     << "seed " << seed << ", round " << round << ", " << n << " elements");
        ASSERT_EQ(uniform({n}, 0.0f, 1.0f, gen).to_vector(),
                  reference_uniform(n, 0.0f, 1.0f, reference));
        ASSERT_EQ(uniform({n}, -0.37f, 2.5f, gen).to_vector(),
                  reference_uniform(n, -0.37f, 2.5f, reference));
        ASSERT_EQ(normal({n}, 0.0f, 1.0f, gen).to_vector(),
                  reference_normal(n, 0.0f, 1.0f, reference));
        ASSERT_EQ(normal({n}, 3.0f, 0.1f, gen).to_vector(),
                  reference_normal(n, 3.0f, 0.1f, reference));
        for (float p : {0.8f, 0.5f, 0.0f, 1.0f, 1e-7f, 0.999f}) {
          ASSERT_EQ(bernoulli({n}, p, gen).to_vector(), reference_bernoulli(n, p, reference))
              << "p = " << p;
        }
        ASSERT_EQ(gen.next_u64(), reference.engine());
        ASSERT_EQ(gen.below(1000), reference.below(1000)) << "below() after the bulk draws";
      }
    }
  }
}

TEST(RandomReference, DiscardThenBulkDrawsAreThoseOfOneDrawPerCall) {
  // How Dropout draws a split batch's rows: skip, draw, skip.
  for (uint64_t skip : {0ull, 1ull, 311ull, 312ull, 313ull, 100000ull}) {
    Generator gen(21);
    OneAtATimeGenerator reference(21);
    gen.discard(skip);
    for (uint64_t i = 0; i < skip; ++i) reference.uniform();
    ASSERT_EQ(bernoulli({700}, 0.8f, gen).to_vector(), reference_bernoulli(700, 0.8f, reference))
        << "after discard(" << skip << ")";
    gen.discard(skip);
    for (uint64_t i = 0; i < skip; ++i) reference.uniform();
    ASSERT_EQ(gen.uniform(), reference.uniform()) << "after the second discard(" << skip << ")";
  }
}

TEST(RandomReference, AReferenceStateLoadsAndContinuesTheSame) {
  for (int drawn : {0, 1, 311, 312, 1001}) {
    OneAtATimeGenerator reference(8);
    for (int i = 0; i < drawn; ++i) reference.uniform();
    reference.normal();  // a spare normal in the state
    Generator gen(1);
    gen.set_state(reference.state());
    EXPECT_EQ(gen.state(), reference.state()) << "the state text changed on loading";
    EXPECT_EQ(normal({3}, 0.0f, 1.0f, gen).to_vector(), reference_normal(3, 0.0f, 1.0f, reference));
    EXPECT_EQ(bernoulli({1000}, 0.8f, gen).to_vector(), reference_bernoulli(1000, 0.8f, reference))
        << drawn << " drawn before saving";
  }
}

TEST(RandomReference, AGeneratorStateLoadsIntoTheReferenceAndContinuesTheSame) {
  for (int64_t drawn : {0, 1, 311, 312, 1001}) {
    Generator gen(9);
    if (drawn > 0) bernoulli({drawn}, 0.5f, gen);
    gen.normal();
    OneAtATimeGenerator reference(1);
    reference.set_state(gen.state());
    EXPECT_EQ(reference.state(), gen.state());
    EXPECT_EQ(reference_normal(3, 0.0f, 1.0f, reference), normal({3}, 0.0f, 1.0f, gen).to_vector());
    EXPECT_EQ(reference_uniform(1000, 0.0f, 1.0f, reference),
              uniform({1000}, 0.0f, 1.0f, gen).to_vector())
        << drawn << " drawn before saving";
  }
}

}  // namespace
}  // namespace fulcrum
