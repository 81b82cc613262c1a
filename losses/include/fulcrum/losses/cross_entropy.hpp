#pragma once
// Softmax cross-entropy on logits: PyTorch's CrossEntropyLoss, the loss of
// multi-class heads (one softmax over C classes).

#include <cstdint>

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/reduction.hpp"

namespace fulcrum::nn {

/// Options of CrossEntropyLoss, with LibTorch's names.
struct CrossEntropyLossOptions {
  /// Per-class weight of shape [C]; undefined means all 1.
  Tensor weight{};
  /// Class-index targets equal to this contribute no loss and no gradient and
  /// do not count in the mean. Unused with probability targets.
  int64_t ignore_index = -100;
  /// epsilon in [0, 1]: the target becomes (1 - epsilon) * target + epsilon / C.
  float label_smoothing = 0.0f;
  Reduction reduction = Reduction::Mean;
};

/// Cross-entropy between softmax(input) over dimension 1 and `target`, with
/// log_softmax computed stably (max-shifted log-sum-exp, in double).
///
/// `input` has shape [N, C] or [N, C, d1, ..., dk] (logits, class dimension 1).
/// `target` is recognised by its shape:
///   - class indices: shape [N] or [N, d1, ..., dk] (input's shape without dim 1),
///     a float tensor holding integers in [0, C) or ignore_index. Per position:
///       loss = (1 - eps) * w[y] * (-log p_y) + (eps / C) * sum_c w[c] * (-log p_c)
///     and 0 where y == ignore_index. Mean divides by sum of w[y] over the
///     non-ignored positions (the count of them without weights), for the
///     smoothing term too: PyTorch's formula.
///   - class probabilities: input's shape. Per position, with
///     t' = (1 - eps) * t + eps / C:  loss = sum_c w[c] * t'_c * (-log p_c).
///     Mean divides by the number of positions N * d1 * ... * dk (weights do not).
///
/// Requires: the shapes above; `weight` undefined or of shape [C]; finite input
///   and targets; integer in-range class indices; 0 <= label_smoothing <= 1.
///   Otherwise throws ShapeError naming the shapes, or ValueError naming the
///   first bad element ("cross_entropy: target[1] = 4 is out of range ...").
///   Mean with a zero divisor (every target ignored, or only zero-weight
///   classes) throws ValueError where PyTorch would return nan.
/// Ensures: None gives the per-position loss, shape [N] or [N, d1, ..., dk];
///   Mean and Sum give a scalar, summed in double in a fixed order (the same
///   result for any number of threads).
/// Gradient: only `input` gets one, in a single fused node:
///   d loss / d x_c = softmax_c * sum_k q_k - q_c, where q_k is the coefficient of
///   -log p_k above. `target` and `weight` are constants; the node keeps handles
///   to them, so do not modify them in place before backward().
Tensor cross_entropy(const Tensor& input, const Tensor& target,
                     const CrossEntropyLossOptions& options = {});

/// The module form: holds the options (label_smoothing is checked here already)
/// and computes cross_entropy(input, target, options).
class CrossEntropyLoss {
 public:
  explicit CrossEntropyLoss(CrossEntropyLossOptions options = {});

  Tensor forward(const Tensor& input, const Tensor& target) const;
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return forward(input, target);
  }

  const CrossEntropyLossOptions& options() const { return options_; }

 private:
  CrossEntropyLossOptions options_;
};

}  // namespace fulcrum::nn
