#pragma once
// MT19937-64 (Matsumoto and Nishimura), the engine behind fulcrum's Generator,
// with bulk draws: the numbers of std::mt19937_64 without one call per number.

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>

namespace fulcrum {

/// Represents: the 64-bit Mersenne Twister, producing exactly the sequence of
/// std::mt19937_64 for the same seed, whether drawn one at a time (operator())
/// or in bulk (fill, fill_bernoulli, fill_uniform), in any mix of the two.
/// Its state is laid out as libstdc++ lays out std::mt19937_64 (312 words and
/// the index of the next one to temper), so operator<< and operator>> read and
/// write the same text as libstdc++'s, and states move between the two.
/// Bulk draws twist a block of 312 words at a time, then temper and convert
/// a block in one plain loop, which the compiler vectorises.
class MersenneTwister64 {
 public:
  static constexpr int kStateWords = 312;
  static constexpr uint64_t kDefaultSeed = 5489;

  /// Ensures: the state std::mt19937_64(seed) has.
  explicit MersenneTwister64(uint64_t seed = kDefaultSeed) { this->seed(seed); }
  void seed(uint64_t seed);

  /// The next 64-bit output.
  uint64_t operator()() {
    if (next_ >= kStateWords) twist();
    return temper(words_[next_++]);
  }

  /// Ensures: out[i] is the i-th next output.
  void fill(std::span<uint64_t> out);
  /// Ensures: out[i] = kept if (x_i >> 40) < threshold else 0, x_i the i-th
  /// next output. bernoulli_threshold(p) makes this `uniform() < p`.
  void fill_bernoulli(std::span<float> out, uint32_t threshold, float kept = 1.0f);
  /// Ensures: out[i] = (x_i >> 40) * 2^-24, uniform in [0, 1), x_i the i-th
  /// next output.
  void fill_uniform(std::span<float> out);
  /// Ensures: the state after n outputs, skipping whole blocks untempered.
  void discard(uint64_t n);

  friend bool operator==(const MersenneTwister64&, const MersenneTwister64&) = default;

  /// The state as libstdc++ writes std::mt19937_64: the 312 words, each
  /// followed by a space, then the index; decimal.
  friend std::ostream& operator<<(std::ostream& out, const MersenneTwister64& engine);
  /// Reads what operator<< (or libstdc++'s for std::mt19937_64) wrote. Sets
  /// failbit, leaving `engine` unchanged, on anything else (an index above 312).
  friend std::istream& operator>>(std::istream& in, MersenneTwister64& engine);

 private:
  static uint64_t temper(uint64_t x) {
    x ^= (x >> 29) & 0x5555555555555555ull;
    x ^= (x << 17) & 0x71D67FFFEDA60000ull;
    x ^= (x << 37) & 0xFFF7EEE000000000ull;
    return x ^ (x >> 43);
  }
  /// Replaces all 312 words by the next block; next_ = 0.
  void twist();
  template <typename Convert>
  void for_each_block(size_t total, Convert&& convert);

  std::array<uint64_t, kStateWords> words_{};
  int next_ = kStateWords;  // the word operator() tempers next; 312: twist first
};

/// The threshold for which (x >> 40) < threshold exactly when
/// (x >> 40) * 2^-24 < p in float, for every 64-bit x: ceil(p * 2^24), clamped
/// to [0, 2^24] (NaN gives 0, as a comparison with NaN is false).
/// (x >> 40) * 2^-24 is exact in float and scaling by 2^24 is exact, so
/// k * 2^-24 < p  <=>  k < p * 2^24  <=>  k < ceil(p * 2^24) for an integer k.
uint32_t bernoulli_threshold(float p);

}  // namespace fulcrum
