#include "loss_support.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "fulcrum/core/error.hpp"

namespace fulcrum::nn::detail {

std::string index_string(const Shape& shape, int64_t flat) {
  if (shape.empty()) return "";
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return fmt::format("[{}]", fmt::join(index, ", "));
}

void check_all_finite(const Tensor& t, const char* loss, const char* what) {
  const float* x = t.data();
  const int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]))
      throw_value_error(
          fmt::format("{}: {}{} is {}", loss, what, index_string(t.shape(), i), x[i]));
  }
}

BroadcastIndex::BroadcastIndex(const Shape& from, const Shape& to) {
  const size_t nd = to.size();
  const size_t pad = nd - from.size();  // broadcasts_to guarantees from.size() <= nd
  // Walk from the innermost dimension outwards, merging a dimension into the
  // previous one when its stride continues it (equal shapes, or both broadcast).
  struct Run {
    int64_t size, stride;
  };
  std::vector<Run> runs;
  int64_t from_stride = 1;
  for (size_t d = nd; d-- > 0;) {
    const int64_t from_size = d >= pad ? from[d - pad] : 1;
    const int64_t stride = from_size == 1 ? 0 : from_stride;
    from_stride *= from_size;
    if (to[d] == 1) continue;
    if (!runs.empty() && stride == runs.back().stride * runs.back().size)
      runs.back().size *= to[d];
    else
      runs.push_back({to[d], stride});
  }
  int64_t inner = 1;
  for (const Run& r : runs) {
    if (r.stride != 0) dims_.push_back({inner, r.size, r.stride});
    inner *= r.size;
  }
}

void BroadcastIndex::gather(const float* from, int64_t begin, int64_t count, double* out) const {
  if (dims_.empty()) {  // every element reads from[0]
    std::fill(out, out + count, static_cast<double>(from[0]));
    return;
  }
  if (dims_.size() == 1 && dims_[0].inner == 1 && dims_[0].stride == 1) {
    // Contiguous and repeating every `size` elements (equal shapes: never).
    const int64_t size = dims_[0].size;
    int64_t at = begin % size;
    for (int64_t k = 0; k < count; ++k) {
      out[k] = from[at];
      if (++at == size) at = 0;
    }
    return;
  }
  for (int64_t k = 0; k < count; ++k) out[k] = from[(*this)(begin + k)];
}

}  // namespace fulcrum::nn::detail
