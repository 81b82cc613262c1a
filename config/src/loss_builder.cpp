#include "fulcrum/config/loss_builder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <variant>

#include "fulcrum/config/config_error.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/losses/head_loss.hpp"
#include "fulcrum/losses/logit_adjustment.hpp"

namespace fulcrum::config {

namespace {

[[noreturn]] void fail(const std::string& key, const std::string& message) {
  throw ConfigError(fmt::format("{}: {}", key, message), {}, 0, 0, key);
}

// The tensor a WeightSpec stands for, computed on the training targets.
Tensor resolve(const WeightSpec& spec, const HeadConfig& head, const data::Target& target,
               const std::string& key, std::vector<std::string>& unbalanced) {
  const bool multiclass = target.kind == TaskKind::MultiClass;
  const int64_t count = target.num_classes();
  std::vector<int64_t> missing;
  Tensor weight;
  switch (spec.rule) {
    case WeightRule::None:
      return {};
    case WeightRule::Values: {
      if (static_cast<int64_t>(spec.values.size()) != count) {
        fail(key,
             fmt::format("has {} values but head '{}' has {} {} in the data", spec.values.size(),
                         head.name, count, multiclass ? "classes" : "labels"));
      }
      std::vector<float> values(spec.values.begin(), spec.values.end());
      return Tensor::from({count}, values);
    }
    case WeightRule::NegOverPos:
      if (multiclass) {
        fail(key,
             "neg_over_pos is a per-label rule for multilabel heads; weigh the classes of a "
             "multiclass head with inverse_frequency or a list of numbers");
      }
      weight = nn::pos_weight_neg_over_pos(target.values, &missing);
      break;
    case WeightRule::InverseFrequency:
      weight = multiclass ? nn::class_weight_balanced(target.values, count, &missing)
                          : nn::inverse_frequency_weight(target.values, &missing);
      break;
    case WeightRule::SqrtInverseFrequency:
      weight = multiclass
                   ? nn::sqrt_inverse_frequency_weight(nn::class_counts(target.values, count),
                                                       target.values.size(0), &missing)
                   : nn::sqrt_inverse_frequency_weight(target.values, &missing);
      break;
    case WeightRule::EffectiveNumber: {
      const double beta = head.loss.effective_number_beta;
      weight = multiclass ? nn::effective_number_weight(nn::class_counts(target.values, count),
                                                        beta, &missing)
                          : nn::effective_number_weight(target.values, beta, &missing);
      break;
    }
  }
  for (int64_t index : missing) {
    const std::string& name = target.classes[static_cast<size_t>(index)];
    bool seen = false;
    for (const auto& known : unbalanced) seen = seen || known == name;
    if (!seen) unbalanced.push_back(name);
  }
  return weight;
}

// logit_adjusted's priors: given, or the training split's class frequencies.
Tensor priors_of(const LossConfig& config, const data::Target& target, const std::string& prefix) {
  if (!config.class_priors.empty()) {
    if (static_cast<int64_t>(config.class_priors.size()) != target.num_classes()) {
      fail(prefix + ".loss.class_priors",
           fmt::format("has {} priors but the data has {} classes", config.class_priors.size(),
                       target.num_classes()));
    }
    const std::vector<float> priors(config.class_priors.begin(), config.class_priors.end());
    return Tensor::from({target.num_classes()}, priors);
  }
  const std::vector<int64_t> counts = nn::class_counts(target.values, target.num_classes());
  for (size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] == 0) {
      fail(prefix + ".loss.kind",
           fmt::format("logit_adjusted needs every class in the training split (its prior "
                       "is a log), but class '{}' has no example",
                       target.classes[c]));
    }
  }
  return nn::class_priors(counts);
}

// A resolved weight as a list of numbers.
WeightSpec values_of(const Tensor& weight) {
  WeightSpec spec;
  if (weight.defined()) {
    spec.rule = WeightRule::Values;
    spec.values = weight_values(weight);
  }
  return spec;
}

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
// Spelled out for clang (up to 16), which does not deduce an aggregate's arguments.
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

