// MersenneTwister64 against std::mt19937_64: the same outputs for the same
// seed, one at a time, in bulk, in any mix and after any discard, and states
// that move between the two as libstdc++'s text.

#include "fulcrum/core/mersenne_twister.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fulcrum {
namespace {

constexpr uint64_t kSeeds[] = {0, 1, 5489, 42, 0x9E3779B97F4A7C15ull, UINT64_MAX};

// Generator::uniform() of one output.
float reference_uniform(uint64_t x) { return static_cast<float>(x >> 40) * 0x1.0p-24f; }

TEST(MersenneTwister64, TheFirstMillionOutputsAreThoseOfStd) {
  for (uint64_t seed : kSeeds) {
    std::mt19937_64 reference(seed);
    MersenneTwister64 one_at_a_time(seed);
    MersenneTwister64 bulk(seed);
    std::vector<uint64_t> filled(1000000);
    bulk.fill(filled);
    for (size_t i = 0; i < filled.size(); ++i) {
      const uint64_t expected = reference();
      ASSERT_EQ(one_at_a_time(), expected) << "seed " << seed << ", output " << i;
      ASSERT_EQ(filled[i], expected) << "seed " << seed << ", output " << i << " of fill";
    }
  }
}

TEST(MersenneTwister64, TheDefaultSeedIsStds) {
  // [rand.predef]: the 10000th output of a default-constructed mt19937_64.
  MersenneTwister64 engine;
  std::vector<uint64_t> out(10000);
  engine.fill(out);
  EXPECT_EQ(out.back(), 9981545732273789042ull);
}

TEST(MersenneTwister64, DiscardSkipsExactlyThatManyOutputs) {
  // From several positions in a block, skips that end before, on and after
  // block boundaries; the reference makes every skipped draw.
  for (uint64_t seed : {uint64_t{0}, uint64_t{7}, UINT64_MAX}) {
    for (int drawn_before : {0, 1, 155, 311, 312}) {
      for (uint64_t skip :
           {0ull, 1ull, 311ull, 312ull, 313ull, 623ull, 624ull, 625ull, 100000ull}) {
        std::mt19937_64 reference(seed);
        MersenneTwister64 engine(seed);
        for (int i = 0; i < drawn_before; ++i) ASSERT_EQ(engine(), reference());
        engine.discard(skip);
        for (uint64_t i = 0; i < skip; ++i) reference();
        for (int i = 0; i < 700; ++i) {
          ASSERT_EQ(engine(), reference())
              << "seed " << seed << ", " << drawn_before << " drawn, discard(" << skip
              << "), output " << i << " after";
        }
      }
    }
  }
}

TEST(MersenneTwister64, BulkAndSingleDrawsMixFreely) {
  // Chunks of every size class (empty, within a block, across one or several
  // blocks), in each bulk form and one at a time, in an order drawn at random.
  for (uint64_t seed : kSeeds) {
    std::mt19937_64 reference(seed);
    MersenneTwister64 engine(seed);
    std::mt19937 choices(static_cast<uint32_t>(seed));
    const uint32_t threshold = 0x4CCCCD;  // p ~ 0.3
    for (int chunk = 0; chunk < 300; ++chunk) {
      const size_t sizes[] = {0, 1, 7, 311, 312, 313, 1000, 2000};
      const size_t n = sizes[choices() % 8];
      std::vector<uint64_t> words(n);
      std::vector<float> floats(n);
      const auto form = static_cast<uint32_t>(choices() % 5);
      switch (form) {
        case 0:
          engine.fill(words);
          break;
        case 1:
          engine.fill_uniform(floats);
          break;
        case 2:
          engine.fill_bernoulli(floats, threshold);
          break;
        case 3:
          engine.fill_bernoulli(floats, threshold, 1.25f);
          break;
        default:
          for (uint64_t& w : words) w = engine();
      }
      for (size_t i = 0; i < n; ++i) {
        const uint64_t x = reference();
        const float kept = form == 3 ? 1.25f : 1.0f;
        if (form == 0 || form == 4) {
          ASSERT_EQ(words[i], x) << "chunk " << chunk << " (form " << form << "), element " << i;
        } else if (form == 1) {
          ASSERT_EQ(floats[i], reference_uniform(x)) << "chunk " << chunk << ", element " << i;
        } else {
          ASSERT_EQ(floats[i], (x >> 40) < threshold ? kept : 0.0f)
              << "chunk " << chunk << " (form " << form << "), element " << i;
        }
      }
    }
  }
}

// The p whose threshold the proof below checks: the ends, the smallest
// floats, p * 2^24 an integer or not, the neighbours of 0.5 and of 1.
std::vector<float> edge_probabilities() {
  return {0.0f,
          -0.0f,
          1.0f,
          std::numeric_limits<float>::denorm_min(),
          std::numeric_limits<float>::min(),
          1e-10f,
          0x1.0p-24f,                  // p * 2^24 = 1
          0x1.8p-24f,                  // 1.5
          0x1.0p-25f,                  // 0.5
          0.5f,                        // an integer
          std::nextafter(0.5f, 0.0f),  // just below: 2^23 - 0.5
          std::nextafter(0.5f, 1.0f),  // just above: 2^23 + 1
          0.2f,                        // not an integer (0.2 is not a float)
          0.8f,
          0.3f,
          1.0f - 0x1.0p-24f,           // 2^24 - 1
          std::nextafter(1.0f, 0.0f),  // the same
          std::nextafter(1.0f, 2.0f),  // above 1: everything
          1.5f,
          -0.3f,
          std::numeric_limits<float>::infinity(),
          -std::numeric_limits<float>::infinity(),
          std::numeric_limits<float>::quiet_NaN()};
}

TEST(BernoulliThreshold, TheIntegerTestIsTheFloatTestForEveryDraw) {
  // Exhaustive over the 2^24 values (x >> 40) can take: k < threshold(p)
  // exactly when k * 2^-24 < p in float, as Generator::uniform() < p was.
  for (float p : edge_probabilities()) {
    const uint32_t threshold = bernoulli_threshold(p);
    const auto agree = [&](uint32_t k) {
      return (static_cast<float>(k) * 0x1.0p-24f < p) == (k < threshold);
    };
    int64_t disagreements = 0;
    for (uint32_t k = 0; k < (uint32_t{1} << 24); ++k) disagreements += !agree(k);
    uint32_t first = 0;
    while (disagreements > 0 && agree(first)) ++first;
    EXPECT_EQ(disagreements, 0) << "p = " << std::hexfloat << p << ": threshold " << std::dec
                                << threshold << " disagrees first at k = " << first;
  }
}

TEST(BernoulliThreshold, RandomProbabilitiesSplitAtTheirThreshold) {
  // Away from the edges: for p drawn at random, the float test keeps
  // threshold - 1 and drops threshold.
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  for (int i = 0; i < 100000; ++i) {
    const float p = unit(rng);
    const uint32_t t = bernoulli_threshold(p);
    if (t > 0) {
      ASSERT_LT(static_cast<float>(t - 1) * 0x1.0p-24f, p) << std::hexfloat << p;
    }
    if (t < (uint32_t{1} << 24)) {
      ASSERT_FALSE(static_cast<float>(t) * 0x1.0p-24f < p) << std::hexfloat << p;
    }
  }
}

// Positions to save a state at: fresh, part-way through a block, at its end,
// and just after a twist.
constexpr int kDrawsBeforeSaving[] = {0, 1, 155, 311, 312, 313, 1000};

TEST(MersenneTwister64, AStdStateLoadsAndContinuesTheSame) {
  for (uint64_t seed : {uint64_t{3}, UINT64_MAX}) {
    for (int drawn : kDrawsBeforeSaving) {
      std::mt19937_64 reference(seed);
      for (int i = 0; i < drawn; ++i) reference();
      std::stringstream text;
      text << reference;
      MersenneTwister64 engine(99);
      text >> engine;
      ASSERT_FALSE(text.fail()) << drawn << " drawn";
      std::vector<uint64_t> bulk(500);
      engine.fill(bulk);
      for (size_t i = 0; i < bulk.size(); ++i) ASSERT_EQ(bulk[i], reference()) << i;
      for (int i = 0; i < 500; ++i) ASSERT_EQ(engine(), reference()) << drawn << " drawn, " << i;
    }
  }
}

TEST(MersenneTwister64, ItsStateLoadsIntoStdAndContinuesTheSame) {
  for (int drawn : kDrawsBeforeSaving) {
    MersenneTwister64 engine(5);
    std::vector<uint64_t> skipped(static_cast<size_t>(drawn));
    engine.fill(skipped);  // a bulk draw may leave the index at 312
    std::ostringstream out;
    out << engine;
    std::mt19937_64 reference(7);
    std::istringstream in(out.str());
    in >> reference;
    ASSERT_FALSE(in.fail()) << drawn << " drawn";
    std::mt19937_64 same_seed(5);
    same_seed.discard(static_cast<unsigned long long>(drawn));
    std::ostringstream std_text;
    std_text << same_seed;
    EXPECT_EQ(out.str(), std_text.str()) << "after " << drawn << " draws";
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(engine(), reference()) << drawn << " drawn, " << i;
  }
}

TEST(MersenneTwister64, WritingDoesNotChangeTheStreamsFormat) {
  MersenneTwister64 engine(1);
  std::ostringstream out;
  out << std::hex << std::showbase;
  out << engine << ' ' << 255;
  EXPECT_EQ(out.str().substr(out.str().rfind(' ') + 1), "0xff");
  EXPECT_EQ(out.str().substr(0, 2), "1 ") << "the first word (the seed) in decimal";
}

TEST(MersenneTwister64, ReadingRejectsWhatIsNotAState) {
  MersenneTwister64 reference(4);
  std::ostringstream good;
  good << reference;
  const std::string text = good.str();
  const std::string index_too_large = text.substr(0, text.rfind(' ') + 1) + "313";
  const std::string truncated = text.substr(0, text.size() / 2);
  for (const std::string& bad : {index_too_large, truncated, std::string("not a state")}) {
    MersenneTwister64 engine(4);
    engine();
    const MersenneTwister64 before = engine;
    std::istringstream in(bad);
    in >> engine;
    EXPECT_TRUE(in.fail()) << bad.substr(0, 40);
    EXPECT_TRUE(engine == before) << "a failed read changed the engine";
  }
}

}  // namespace
}  // namespace fulcrum
