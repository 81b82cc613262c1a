#include "fulcrum/losses/head_loss.hpp"

#include <utility>

#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {
namespace {

// A HeadLoss whose callable is `criterion`, a loss's module form. The module is
// the options plus the checks of its constructor, and its forward calls the
// loss function with those options and nothing else; so the loss is chosen
// here, once, and a batch costs one indirect call.
template <typename Module>
HeadLoss head_loss_of(std::string head, LossKind kind, double head_weight, Module criterion) {
  HeadLoss out;
  out.head = std::move(head);
  out.kind = kind;
  out.head_weight = head_weight;
  out.options = criterion.options();
  out.loss = [criterion = std::move(criterion)](const Tensor& logits, const Tensor& targets) {
    return criterion(logits, targets);
  };
  return out;
}

}  // namespace

TaskKind task_of(LossKind kind) {
  switch (kind) {
    case LossKind::BCE:
    case LossKind::Focal:
    case LossKind::Asymmetric:
      return TaskKind::MultiLabel;
    case LossKind::CrossEntropy:
    case LossKind::LogitAdjusted:
      return TaskKind::MultiClass;
  }
  throw_value_error(fmt::format("task_of: {} is not a LossKind", static_cast<int>(kind)));
}

Tensor HeadLoss::operator()(const Tensor& logits, const Tensor& targets) const {
  if (!loss) {
    throw_value_error(fmt::format(
        "head '{}': HeadLoss has no loss function (build it with make_head_loss)", head));
  }
  return loss(logits, targets);
}

TaskKind HeadLoss::task() const { return task_of(kind); }

HeadLoss make_head_loss(std::string head, BCEWithLogitsLossOptions options, double head_weight) {
  HeadLoss out =
      head_loss_of(std::move(head), LossKind::BCE, head_weight, BCEWithLogitsLoss(options));
  out.weight = std::move(options.weight);
  out.pos_weight = std::move(options.pos_weight);
  return out;
}

HeadLoss make_head_loss(std::string head, SigmoidFocalLossOptions options, double head_weight) {
  return head_loss_of(std::move(head), LossKind::Focal, head_weight, SigmoidFocalLoss(options));
}

HeadLoss make_head_loss(std::string head, AsymmetricLossOptions options, double head_weight) {
  return head_loss_of(std::move(head), LossKind::Asymmetric, head_weight, AsymmetricLoss(options));
}

HeadLoss make_head_loss(std::string head, CrossEntropyLossOptions options, double head_weight) {
  HeadLoss out =
      head_loss_of(std::move(head), LossKind::CrossEntropy, head_weight, CrossEntropyLoss(options));
  out.weight = std::move(options.weight);
  return out;
}

HeadLoss make_head_loss(std::string head, LogitAdjustedCrossEntropyLossOptions options,
                        double head_weight) {
  HeadLoss out = head_loss_of(std::move(head), LossKind::LogitAdjusted, head_weight,
                              LogitAdjustedCrossEntropyLoss(options));
  out.weight = std::move(options.cross_entropy.weight);
  return out;
}

}  // namespace fulcrum::nn
