#pragma once
// Binary cross-entropy on logits: PyTorch's BCEWithLogitsLoss, the loss of
// multi-label classifiers (one independent sigmoid per label).

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/reduction.hpp"

namespace fulcrum::nn {

/// Options of BCEWithLogitsLoss, with LibTorch's names. An undefined tensor
/// means "not given" (a weight of 1).
struct BCEWithLogitsLossOptions {
  /// Rescales each element's loss; must broadcast to the input's shape
  /// (e.g. [C] per label, [N, 1] per sample).
  Tensor weight{};
  /// Multiplies the positive term (target * log sigmoid); must broadcast to the
  /// input's shape, usually [C] = negatives / positives per label
  /// (see class_weights.hpp).
  Tensor pos_weight{};
  Reduction reduction = Reduction::Mean;
};

/// Binary cross-entropy between sigmoid(input) and target, computed from the
/// logits `input` without forming the sigmoid:
///
///   loss = w * [(1 - t) * softplus(x) + pw * t * softplus(-x)]
///        = w * [(1 - t) * x + (1 + (pw - 1) * t) * (log1p(exp(-|x|)) + max(-x, 0))]
///
/// with w = options.weight and pw = options.pos_weight (1 where undefined),
/// reduced by options.reduction. (The second line is PyTorch's formula; the
/// first has no cancellation, so it is accurate and finite for every finite
/// logit.) The two weights are named fields, not positional arguments, because
/// they have the same type and swapping them would still compile:
///
///   binary_cross_entropy_with_logits(x, t, {.pos_weight = pw});
///   binary_cross_entropy_with_logits(x, t, {.weight = w, .reduction = Reduction::Sum});
///
/// Requires: `target` has exactly `input`'s shape and values in [0, 1] (soft
///   targets are allowed); `weight` and `pos_weight` are undefined or broadcast
///   (NumPy rules) to `input`'s shape without enlarging it; `input` is finite.
///   Otherwise throws ShapeError naming all the shapes, or ValueError naming
///   the first bad element ("binary_cross_entropy_with_logits: input[3, 1] is nan").
/// Ensures: reduction None gives the elementwise loss in `input`'s shape; Mean the
///   plain mean over all elements (weights do not divide); Sum the sum. Sums are
///   accumulated in double in a fixed order, so results do not depend on the
///   number of threads.
/// Gradient: only `input` gets one, w * [(1 - t) * sigmoid(x) - pw * t * sigmoid(-x)]
///   per element, written by a single fused backward node. `target`, `weight` and
///   `pos_weight` are constants (no gradient, even if they require one); the node
///   keeps handles to them, so do not modify them in place before backward().
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BCEWithLogitsLossOptions& options = {});

/// The module form: holds the options, computes
/// binary_cross_entropy_with_logits(input, target, options).
class BCEWithLogitsLoss {
 public:
  explicit BCEWithLogitsLoss(BCEWithLogitsLossOptions options = {});

  Tensor forward(const Tensor& input, const Tensor& target) const;
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return forward(input, target);
  }

  const BCEWithLogitsLossOptions& options() const { return options_; }

 private:
  BCEWithLogitsLossOptions options_;
};

}  // namespace fulcrum::nn
