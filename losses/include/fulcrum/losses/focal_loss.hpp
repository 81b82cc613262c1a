#pragma once
// Sigmoid focal loss (Lin et al. 2017, "Focal Loss for Dense Object
// Detection"), with torchvision.ops.sigmoid_focal_loss's formula and defaults:
// binary cross-entropy on logits scaled down where the model is already right,
// so that the many easy examples of a rare label do not swamp the hard ones.

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/reduction.hpp"

namespace fulcrum::nn {

/// Options of the sigmoid focal loss, with torchvision's names and defaults
/// for alpha and gamma.
///
/// One difference from torchvision: torchvision.ops.sigmoid_focal_loss defaults
/// to reduction "none"; here the default is Mean, like every other fulcrum
/// loss, so that the module can be used directly as a training objective.
/// Set reduction = Reduction::None for torchvision's default.
struct SigmoidFocalLossOptions {
  /// Weight of the positive term; the negative term gets 1 - alpha. A negative
  /// value (torchvision uses -1) disables the weighting. Must be <= 1.
  float alpha = 0.25f;
  /// Focusing exponent of (1 - p_t); 0 gives binary cross-entropy. Must be >= 0.
  float gamma = 2.0f;
  Reduction reduction = Reduction::Mean;
};

/// torchvision's sigmoid focal loss, elementwise:
///
///   p    = sigmoid(x)
///   ce   = binary_cross_entropy_with_logits(x, t, {.reduction = Reduction::None})
///   p_t  = p * t + (1 - p) * (1 - t)
///   loss = ce * (1 - p_t)^gamma
///   if alpha >= 0:  loss *= alpha * t + (1 - alpha) * (1 - t)
///
/// computed in double as 1 - p_t = p * (1 - t) + (1 - p) * t with p and 1 - p
/// each formed without cancellation, and ce from softplus, so the loss and its
/// gradient are accurate and finite for every finite logit.
///
/// Requires: `target` has exactly `input`'s shape and values in [0, 1] (soft
///   targets are allowed); `input` is finite; options.gamma >= 0 and
///   options.alpha <= 1, both finite. Otherwise throws ShapeError naming both
///   shapes, or ValueError naming the option or the first bad element
///   ("sigmoid_focal_loss: input[3, 1] is nan").
/// Ensures: reduction None gives the elementwise loss in `input`'s shape; Mean
///   the mean over all elements; Sum the sum. Sums are accumulated in double in
///   a fixed order (the same result for any number of threads). With gamma = 0
///   and alpha < 0 the result is binary_cross_entropy_with_logits(input, target,
///   {.reduction = options.reduction}).
/// Gradient: only `input` gets one, in a single fused node, per element
///   a_t * [((1 - t) p - t (1 - p)) (1 - p_t)^gamma
///          + gamma * ce * (1 - p_t)^(gamma - 1) * p (1 - p) (1 - 2t)]
///   (a_t the alpha factor, 1 when disabled). The modulating factor is
///   differentiated, as torchvision's autograd does. `target` is a constant;
///   the node keeps a handle to it, so do not modify it in place before backward().
Tensor sigmoid_focal_loss(const Tensor& input, const Tensor& target,
                          const SigmoidFocalLossOptions& options = {});

/// The module form: holds the options (checked here already) and computes
/// sigmoid_focal_loss(input, target, options).
class SigmoidFocalLoss {
 public:
  explicit SigmoidFocalLoss(SigmoidFocalLossOptions options = {});

  Tensor forward(const Tensor& input, const Tensor& target) const;
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return forward(input, target);
  }

  const SigmoidFocalLossOptions& options() const { return options_; }

 private:
  SigmoidFocalLossOptions options_;
};

}  // namespace fulcrum::nn
