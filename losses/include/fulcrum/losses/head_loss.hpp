#pragma once
// The loss of one head of a multi-head model as a value: which loss it is
// (LossKind), the weights it was built with, and a callable made once from the
// loss's options. A training step calls it; no name or kind is compared per
// batch.
//
// ```cpp
// using namespace fulcrum::nn;
// fulcrum::Tensor pw = fulcrum::Tensor::from({2}, {4.0f, 9.0f});
// fulcrum::Tensor w = fulcrum::Tensor::from({3}, {1.0f, 2.0f, 0.5f});
// HeadLoss labels = make_head_loss("labels", BCEWithLogitsLossOptions{.pos_weight = pw});
// HeadLoss plot = make_head_loss("plot", CrossEntropyLossOptions{.weight = w}, 0.5);
// fulcrum::Tensor logits = fulcrum::Tensor::from({1, 2}, {0.3f, -1.0f});
// fulcrum::Tensor targets = fulcrum::Tensor::from({1, 2}, {1.0f, 0.0f});
// fulcrum::Tensor loss = labels(logits, targets);
//   // binary_cross_entropy_with_logits(logits, targets, {.pos_weight = pw})
// plot.task();         // TaskKind::MultiClass
// fulcrum::name_of(plot.kind);  // "cross_entropy"
// ```

#include <functional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/losses/asymmetric_loss.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/losses/focal_loss.hpp"
#include "fulcrum/losses/logit_adjustment.hpp"

namespace fulcrum::nn {

/// Which loss a head trains with:
///   BCE            binary_cross_entropy_with_logits   (multi-label)
///   Focal          sigmoid_focal_loss                 (multi-label)
///   Asymmetric     asymmetric_loss                    (multi-label)
///   CrossEntropy   cross_entropy                      (multi-class)
///   LogitAdjusted  logit_adjusted_cross_entropy       (multi-class)
enum class LossKind { BCE, Focal, Asymmetric, CrossEntropy, LogitAdjusted };

/// "bce", "focal", "asymmetric", "cross_entropy", "logit_adjusted": the names
/// configs and checkpoints use, read with parse_name<LossKind> and written
/// with name_of.
inline std::span<const Named<LossKind>> name_table(LossKind) {
  static constexpr Named<LossKind> kTable[] = {{LossKind::BCE, "bce"},
                                               {LossKind::Focal, "focal"},
                                               {LossKind::Asymmetric, "asymmetric"},
                                               {LossKind::CrossEntropy, "cross_entropy"},
                                               {LossKind::LogitAdjusted, "logit_adjusted"}};
  return kTable;
}

/// The task a loss is for: MultiLabel for BCE, Focal and Asymmetric (one
/// sigmoid per label, targets of the logits' shape in [0, 1]); MultiClass for
/// CrossEntropy and LogitAdjusted (one softmax over the classes, class-index
/// or probability targets).
/// Requires: `kind` is an enumerator (else ValueError).
TaskKind task_of(LossKind kind);

/// The options of any of the five losses: what a HeadLoss was made from.
using LossOptions =
    std::variant<BCEWithLogitsLossOptions, SigmoidFocalLossOptions, AsymmetricLossOptions,
                 CrossEntropyLossOptions, LogitAdjustedCrossEntropyLossOptions>;

/// Represents: the loss of one named head of a multi-head model, with its
///   weights resolved to numbers, as a callable chosen once.
/// Requires: `loss` is set, and `kind`, `weight` and `pos_weight` describe it.
///   make_head_loss sets all of them together; nothing checks fields assigned
///   by hand against `loss`.
/// Ensures: (*this)(logits, targets) is loss(logits, targets): for a HeadLoss
///   from make_head_loss, the value and gradient of the loss function called
///   with the options it was made from, bit for bit. head_weight is not
///   applied there; it is the factor of this head's loss in the model's total.
///   `weight` and `pos_weight` are handles to the tensors the callable holds:
///   an in-place change to their values changes the loss, but assigning
///   another tensor to the field does not (make a new HeadLoss instead).
struct HeadLoss {
  std::string head;  ///< the head's name, as in the model's outputs ("labels")
  LossKind kind = LossKind::BCE;
  double head_weight = 1.0;
  /// Kept for recalibration and summaries: BCE's weight and pos_weight, or the
  /// class weight of CrossEntropy and LogitAdjusted; undefined means none.
  Tensor weight;
  Tensor pos_weight;
  /// The labels (classes) a weighting rule could not balance because the
  /// training split has no positive example of them, for the trainer's warning.
  std::vector<std::string> labels_without_positives;
  /// The loss of a batch: logits from the head, targets from the dataset.
  std::function<Tensor(const Tensor& logits, const Tensor& targets)> loss;
  /// The options `loss` was made with (make_head_loss's argument), so that the
  /// loss can be described again, e.g. in a checkpoint.
  LossOptions options;

  /// loss(logits, targets). Throws ValueError naming the head when `loss` is
  /// empty (a HeadLoss not made by make_head_loss).
  Tensor operator()(const Tensor& logits, const Tensor& targets) const;

  /// task_of(kind).
  TaskKind task() const;
};

/// HeadLoss factories, one per loss's options struct: head `head`, weighted by
/// `head_weight` in the total, computing the loss with `options`.
///
/// Requires: options the loss's module form accepts (focal: gamma >= 0,
///   alpha <= 1; asymmetric: its gammas, clip and eps; cross-entropy:
///   label_smoothing in [0, 1]; logit-adjusted: class_priors [C] positive and
///   finite, tau finite). They are checked here, by constructing that module,
///   so a bad option fails when the loss is built, not at the first batch
///   (ValueError / ShapeError naming the loss and the option).
/// Ensures: `kind` is the loss's; the callable holds its own copy of `options`
///   and calls the loss function with it and nothing else, so its value and
///   gradient are, bit for bit, those of
///     binary_cross_entropy_with_logits(logits, targets, options)
///     sigmoid_focal_loss(logits, targets, options)
///     asymmetric_loss(logits, targets, options)
///     cross_entropy(logits, targets, options)
///     logit_adjusted_cross_entropy(logits, targets, options.class_priors,
///                                  options.tau, options.cross_entropy)
///   for the five overloads in order. `weight` and `pos_weight`
///   are the options' where they have them: BCE both; CrossEntropy `weight`;
///   LogitAdjusted `cross_entropy.weight`; Focal and Asymmetric neither.
///   labels_without_positives is empty (the caller that resolved the weights
///   fills it in).
HeadLoss make_head_loss(std::string head, BCEWithLogitsLossOptions options,
                        double head_weight = 1.0);
HeadLoss make_head_loss(std::string head, SigmoidFocalLossOptions options,
                        double head_weight = 1.0);
HeadLoss make_head_loss(std::string head, AsymmetricLossOptions options, double head_weight = 1.0);
HeadLoss make_head_loss(std::string head, CrossEntropyLossOptions options,
                        double head_weight = 1.0);
HeadLoss make_head_loss(std::string head, LogitAdjustedCrossEntropyLossOptions options,
                        double head_weight = 1.0);

}  // namespace fulcrum::nn
