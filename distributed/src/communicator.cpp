// Communicator::allreduce_sum over segments, for communicators that sum one
// contiguous buffer only: gather, sum, scatter back.
#include "fulcrum/distributed/communicator.hpp"

#include <algorithm>
#include <vector>

namespace fulcrum::distributed {

void Communicator::allreduce_sum(std::span<const std::span<float>> segments) {
  size_t total = 0;
  for (const std::span<float> segment : segments) total += segment.size();
  std::vector<float> flat(total);
  float* at = flat.data();
  for (const std::span<float> segment : segments)
    at = std::copy(segment.begin(), segment.end(), at);
  allreduce_sum(std::span<float>(flat));
  const float* from = flat.data();
  for (const std::span<float> segment : segments) {
    std::copy_n(from, segment.size(), segment.begin());
    from += segment.size();
  }
}

}  // namespace fulcrum::distributed
