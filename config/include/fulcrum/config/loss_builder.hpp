#pragma once
// Building each head's loss from the `loss` section of its config, with the
// class / label weights computed from the TRAINING split only.

#include <string>
#include <vector>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/losses/head_loss.hpp"

namespace fulcrum::config {

/// The loss of a head, by its LossConfig::kind (every kind uses the config's
/// `reduction`):
///   bce             binary_cross_entropy_with_logits(logits [B, L], targets
///                   [B, L], {weight, pos_weight});
///   focal           sigmoid_focal_loss (torchvision's formula; alpha, gamma);
///   asymmetric      asymmetric_loss (gamma_pos, gamma_neg, clip). Its reference
///                   implementation sums over the elements; here the reduction
///                   is the config's (default mean, like every other head's
///                   loss, so head_weight and the learning rate mean the same
///                   for every kind); `reduction: sum` gives the reference value;
///   cross_entropy   cross_entropy(logits [B, K], class indices [B], {weight,
///                   ignore_index, label_smoothing});
///   logit_adjusted  logit_adjusted_cross_entropy with the training split's
///                   class priors and tau (and cross_entropy's options).
/// Weight rules (WeightSpec), resolved on the training targets:
///   none               undefined tensor (every weight 1);
///   neg_over_pos       negatives / positives per label (multilabel only);
///   inverse_frequency  N / (L * positives) per label (multilabel), or
///                      N / (K * count) per class (multiclass; scikit-learn's
///                      "balanced");
///   sqrt_inverse_frequency  the square root of inverse_frequency;
///   effective_number   Cui et al. 2019's (1 - beta) / (1 - beta^n), normalised
///                      to sum to L (K), beta = loss.effective_number_beta;
///   values             the numbers given, one per label / class.
/// A label with no positive example in the training split (a class absent from
/// it) cannot be balanced: it gets weight 1, i.e. the unweighted loss (the rule
/// of losses/class_weights.hpp), and is listed in the HeadLoss's
/// labels_without_positives so the trainer can warn about it.
///
/// Resolves `head`'s loss against `train_target`, the head's targets in the
/// training split. Throws ConfigError naming the key
/// ("model.heads.labels.loss.pos_weight") for a rule that does not apply to the
/// head's kind, or a list of values whose length is not the label / class count
/// (both lengths named), or logit_adjusted with a class absent from the
/// training split (its prior would be 0).
nn::HeadLoss build_head_loss(const HeadConfig& head, const data::Target& train_target);

/// build_head_loss for every head of `model`, against the target of the same
/// name in `train` (the training split).
std::vector<nn::HeadLoss> build_losses(const ModelConfig& model, const data::Dataset& train);

/// The inverse of build_head_loss on a resolved loss: its kind, options and
/// weights as numbers (rule values), so that build_head_loss builds the same
/// loss again without the training split. What a checkpoint stores.
/// (AsymmetricLossOptions::eps has no config key: it must be the default.)
LossConfig describe_loss(const nn::HeadLoss& loss);

/// The resolved values as a plain list (empty for an undefined tensor), for
/// summaries and checkpoint metadata.
std::vector<double> weight_values(const Tensor& weight);

}  // namespace fulcrum::config
