#pragma once
// Seeded random numbers. The same seed gives the same numbers on every
// platform: the engine produces the sequence of std::mt19937_64 (fully
// specified by the standard; fulcrum's own MersenneTwister64, which also draws
// in bulk) and the distributions are written here, not taken from <random>,
// whose distributions differ between standard libraries.

#include <cstdint>
#include <span>
#include <string>

#include "fulcrum/core/mersenne_twister.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum {

/// Represents: the rows of a batch one process computes when a batch is split
/// across processes (data-parallel training): rows [begin, begin + rows) of a
/// batch of `global` rows. global == 0: the whole batch (not split).
/// Layers that draw one number per element (Dropout) skip the draws of the
/// other rows, so that each row gets the numbers it would get unsplit.
struct RowShard {
  int64_t begin = 0;
  int64_t global = 0;
  bool split() const { return global > 0; }
};

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : engine_(seed) {}
  void seed(uint64_t seed) {
    engine_.seed(seed);
    has_spare_normal_ = false;
  }

  /// Uniform in [0, 1) with 24 random bits, exactly representable in float.
  float uniform() { return static_cast<float>(engine_() >> 40) * 0x1.0p-24f; }
  /// Uniform in [low, high).
  float uniform(float low, float high) { return low + (high - low) * uniform(); }
  /// Standard normal (Box-Muller).
  float normal();
  /// Uniform integer in [0, n).
  uint64_t below(uint64_t n);
  uint64_t next_u64() { return engine_(); }
  /// Skips n draws of uniform() (or next_u64()), as if they were made.
  void discard(uint64_t n) { engine_.discard(n); }

  /// Bulk draws, the same numbers as one call per element: out[i] = the i-th
  /// next uniform() (fill_uniform), or `kept` if it is < p and else 0
  /// (fill_bernoulli).
  void fill_uniform(std::span<float> out) { engine_.fill_uniform(out); }
  void fill_bernoulli(std::span<float> out, float p, float kept = 1.0f) {
    engine_.fill_bernoulli(out, bernoulli_threshold(p), kept);
  }

  /// The rows of the current batch that this process computes (RowShard);
  /// not part of state(): the trainer sets it around each step.
  const RowShard& row_shard() const { return row_shard_; }
  void set_row_shard(RowShard shard) { row_shard_ = shard; }

  /// The full engine state as text (for checkpoints), and its inverse: a run
  /// resumed from a checkpoint draws the same numbers as one never stopped.
  /// The engine's part is libstdc++'s text of std::mt19937_64: states move
  /// between the two unchanged.
  std::string state() const;
  void set_state(const std::string& state);

 private:
  MersenneTwister64 engine_;
  bool has_spare_normal_ = false;
  float spare_normal_ = 0.0f;
  RowShard row_shard_{};
};

/// splitmix64 (Steele, Lea and Flood 2014): a strong 64-bit mixer.
uint64_t splitmix64(uint64_t z);

/// The seed of stream `stream` of `seed`: distinct (seed, stream) pairs give
/// unrelated seeds (mixed rather than added, which would make (1, 0) and
/// (0, 1) the same). Independent generators of one run, or one epoch's
/// shuffle, are seeded this way.
uint64_t derive_seed(uint64_t seed, uint64_t stream);

/// The process-wide generator used when none is passed (like torch's default).
Generator& default_generator();
/// Reseeds the default generator (torch::manual_seed).
void manual_seed(uint64_t seed);

Tensor uniform(const Shape& shape, float low = 0.0f, float high = 1.0f,
               Generator& gen = default_generator());
Tensor normal(const Shape& shape, float mean = 0.0f, float stddev = 1.0f,
              Generator& gen = default_generator());
/// 1 with probability p (where uniform() < p), else 0.
Tensor bernoulli(const Shape& shape, float p, Generator& gen = default_generator());

}  // namespace fulcrum
