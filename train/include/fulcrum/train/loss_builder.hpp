#pragma once
// Building each head's loss from the `loss` section of its config, with the
// class / label weights computed from the TRAINING split only.

#include <string>
#include <vector>

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/losses/reduction.hpp"
#include "fulcrum/train/config.hpp"

namespace fulcrum::train {

/// Represents: the loss of one head, with its weights resolved to numbers.
/// multilabel: binary_cross_entropy_with_logits(logits [B, L], targets [B, L],
///   weight, pos_weight); multiclass: cross_entropy(logits [B, K], class
///   indices [B], weight, ignore_index, label_smoothing).
/// Weight rules (WeightSpec), resolved on the training targets:
///   none               undefined tensor (every weight 1);
///   neg_over_pos       negatives / positives per label (multilabel only);
///   inverse_frequency  N / (L * positives) per label (multilabel), or
///                      N / (K * count) per class (multiclass; scikit-learn's
///                      "balanced");
///   values             the numbers given, one per label / class.
/// A label with no positive example in the training split (a class absent from
/// it) cannot be balanced: it gets weight 1, i.e. the unweighted loss (the rule
/// of losses/class_weights.hpp), and is listed in labels_without_positives so
/// the trainer can warn about it.
struct HeadLoss {
  std::string head;
  std::string kind;  ///< multilabel | multiclass
  double head_weight = 1.0;
  Tensor weight;      ///< [L] or [K]; undefined: none
  Tensor pos_weight;  ///< [L] (multilabel); undefined: none
  nn::Reduction reduction = nn::Reduction::Mean;
  float label_smoothing = 0.0f;
  int64_t ignore_index = -100;
  /// Names of the labels (classes) the rules could not balance.
  std::vector<std::string> labels_without_positives;

  /// The loss of a batch: logits from the head, targets from the dataset.
  Tensor operator()(const Tensor& logits, const Tensor& targets) const;
};

/// Resolves `head`'s loss against `train_target`, the head's targets in the
/// training split. Throws ConfigError naming the key
/// ("model.heads.labels.loss.pos_weight") for a rule that does not apply to the
/// head's kind, or a list of values whose length is not the label / class count
/// (both lengths named).
HeadLoss build_head_loss(const HeadConfig& head, const data::Target& train_target);

/// build_head_loss for every head of `model`, against the target of the same
/// name in `train` (the training split).
std::vector<HeadLoss> build_losses(const ModelConfig& model, const data::Dataset& train);

/// The resolved values as a plain list (empty for an undefined tensor), for
/// summaries and checkpoint metadata.
std::vector<double> weight_values(const Tensor& weight);

}  // namespace fulcrum::train
