#pragma once
// Helpers shared by the loss kernels (private to losses/).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/reduction.hpp"

namespace fulcrum::nn::detail {

/// "[3, 1]": the multi-index of element `flat` of a row-major tensor of `shape`
/// ("" for a scalar), for error messages.
std::string index_string(const Shape& shape, int64_t flat);

/// Throws ValueError "<loss>: <what>[3, 1] is nan" (or inf / -inf) naming the
/// first element of `t` that is not finite.
void check_all_finite(const Tensor& t, const char* loss, const char* what);

/// Where broadcasting reads from: maps the flat index of an element of a tensor
/// of shape `to` to the offset of the element of a (contiguous) tensor of shape
/// `from` that NumPy broadcasting puts there. Requires broadcasts_to(from, to).
/// Adjacent dimensions are merged first, so the usual cases ([C] over [N, C],
/// equal shapes, a scalar) cost at most one division per element.
class BroadcastIndex {
 public:
  BroadcastIndex(const Shape& from, const Shape& to);

  int64_t operator()(int64_t flat) const {
    int64_t offset = 0;
    for (const Dim& d : dims_) offset += (flat / d.inner) % d.size * d.stride;
    return offset;
  }

  /// out[k] = from[(*this)(begin + k)] for k < count, without a division per
  /// element in the usual cases (a scalar, equal shapes, [C] over [N, C]).
  void gather(const float* from, int64_t begin, int64_t count, double* out) const;

 private:
  struct Dim {
    int64_t inner;   ///< elements of `to` per step along this (merged) dimension
    int64_t size;    ///< extent in `to`
    int64_t stride;  ///< step in `from` (never 0: broadcast dimensions are dropped)
  };
  std::vector<Dim> dims_;
};

/// Elements per block of deterministic_sum.
inline constexpr int64_t kSumBlock = 4096;

/// The sum of the terms over [0, n) in double, like deterministic_sum (the same
/// blocks, each added in index order), with the terms computed a chunk at a
/// time: fill(begin, end, out) writes the terms of [begin, end) to out, at
/// most kSumChunk of them, so that a kernel can vectorise across a chunk.
inline constexpr int64_t kSumChunk = 256;
template <typename Fill>
double deterministic_chunked_sum(int64_t n, const Fill& fill, int64_t cost_per_item = 1);

/// The sum of term(i) over [0, n) in double. Fixed blocks are summed in parallel
/// and then added in order, so the result is the same bit for bit for any number
/// of threads (no OpenMP float reduction).
template <typename Term>
double deterministic_sum(int64_t n, const Term& term, int64_t cost_per_item = 1) {
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  if (blocks <= 1) {
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) total += term(i);
    return total;
  }
  std::vector<double> partial(static_cast<size_t>(blocks));
  parallel_for(
      blocks,
      [&](int64_t first, int64_t last) {
        for (int64_t b = first; b < last; ++b) {
          const int64_t end = b * kSumBlock + kSumBlock < n ? b * kSumBlock + kSumBlock : n;
          double s = 0.0;
          for (int64_t i = b * kSumBlock; i < end; ++i) s += term(i);
          partial[static_cast<size_t>(b)] = s;
        }
      },
      kSumBlock * cost_per_item);
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

template <typename Fill>
double deterministic_chunked_sum(int64_t n, const Fill& fill, int64_t cost_per_item) {
  const auto block_sum = [&](int64_t begin, int64_t end) {
    double terms[kSumChunk];
    double s = 0.0;
    for (int64_t chunk = begin; chunk < end; chunk += kSumChunk) {
      const int64_t count = std::min(kSumChunk, end - chunk);
      fill(chunk, chunk + count, terms);
      for (int64_t k = 0; k < count; ++k) s += terms[k];
    }
    return s;
  };
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  if (blocks <= 1) return block_sum(0, n);
  std::vector<double> partial(static_cast<size_t>(blocks));
  parallel_for(
      blocks,
      [&](int64_t first, int64_t last) {
        for (int64_t b = first; b < last; ++b)
          partial[static_cast<size_t>(b)] =
              block_sum(b * kSumBlock, std::min(n, (b + 1) * kSumBlock));
      },
      kSumBlock * cost_per_item);
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

/// The output of an elementwise loss: loss_at(i) for every element of `shape`
/// (None), or their deterministic sum, or that sum over the element count (Mean).
template <typename Term>
Tensor reduce_elementwise(const Shape& shape, const Term& loss_at, Reduction reduction,
                          int64_t cost_per_element) {
  const int64_t n = fulcrum::numel(shape);
  if (reduction == Reduction::None) {
    Tensor out = Tensor::empty(shape);
    float* o = out.data();
    parallel_for(
        n,
        [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) o[i] = static_cast<float>(loss_at(i));
        },
        cost_per_element);
    return out;
  }
  const double total = deterministic_sum(n, loss_at, cost_per_element);
  return Tensor::scalar(
      static_cast<float>(reduction == Reduction::Mean ? total / static_cast<double>(n) : total));
}

/// The gradient reaching element i of an elementwise loss from its output:
/// grad_output[i] (None), grad_output[0] (Sum) or grad_output[0] / n (Mean).
class OutputGrad {
 public:
  OutputGrad(const Tensor& grad_output, Reduction reduction, int64_t n)
      : g_(grad_output.data()),
        elementwise_(reduction == Reduction::None),
        scale_(reduction == Reduction::Mean ? 1.0 / static_cast<double>(n) : 1.0) {}

  double operator()(int64_t i) const {
    return elementwise_ ? static_cast<double>(g_[i]) : g_[0] * scale_;
  }

 private:
  const float* g_;
  bool elementwise_;
  double scale_;
};

}  // namespace fulcrum::nn::detail
