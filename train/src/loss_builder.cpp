#include "fulcrum/train/loss_builder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/losses/logit_adjustment.hpp"
#include "fulcrum/train/config_error.hpp"
#include "fulcrum/train/config_names.hpp"

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
  } else if (spec.rule == "sqrt_inverse_frequency") {
    weight = multiclass ? nn::sqrt_inverse_frequency_weight(nn::class_counts(target.values, count),
                                                            target.values.size(0), &missing)
                        : nn::sqrt_inverse_frequency_weight(target.values, &missing);
  } else if (spec.rule == "effective_number") {
    const double beta = head.loss.effective_number_beta;
    weight = multiclass
                 ? nn::effective_number_weight(nn::class_counts(target.values, count), beta, &missing)
                 : nn::effective_number_weight(target.values, beta, &missing);
  } else {
    fail(key, fmt::format("unknown weight rule '{}' (valid: none, neg_over_pos, "
                          "inverse_frequency, sqrt_inverse_frequency, effective_number, or a "
                          "list of numbers)",
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
    if (loss_kind == "logit_adjusted") {
      return nn::logit_adjusted_cross_entropy(logits, targets, class_priors, tau, options);
    }
    return nn::cross_entropy(logits, targets, options);
  }
  if (loss_kind == "focal") return nn::sigmoid_focal_loss(logits, targets, focal);
  if (loss_kind == "asymmetric") return nn::asymmetric_loss(logits, targets, asymmetric);
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

  const LossConfig& config = head.loss;
  loss.loss_kind = !config.kind.empty() ? config.kind : (multiclass ? "cross_entropy" : "bce");
  const auto& valid = multiclass ? multiclass_loss_names() : multilabel_loss_names();
  if (std::find(valid.begin(), valid.end(), loss.loss_kind) == valid.end()) {
    fail(prefix + ".loss.kind", fmt::format("unknown loss '{}' for a {} head (valid: {})",
                                            loss.loss_kind, head.kind, fmt::join(valid, ", ")));
  }
  const bool weighted = loss.weight.defined() || loss.pos_weight.defined();
  if (!multiclass && loss.loss_kind != "bce" && weighted) {
    fail(prefix + (loss.pos_weight.defined() ? ".loss.pos_weight" : ".loss.weight"),
         fmt::format("applies to loss.kind bce only, not {}", loss.loss_kind));
  }
  loss.focal.alpha = static_cast<float>(config.focal_alpha);
  loss.focal.gamma = static_cast<float>(config.focal_gamma);
  loss.focal.reduction = loss.reduction;
  loss.asymmetric.gamma_pos = static_cast<float>(config.gamma_pos);
  loss.asymmetric.gamma_neg = static_cast<float>(config.gamma_neg);
  loss.asymmetric.clip = static_cast<float>(config.clip);
  loss.asymmetric.reduction = loss.reduction;
  loss.tau = static_cast<float>(config.tau);
  if (loss.loss_kind == "logit_adjusted") {
    const std::vector<int64_t> counts =
        nn::class_counts(train_target.values, train_target.num_classes());
    for (size_t c = 0; c < counts.size(); ++c) {
      if (counts[c] == 0) {
        fail(prefix + ".loss.kind",
             fmt::format("logit_adjusted needs every class in the training split (its prior is "
                         "a log), but class '{}' has no example",
                         train_target.classes[c]));
      }
    }
    loss.class_priors = nn::class_priors(counts);
  }
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
