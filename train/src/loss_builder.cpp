#include "fulcrum/train/loss_builder.hpp"

#include <fmt/format.h>

#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/train/config_error.hpp"

namespace fulcrum::train {

namespace {

[[noreturn]] void fail(const std::string& key, const std::string& message) {
  throw ConfigError(fmt::format("{}: {}", key, message), {}, 0, 0, key);
}

// The tensor a WeightSpec stands for, computed on the training targets.
Tensor resolve(const WeightSpec& spec, const HeadConfig& head, const data::Target& target,
               const std::string& key, std::vector<std::string>& unbalanced) {
  const bool multiclass = target.kind == data::TargetKind::MultiClass;
  const int64_t count = target.num_classes();
  std::vector<int64_t> missing;
  Tensor weight;
  if (spec.rule == "none") {
    return {};
  } else if (spec.rule == "values") {
    if (static_cast<int64_t>(spec.values.size()) != count) {
      fail(key, fmt::format("has {} values but head '{}' has {} {} in the data", spec.values.size(),
                            head.name, count, multiclass ? "classes" : "labels"));
    }
    std::vector<float> values(spec.values.begin(), spec.values.end());
    return Tensor::from({count}, values);
  } else if (spec.rule == "neg_over_pos") {
    if (multiclass) {
      fail(key,
           "neg_over_pos is a per-label rule for multilabel heads; weigh the classes of a "
           "multiclass head with inverse_frequency or a list of numbers");
    }
    weight = nn::pos_weight_neg_over_pos(target.values, &missing);
  } else if (spec.rule == "inverse_frequency") {
    weight = multiclass ? nn::class_weight_balanced(target.values, count, &missing)
                        : nn::inverse_frequency_weight(target.values, &missing);
  } else {
    fail(key, fmt::format("unknown weight rule '{}' (valid: none, neg_over_pos, "
                          "inverse_frequency, or a list of numbers)",
                          spec.rule));
  }
  for (int64_t index : missing) {
    const std::string& name = target.classes[static_cast<size_t>(index)];
    bool seen = false;
    for (const auto& known : unbalanced) seen = seen || known == name;
    if (!seen) unbalanced.push_back(name);
  }
  return weight;
}

}  // namespace

Tensor HeadLoss::operator()(const Tensor& logits, const Tensor& targets) const {
  if (kind == "multiclass") {
    nn::CrossEntropyLossOptions options;
    options.weight = weight;
    options.ignore_index = ignore_index;
    options.label_smoothing = label_smoothing;
    options.reduction = reduction;
    return nn::cross_entropy(logits, targets, options);
  }
  return nn::binary_cross_entropy_with_logits(logits, targets, weight, pos_weight, reduction);
}

HeadLoss build_head_loss(const HeadConfig& head, const data::Target& train_target) {
  const std::string prefix = fmt::format("model.heads.{}", head.name);
  const bool multiclass = head.kind == "multiclass";
  if (multiclass != (train_target.kind == data::TargetKind::MultiClass)) {
    fail(prefix + ".kind", fmt::format("is {} but the data's target '{}' is {}", head.kind,
                                       train_target.name, data::to_string(train_target.kind)));
  }
  HeadLoss loss;
  loss.head = head.name;
  loss.kind = head.kind;
  loss.head_weight = head.head_weight;
  loss.reduction = nn::parse_reduction(head.loss.reduction);
  loss.label_smoothing = static_cast<float>(head.loss.label_smoothing);
  loss.ignore_index = head.loss.ignore_index;
  loss.weight = resolve(head.loss.weight, head, train_target, prefix + ".loss.weight",
                        loss.labels_without_positives);
  if (multiclass && head.loss.pos_weight.rule != "none") {
    fail(prefix + ".loss.pos_weight",
         "pos_weight applies to multilabel heads only; use loss.weight for classes");
  }
  loss.pos_weight = resolve(head.loss.pos_weight, head, train_target, prefix + ".loss.pos_weight",
                            loss.labels_without_positives);
  return loss;
}

std::vector<HeadLoss> build_losses(const ModelConfig& model, const data::Dataset& train) {
  std::vector<HeadLoss> losses;
  losses.reserve(model.heads.size());
  for (const HeadConfig& head : model.heads) {
    losses.push_back(build_head_loss(head, train.target(head.name)));
  }
  return losses;
}

std::vector<double> weight_values(const Tensor& weight) {
  if (!weight.defined()) return {};
  const auto values = weight.to_vector();
  return {values.begin(), values.end()};
}

}  // namespace fulcrum::train
