#pragma once
// Class weights for imbalanced data, computed from the training split, and
// the matching correction of the logits of a model trained with pos_weight
// or with class weights.

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

// -- counts ----------------------------------------------------------------------
// The rules below also take per-class counts, so that multi-class heads (index
// targets) and multi-label heads ([N, C] 0/1 targets) share them. Every count
// comes from the training split.

/// Positives per label of a [N, C] matrix of 0/1 (the counts behind the
/// multi-label rules above and below).
/// Requires: shape [N, C], only 0 and 1 (else ShapeError / ValueError naming
///   the first bad element). Ensures: C counts, each in [0, N].
std::vector<int64_t> label_positive_counts(const Tensor& targets);

/// Examples per class of multi-class index targets.
/// Requires: `class_indices` of shape [N] holding integers in [0, num_classes),
///   num_classes >= 1 (else ShapeError / ValueError naming the first bad element).
/// Ensures: num_classes counts summing to N.
std::vector<int64_t> class_counts(const Tensor& class_indices, int64_t num_classes);

/// inverse_frequency_weight from counts: N / (C * count_c), with
/// N = num_examples (the rows of a multi-label matrix, or for multi-class
/// counts their sum, which makes this class_weight_balanced).
/// Requires: at least one count, num_examples >= 1, every count in
///   [0, num_examples] (else ValueError).
/// Ensures: shape [C]; a class with count 0 gets weight 1 and is appended to
///   `empty_classes` when that is given.
Tensor inverse_frequency_weight(const std::vector<int64_t>& counts, int64_t num_examples,
                                std::vector<int64_t>* empty_classes = nullptr);

// -- square-root inverse frequency -------------------------------------------------
/// A milder rebalancing: w_c = sqrt(N / (C * count_c)), the square root of
/// inverse_frequency_weight, elementwise.
///
/// Normalisation: the same reference point as inverse_frequency_weight (weight
/// 1 for a class as frequent as 1/C of the examples), so the two rules can be
/// compared weight by weight: sqrt-inverse weights lie between 1 and the
/// inverse-frequency weights. They do not sum to C (neither do the
/// inverse-frequency ones); only the ratios 1 / sqrt(count_c) are the rule.
/// Requires and ensures as inverse_frequency_weight (zero count: weight 1, reported).
Tensor sqrt_inverse_frequency_weight(const Tensor& targets,
                                     std::vector<int64_t>* labels_without_positives = nullptr);
Tensor sqrt_inverse_frequency_weight(const std::vector<int64_t>& counts, int64_t num_examples,
                                     std::vector<int64_t>* empty_classes = nullptr);

// -- effective number of samples -------------------------------------------------
/// Class-balanced weights of Cui et al. 2019 ("Class-Balanced Loss Based on
/// Effective Number of Samples"): w_c = (1 - beta) / (1 - beta^n_c), then
/// normalised to sum to the number of classes C, as in the paper's code.
/// (1 - beta^n) / (1 - beta) is the "effective number" of n examples: n for
/// beta -> 1 (so the weights approach inverse frequency, normalised to sum to
/// C) and 1 for beta = 0 (all weights 1). The paper uses beta in {0.9, 0.99,
/// 0.999, 0.9999}.
///
/// Counts are positives per label for multi-label targets ([N, C] 0/1: the
/// overload on a Tensor) or examples per class for multi-class (class_counts).
/// Requires: 0 <= beta < 1; at least one count, none negative (else ValueError;
///   the Tensor overload also as label_positive_counts).
/// Ensures: shape [C]. A class with count 0 has no effective number (the
///   formula divides by 0): as in the other helpers it gets weight 1 and is
///   appended to `empty_classes` when given; the other classes are normalised
///   to sum to their own number, so all C weights still sum to C (up to
///   rounding) and every absent class keeps the unweighted loss.
Tensor effective_number_weight(const Tensor& targets, double beta = 0.999,
                               std::vector<int64_t>* labels_without_positives = nullptr);
Tensor effective_number_weight(const std::vector<int64_t>& counts, double beta = 0.999,
                               std::vector<int64_t>* empty_classes = nullptr);

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

/// The logits of a multi-class model trained with CrossEntropyLoss class
/// weights w, shifted back so that their softmax is a calibrated probability:
/// z - log(w) along the class dimension, i.e. softmax(z - log(weight)).
///
/// Why: at an input whose classes have probabilities p_c, the expected
/// weighted loss at logits z is
///   L(z) = -sum_c w_c p_c log softmax(z)_c,
/// a cross-entropy against the unnormalised target w_c p_c, minimised where
///   softmax(z)_c = w_c p_c / sum_k w_k p_k.
/// Then softmax(z - log w)_c is proportional to e^(z_c) / w_c, i.e. to p_c, and
/// sums to 1, so softmax(z - log w) = p. (The same argument as
/// recalibrate_pos_weight_logits, with softmax for sigmoid.)
///
/// Requires: logits of shape [N, C] or [N, C, d1, ...] (class dimension 1, as
///   cross_entropy) or a single row [C]; class_weight of shape [C], positive
///   and finite (else ShapeError / ValueError naming the element).
/// Ensures: a new tensor of logits' shape, outside the autodiff graph (this is
///   for inference, not for training).
Tensor recalibrate_class_weight_logits(const Tensor& logits, const Tensor& class_weight);

}  // namespace fulcrum::nn
