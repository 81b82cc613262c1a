#pragma once
// Class weights for imbalanced data, computed from the training split, and
// the matching correction of the logits of a model trained with pos_weight.

#include <cstdint>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::nn {

/// pos_weight for BCEWithLogitsLoss: negatives / positives per label, so that
/// positives and negatives of every label carry the same total weight.
/// Requires: `targets` of shape [N, C] holding only 0 and 1 (else ShapeError /
///   ValueError naming the first bad element).
/// Ensures: shape [C]. A label with no positive example cannot be balanced; it
///   gets pos_weight 1 (the unweighted loss) and its column index is appended to
///   `labels_without_positives` when that is given. A label whose examples are
///   all positive gets 0 / N = 0 by the same formula (such a label carries no
///   information to learn).
Tensor pos_weight_neg_over_pos(const Tensor& targets,
                               std::vector<int64_t>* labels_without_positives = nullptr);

/// Per-label weight N / (C * positives_c) for a [N, C] 0/1 target matrix:
/// scikit-learn's 'balanced' rule applied to the label frequencies (1 for a
/// label as frequent as 1/C of the rows). Usable as a [C] `weight`.
/// Requires and ensures as pos_weight_neg_over_pos: a label with no positives
/// gets weight 1 and is reported in `labels_without_positives`.
Tensor inverse_frequency_weight(const Tensor& targets,
                                std::vector<int64_t>* labels_without_positives = nullptr);

/// Per-class weight N / (C * count_c) for multi-class index targets, as
/// sklearn.utils.class_weight.compute_class_weight("balanced") with
/// classes = 0..C-1; the `weight` of CrossEntropyLoss.
/// Requires: `class_indices` of shape [N] holding integers in [0, num_classes),
///   num_classes >= 1 (else ValueError naming the first bad element).
/// Ensures: shape [num_classes]. sklearn refuses classes absent from the data;
///   here an absent class gets weight 1 and is reported in `absent_classes`
///   when that is given.
Tensor class_weight_balanced(const Tensor& class_indices, int64_t num_classes,
                             std::vector<int64_t>* absent_classes = nullptr);

/// The logits of a model trained with pos_weight, shifted back so that their
/// sigmoid is a calibrated probability: z - log(pos_weight).
///
/// Why: for a label with prevalence p, the expected pos_weighted loss at logit z is
///   L(z) = pw * p * softplus(-z) + (1 - p) * softplus(z),
///   L'(z) = -pw * p * sigmoid(-z) + (1 - p) * sigmoid(z),
/// which is 0 where e^z = sigmoid(z) / sigmoid(-z) = pw * p / (1 - p), i.e. at
///   z* = logit(p) + log(pw).
/// So a well-trained model's logits are biased up by log(pw), and
/// sigmoid(z - log(pw)) recovers p.
///
/// Requires: pos_weight broadcasts to logits' shape (usually [C] against
///   [N, C]) and is > 0 (else ShapeError / ValueError).
/// Ensures: a new tensor of logits' shape, outside the autodiff graph (this is
///   for inference, not for training).
Tensor recalibrate_pos_weight_logits(const Tensor& logits, const Tensor& pos_weight);

}  // namespace fulcrum::nn
