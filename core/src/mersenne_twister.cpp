// MT19937-64: seeding, the twist, bulk tempering, and libstdc++'s state text.
// The constants are those of [rand.predef] for mt19937_64 (w = 64, n = 312,
// m = 156, r = 31).

#include "fulcrum/core/mersenne_twister.hpp"

#include <algorithm>
#include <cmath>
#include <istream>
#include <ostream>

namespace fulcrum {

namespace {

constexpr int kShift = 156;  // m: the word each new word is mixed with
constexpr uint64_t kUpperMask = ~uint64_t{0} << 31;
constexpr uint64_t kLowerMask = ~kUpperMask;
constexpr uint64_t kTwistMatrix = 0xB5026F5AA96619E9ull;
constexpr uint64_t kSeedMultiplier = 6364136223846793005ull;

// One word of the twist: the upper bit of `upper`, the lower 31 bits of
// `lower`, shifted and mixed into `mixed`. Branch-free (the matrix applies
// when the low bit is set), so the loops below vectorise.
inline uint64_t twisted(uint64_t upper, uint64_t lower, uint64_t mixed) {
  const uint64_t y = (upper & kUpperMask) | (lower & kLowerMask);
  return mixed ^ (y >> 1) ^ ((0 - (y & 1)) & kTwistMatrix);
}

}  // namespace

void MersenneTwister64::seed(uint64_t seed) {
  words_[0] = seed;
  for (int i = 1; i < kStateWords; ++i) {
    const uint64_t previous = words_[i - 1];
    words_[i] = kSeedMultiplier * (previous ^ (previous >> 62)) + static_cast<uint64_t>(i);
  }
  next_ = kStateWords;
}

// In place, in libstdc++'s order, so that the stored words (which its state
// text holds) are the same: the first n - m words mix with words not yet
// replaced, the rest with words already replaced.
void MersenneTwister64::twist() {
  uint64_t* x = words_.data();
  for (int k = 0; k < kStateWords - kShift; ++k) x[k] = twisted(x[k], x[k + 1], x[k + kShift]);
  for (int k = kStateWords - kShift; k < kStateWords - 1; ++k)
    x[k] = twisted(x[k], x[k + 1], x[k + kShift - kStateWords]);
  x[kStateWords - 1] = twisted(x[kStateWords - 1], x[0], x[kShift - 1]);
  next_ = 0;
}

// Calls convert(words, count, offset) block by block until `total` outputs
// are covered: words[0, count) are the untempered words of outputs
// [offset, offset + count).
template <typename Convert>
void MersenneTwister64::for_each_block(size_t total, Convert&& convert) {
  size_t done = 0;
  while (done < total) {
    if (next_ >= kStateWords) twist();
    const size_t count = std::min(total - done, static_cast<size_t>(kStateWords - next_));
    convert(words_.data() + next_, count, done);
    next_ += static_cast<int>(count);
    done += count;
  }
}

void MersenneTwister64::fill(std::span<uint64_t> out) {
  uint64_t* dst = out.data();
  for_each_block(out.size(), [dst](const uint64_t* words, size_t count, size_t offset) {
    for (size_t i = 0; i < count; ++i) dst[offset + i] = temper(words[i]);
  });
}

void MersenneTwister64::fill_bernoulli(std::span<float> out, uint32_t threshold, float kept) {
  float* dst = out.data();
  for_each_block(out.size(),
                 [dst, threshold, kept](const uint64_t* words, size_t count, size_t offset) {
                   for (size_t i = 0; i < count; ++i) {
                     const auto top24 = static_cast<uint32_t>(temper(words[i]) >> 40);
                     dst[offset + i] = top24 < threshold ? kept : 0.0f;
                   }
                 });
}

void MersenneTwister64::fill_uniform(std::span<float> out) {
  float* dst = out.data();
  for_each_block(out.size(), [dst](const uint64_t* words, size_t count, size_t offset) {
    for (size_t i = 0; i < count; ++i) {
      const auto top24 = static_cast<int32_t>(temper(words[i]) >> 40);
      dst[offset + i] = static_cast<float>(top24) * 0x1.0p-24f;
    }
  });
}

void MersenneTwister64::discard(uint64_t n) {
  while (n > static_cast<uint64_t>(kStateWords - next_)) {
    n -= static_cast<uint64_t>(kStateWords - next_);
    twist();
  }
  next_ += static_cast<int>(n);
}

uint32_t bernoulli_threshold(float p) {
  constexpr uint32_t kAll = uint32_t{1} << 24;
  if (!(p > 0.0f)) return 0;  // also NaN
  if (p >= 1.0f) return kAll;
  return static_cast<uint32_t>(std::ceil(static_cast<double>(p) * 0x1.0p24));
}

std::ostream& operator<<(std::ostream& out, const MersenneTwister64& engine) {
  const std::ios_base::fmtflags flags = out.flags();
  out.flags(std::ios_base::dec | std::ios_base::fixed | std::ios_base::left);
  for (uint64_t word : engine.words_) out << word << ' ';
  out << engine.next_;
  out.flags(flags);
  return out;
}

std::istream& operator>>(std::istream& in, MersenneTwister64& engine) {
  const std::ios_base::fmtflags flags = in.flags();
  in.flags(std::ios_base::dec | std::ios_base::skipws);
  MersenneTwister64 read;
  for (uint64_t& word : read.words_) in >> word;
  size_t next = 0;
  in >> next;
  in.flags(flags);
  if (!in.fail() && next > MersenneTwister64::kStateWords) in.setstate(std::ios_base::failbit);
  if (!in.fail()) {
    read.next_ = static_cast<int>(next);
    engine = read;
  }
  return in;
}

}  // namespace fulcrum
