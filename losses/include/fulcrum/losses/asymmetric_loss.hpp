#pragma once
// Asymmetric loss (Ridnik et al. 2021, "Asymmetric Loss For Multi-Label
// Classification"), following the official implementation (Alibaba-MIIL/ASL,
// src/loss_functions/losses.py, class AsymmetricLoss): separate focusing
// exponents for positives and negatives, and a probability margin that
// discards easy negatives entirely, for labels with few positives.

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/reduction.hpp"

namespace fulcrum::nn {

/// Options of the asymmetric loss. gamma_neg = 4, gamma_pos = 0, clip = 0.05
/// are the paper's recommended values (the official AsymmetricLoss class
/// defaults to gamma_pos = 1; its training script uses 0). eps = 1e-8 is the
/// reference's.
struct AsymmetricLossOptions {
  float gamma_pos = 0.0f;  ///< focusing exponent of positives, >= 0
  float gamma_neg = 4.0f;  ///< focusing exponent of negatives, >= 0
  /// Probability margin m in [0, 1] shifting the negatives' probability:
  /// 1 - p becomes min(1 - p + m, 1), so negatives with p <= m contribute
  /// nothing. 0 disables it (the reference also skips it for clip <= 0).
  float clip = 0.05f;
  /// Lower clamp of the probabilities inside the logs, in (0, 1).
  float eps = 1e-8f;
  /// The reference implementation returns -loss.sum(); Mean divides that by
  /// the number of elements, None keeps them.
  Reduction reduction = Reduction::Sum;
};

/// The official AsymmetricLoss, elementwise (x a logit, y a target):
///
///   xs_pos = sigmoid(x)
///   xs_neg = 1 - sigmoid(x);  if clip > 0: xs_neg = min(xs_neg + clip, 1)
///   L      = y * log(max(xs_pos, eps)) + (1 - y) * log(max(xs_neg, eps))
///   pt     = xs_pos * y + xs_neg * (1 - y)
///   gamma  = gamma_pos * y + gamma_neg * (1 - y)
///   loss   = -L * (1 - pt)^gamma
///
/// in double, with sigmoid(x), 1 - sigmoid(x), their logs and 1 - pt each
/// formed without cancellation, so every finite logit gives finite values.
///
/// The focusing weight (1 - pt)^gamma is differentiated: the reference with
/// disable_torch_grad_focal_loss=False (or with its set_grad_enabled lines
/// commented out, as some versions of losses.py have them). With the weight
/// detached instead (the reference's disable_torch_grad_focal_loss=True) the
/// loss value is the same but the gradient differs.
///
/// Requires: `target` has exactly `input`'s shape and values in [0, 1] (the
///   reference expects 0/1; soft targets follow the same formula); `input`
///   finite; options.gamma_pos, gamma_neg >= 0, clip in [0, 1], eps in (0, 1),
///   all finite. Otherwise throws ShapeError naming both shapes, or ValueError
///   naming the option or the first bad element ("asymmetric_loss: input[0, 2] is nan").
/// Ensures: reduction Sum (the default) is the reference's value; Mean the sum
///   divided by the number of elements; None the elementwise losses. Sums are
///   accumulated in double in a fixed order. With gamma_pos = gamma_neg = 0 and
///   clip = 0 the loss equals binary_cross_entropy_with_logits(input, target,
///   {.reduction = Reduction::Sum}) wherever eps does not clamp (|x| < ~18.4).
/// Gradient: only `input` gets one, in a single fused node, the derivative of the
///   formula above with the conventions of PyTorch's autograd: a clamp passes no
///   gradient where it clamps (xs_pos < eps, xs_neg < eps, or xs_neg + clip > 1),
///   and (1 - pt)^gamma contributes none where gamma is 0 or pt is locally
///   constant. `target` is a constant; the node keeps a handle to it, so do not
///   modify it in place before backward().
Tensor asymmetric_loss(const Tensor& input, const Tensor& target,
                       const AsymmetricLossOptions& options = {});

/// The module form: holds the options (checked here already) and computes
/// asymmetric_loss(input, target, options).
class AsymmetricLoss {
 public:
  explicit AsymmetricLoss(AsymmetricLossOptions options = {});

  Tensor forward(const Tensor& input, const Tensor& target) const;
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return forward(input, target);
  }

  const AsymmetricLossOptions& options() const { return options_; }

 private:
  AsymmetricLossOptions options_;
};

}  // namespace fulcrum::nn
