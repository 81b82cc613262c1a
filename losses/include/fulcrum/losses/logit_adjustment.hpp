#pragma once
// Logit adjustment (Menon et al. 2021, "Long-tail learning via logit
// adjustment") for multi-class heads: shift each class's logit by
// tau * log(prior) so that the softmax cross-entropy stops favouring the
// frequent classes, either inside the loss while training or after training.

#include <cstdint>
#include <vector>

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/cross_entropy.hpp"

namespace fulcrum::nn {

/// The class priors pi_c = n_c / sum_k n_k of the training split, from its
/// per-class example counts (see class_counts in class_weights.hpp).
/// Requires: at least one class, every count > 0 (else ValueError naming the
///   class: an absent class has log prior -inf, which no logit shift can use).
/// Ensures: shape [C], positive, summing to 1 (up to float rounding).
Tensor class_priors(const std::vector<int64_t>& counts);

/// The logit-adjusted loss (Menon et al. eq. 10):
///
///   cross_entropy(input + tau * log(class_priors), target, options)
///
/// with the shift added along the class dimension 1. Training on it makes the
/// plain argmax of the model's logits estimate the class that is best on
/// average over classes (balanced error), not the most frequent one: the loss
/// is minimised where softmax(z + tau log pi) is the training posterior, i.e.
/// where z itself carries the posterior divided by pi^tau. tau = 1 is the
/// paper's default; tau = 0 gives plain cross-entropy.
///
/// Only the ratios of the priors matter (a common factor shifts every logit by
/// the same amount, which softmax ignores), so counts work as well as frequencies.
///
/// Requires: what cross_entropy requires of input, target and options (input
///   [N, C] or [N, C, d1, ...], index or probability targets, ...); class_priors
///   of shape [C], every value positive and finite; tau finite. Otherwise
///   throws ShapeError / ValueError naming the problem ("logit_adjusted_cross_entropy:
///   class_priors[2] = 0 must be positive and finite").
/// Ensures: the value of cross_entropy on the shifted logits (each shifted
///   logit is formed in double and rounded once).
/// Gradient: the shift is a constant, so d/d input is cross_entropy's gradient
///   at the shifted logits (two nodes: the shift passes the gradient through).
Tensor logit_adjusted_cross_entropy(const Tensor& input, const Tensor& target,
                                    const Tensor& class_priors, float tau = 1.0f,
                                    const CrossEntropyLossOptions& options = {});

/// Post-hoc logit adjustment (Menon et al. eq. 9): logits - tau * log(priors)
/// along the class dimension, for a model trained with plain cross-entropy.
/// Its argmax estimates the balanced-error-optimal class: the trained logits
/// carry log p(y|x) = log p(x|y) + log pi_y + const, and subtracting log pi_y
/// (tau = 1) leaves log p(x|y), i.e. the posterior under uniform priors.
///
/// Do not apply it to a model trained with logit_adjusted_cross_entropy: that
/// model's logits are already adjusted.
///
/// Requires: logits of shape [N, C] or [N, C, d1, ...] (class dimension 1) or
///   a single row [C] (class dimension 0); priors of shape [C], positive and
///   finite; tau finite (else ShapeError / ValueError).
/// Ensures: a new tensor of logits' shape, outside the autodiff graph (this is
///   for inference, not for training).
Tensor logit_adjust(const Tensor& logits, const Tensor& priors, float tau = 1.0f);

/// Options of the module form of logit_adjusted_cross_entropy.
struct LogitAdjustedCrossEntropyLossOptions {
  Tensor class_priors{};  ///< [C], positive: the training split's class frequencies
  float tau = 1.0f;       ///< scale of the adjustment; Menon et al.'s default 1
  CrossEntropyLossOptions cross_entropy{};  ///< weight, ignore_index, smoothing, reduction
};

/// The module form: holds the options (priors and tau are checked here
/// already) and computes logit_adjusted_cross_entropy(input, target,
/// class_priors, tau, cross_entropy).
class LogitAdjustedCrossEntropyLoss {
 public:
  explicit LogitAdjustedCrossEntropyLoss(LogitAdjustedCrossEntropyLossOptions options);

  Tensor forward(const Tensor& input, const Tensor& target) const;
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return forward(input, target);
  }

  const LogitAdjustedCrossEntropyLossOptions& options() const { return options_; }

 private:
  LogitAdjustedCrossEntropyLossOptions options_;
};

}  // namespace fulcrum::nn
