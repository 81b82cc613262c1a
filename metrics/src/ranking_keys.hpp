#pragma once
// ROC-AUC and average precision of float32 scores through 64-bit sort keys:
// what multilabel_metrics runs on every label and on the pooled values of the
// micro averages. A key sorts as an integer, without a comparison function,
// and long runs of keys take a radix sort over the score half only.

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "fulcrum/metrics/ranking.hpp"

namespace fulcrum::metrics::detail {

/// One (score, truth) pair as a key whose ascending order is the scores'
/// descending order: the score's bits, flipped so that a larger score gives a
/// smaller key, in the high half; the truth in the lowest bit.
/// Requires: score is not NaN. Ensures: equal scores, -0 and +0 included,
/// give equal high halves.
inline uint64_t ranking_key(float score, bool truth) {
  uint32_t bits = 0;
  const float canonical = score == 0.0f ? 0.0f : score;
  std::memcpy(&bits, &canonical, sizeof bits);
  const uint32_t ascending = (bits >> 31) != 0 ? ~bits : bits | 0x80000000u;
  return (uint64_t{~ascending} << 32) | (truth ? 1u : 0u);
}

/// Sorts keys ascending by their score half (the order within a tie is left
/// as it falls): std::sort for a few keys, an LSD radix sort for more, with
/// `scratch` as its second buffer.
void sort_ranking_keys(std::span<uint64_t> keys, std::vector<uint64_t>& scratch);

/// ROC-AUC and average precision of sorted keys, with the arithmetic of
/// binary_ranking on the same scores, so the same bits.
BinaryRanking ranking_of_sorted_keys(std::span<const uint64_t> keys);

}  // namespace fulcrum::metrics::detail
