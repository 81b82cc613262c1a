#include "ranking_keys.hpp"

#include <algorithm>
#include <utility>

namespace fulcrum::metrics::detail {

namespace {

// LSD radix sort of keys by their high 32 bits, kDigit bits a pass. One read
// counts every pass's digits; a pass whose digit is the same for every key
// moves nothing and is skipped.
template <int kDigit>
void radix_sort_high_half(std::span<uint64_t> keys, std::vector<uint64_t>& scratch) {
  constexpr int kPasses = (32 + kDigit - 1) / kDigit;
  constexpr size_t kBuckets = size_t{1} << kDigit;
  constexpr uint64_t kMask = kBuckets - 1;
  std::vector<size_t> counts(kPasses * kBuckets, 0);
  for (const uint64_t key : keys)
    for (int pass = 0; pass < kPasses; ++pass)
      ++counts[static_cast<size_t>(pass) * kBuckets + ((key >> (32 + pass * kDigit)) & kMask)];
  scratch.resize(keys.size());
  std::span<uint64_t> from = keys, to{scratch.data(), keys.size()};
  for (int pass = 0; pass < kPasses; ++pass) {
    const std::span<size_t> count{counts.data() + static_cast<size_t>(pass) * kBuckets, kBuckets};
    if (*std::max_element(count.begin(), count.end()) == keys.size()) continue;
    size_t offset = 0;
    for (size_t& c : count) offset += std::exchange(c, offset);
    const int shift = 32 + pass * kDigit;
    for (const uint64_t key : from) to[count[(key >> shift) & kMask]++] = key;
    std::swap(from, to);
  }
  if (from.data() != keys.data()) std::copy(from.begin(), from.end(), keys.begin());
}

}  // namespace

void sort_ranking_keys(std::span<uint64_t> keys, std::vector<uint64_t>& scratch) {
  // Comparison sorts win on a few keys; 8-bit digits keep the counts in L1
  // for a label's column, 11-bit digits take one pass fewer over long runs.
  if (keys.size() < 256) {
    std::sort(keys.begin(), keys.end());
  } else if (keys.size() < (size_t{1} << 16)) {
    radix_sort_high_half<8>(keys, scratch);
  } else {
    radix_sort_high_half<11>(keys, scratch);
  }
}

BinaryRanking ranking_of_sorted_keys(std::span<const uint64_t> keys) {
  if (keys.empty()) return {};
  double positives = 0;
  for (const uint64_t key : keys) positives += static_cast<double>(key & 1);
  const double negatives = static_cast<double>(keys.size()) - positives;
  // One point of the classifier curve after each tie's last member; the
  // trapezoid of the ROC curve and the precision step of AP at each point.
  double tp = 0, fp = 0;
  double area = 0, prev_fpr = 0, prev_tpr = 0;
  double ap = 0, prev_recall = 0;
  for (size_t k = 0; k < keys.size(); ++k) {
    const auto y = static_cast<double>(keys[k] & 1);
    tp += y;
    fp += 1.0 - y;
    const bool last_of_tie = k + 1 == keys.size() || (keys[k + 1] >> 32) != (keys[k] >> 32);
    if (!last_of_tie) continue;
    if (negatives != 0 && positives != 0) {
      const double fpr = fp / negatives, tpr = tp / positives;
      area += (fpr - prev_fpr) * (tpr + prev_tpr) / 2;
      prev_fpr = fpr;
      prev_tpr = tpr;
    }
    if (positives != 0) {
      const double precision = tp / (tp + fp), recall = tp / positives;
      ap += (recall - prev_recall) * precision;
      prev_recall = recall;
    }
  }
  BinaryRanking ranking;
  if (positives != 0 && negatives != 0) ranking.roc_auc = area;
  if (positives != 0) ranking.average_precision = ap;
  return ranking;
}

}  // namespace fulcrum::metrics::detail