LossConfig describe_loss(const nn::HeadLoss& loss) {
  LossConfig config;
  config.kind = loss.kind;
  const auto cross_entropy = [&](const nn::CrossEntropyLossOptions& o) {
    config.weight = values_of(o.weight);
    config.ignore_index = o.ignore_index;
    config.label_smoothing = static_cast<double>(o.label_smoothing);
    config.reduction = o.reduction;
  };
  std::visit(Overloaded{
                 [&](const nn::BCEWithLogitsLossOptions& o) {
                   config.weight = values_of(o.weight);
                   config.pos_weight = values_of(o.pos_weight);
                   config.reduction = o.reduction;
                 },
                 [&](const nn::SigmoidFocalLossOptions& o) {
                   config.focal_alpha = static_cast<double>(o.alpha);
                   config.focal_gamma = static_cast<double>(o.gamma);
                   config.reduction = o.reduction;
                 },
                 [&](const nn::AsymmetricLossOptions& o) {
                   config.gamma_pos = static_cast<double>(o.gamma_pos);
                   config.gamma_neg = static_cast<double>(o.gamma_neg);
                   config.clip = static_cast<double>(o.clip);
                   config.reduction = o.reduction;
                 },
                 cross_entropy,
                 [&](const nn::LogitAdjustedCrossEntropyLossOptions& o) {
                   cross_entropy(o.cross_entropy);
                   config.tau = static_cast<double>(o.tau);
                   config.class_priors = weight_values(o.class_priors);
                 },
             },
             loss.options);
  return config;
}

nn::HeadLoss build_head_loss(const HeadConfig& head, const data::Target& train_target) {
  const std::string prefix = fmt::format("model.heads.{}", head.name);
  const bool multiclass = head.kind == TaskKind::MultiClass;
  if (head.kind != train_target.kind) {
    fail(prefix + ".kind", fmt::format("is {} but the data's target '{}' is {}", name_of(head.kind),
                                       train_target.name, data::to_string(train_target.kind)));
  }
  const LossConfig& config = head.loss;
  const nn::LossKind kind = config.kind.value_or(default_loss_kind(head.kind));
  if (nn::task_of(kind) != head.kind) {
    fail(prefix + ".loss.kind",
         fmt::format("loss '{}' is not for a {} head", name_of(kind), name_of(head.kind)));
  }
  std::vector<std::string> unbalanced;
  const Tensor weight =
      resolve(config.weight, head, train_target, prefix + ".loss.weight", unbalanced);
  if (multiclass && config.pos_weight.rule != WeightRule::None) {
    fail(prefix + ".loss.pos_weight",
         "pos_weight applies to multilabel heads only; use loss.weight for classes");
  }
  const Tensor pos_weight =
      resolve(config.pos_weight, head, train_target, prefix + ".loss.pos_weight", unbalanced);
  if (kind != nn::LossKind::BCE && !multiclass && (weight.defined() || pos_weight.defined())) {
    fail(prefix + (pos_weight.defined() ? ".loss.pos_weight" : ".loss.weight"),
         fmt::format("applies to loss.kind bce only, not {}", name_of(kind)));
  }

  const nn::CrossEntropyLossOptions cross_entropy{
      .weight = weight,
      .ignore_index = config.ignore_index,
      .label_smoothing = static_cast<float>(config.label_smoothing),
      .reduction = config.reduction};
  nn::HeadLoss loss;
  switch (kind) {
    case nn::LossKind::BCE:
      loss = nn::make_head_loss(
          head.name,
          nn::BCEWithLogitsLossOptions{
              .weight = weight, .pos_weight = pos_weight, .reduction = config.reduction},
          head.head_weight);
      break;
    case nn::LossKind::Focal:
      loss = nn::make_head_loss(
          head.name,
          nn::SigmoidFocalLossOptions{.alpha = static_cast<float>(config.focal_alpha),
                                      .gamma = static_cast<float>(config.focal_gamma),
                                      .reduction = config.reduction},
          head.head_weight);
      break;
    case nn::LossKind::Asymmetric:
      loss = nn::make_head_loss(
          head.name,
          nn::AsymmetricLossOptions{.gamma_pos = static_cast<float>(config.gamma_pos),
                                    .gamma_neg = static_cast<float>(config.gamma_neg),
                                    .clip = static_cast<float>(config.clip),
                                    .reduction = config.reduction},
          head.head_weight);
      break;
    case nn::LossKind::CrossEntropy:
      loss = nn::make_head_loss(head.name, cross_entropy, head.head_weight);
      break;
    case nn::LossKind::LogitAdjusted: {
      loss = nn::make_head_loss(head.name,
                                nn::LogitAdjustedCrossEntropyLossOptions{
                                    .class_priors = priors_of(config, train_target, prefix),
                                    .tau = static_cast<float>(config.tau),
                                    .cross_entropy = cross_entropy},
                                head.head_weight);
      break;
    }
  }
  loss.labels_without_positives = std::move(unbalanced);
  return loss;
}

std::vector<nn::HeadLoss> build_losses(const ModelConfig& model, const data::Dataset& train) {
  std::vector<nn::HeadLoss> losses;
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

}  // namespace fulcrum::config
