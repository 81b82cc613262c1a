#include "fulcrum/config/model_builder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <variant>

#include "fulcrum/config/loss_builder.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/sequential.hpp"

namespace fulcrum::config {

namespace {

// Every Linear the config and the input size make stays within
// kMaxParameters, and so does their sum: checked before any weight is drawn.
void check_parameter_counts(const ModelConfig& config, int64_t input_features) {
  FULCRUM_CHECK(input_features <= kMaxParameters,
                "build_model: the data has {} features, more than the {} (2^31) parameters a "
                "layer may have",
                input_features, kMaxParameters);
  const size_t stride = config.backbone.dropout > 0.0 ? 3 : 2;  // Linear, activation[, Dropout]
  int64_t total = 0;
  const auto check_layer = [&](int64_t in, int64_t out, const std::string& key,
                               const std::string& layer) {
    FULCRUM_CHECK(out <= kMaxParameters,
                  "{}: layer {} ({} -> {}): {} outputs are more than the {} (2^31) parameters a "
                  "layer may have",
                  key, layer, in, out, out, kMaxParameters);
    const int64_t parameters = (in + 1) * out;  // in, out <= 2^31: no overflow
    FULCRUM_CHECK(parameters <= kMaxParameters,
                  "{}: layer {} ({} -> {}) would have {} parameters, more than the {} (2^31) a "
                  "layer may have",
                  key, layer, in, out, parameters, kMaxParameters);
    total += parameters;
  };
  int64_t in = input_features;
  for (size_t i = 0; i < config.backbone.sizes.size(); ++i) {
    const int64_t out = config.backbone.sizes[i];
    check_layer(in, out, fmt::format("model.backbone.sizes[{}]", i),
                fmt::format("backbone.{}", i * stride));
    in = out;
  }
  for (const HeadConfig& head : config.heads)
    check_layer(in, head.outputs, fmt::format("model.heads.{}.outputs", head.name),
                fmt::format("heads.{}", head.name));
  FULCRUM_CHECK(total <= kMaxParameters,
                "model: {} input features and model.backbone.sizes [{}] make {} parameters, more "
                "than the {} (2^31) a model may have",
                input_features, fmt::join(config.backbone.sizes, ", "), total, kMaxParameters);
}

// make_backbone's layout, built here rather than by nn::make_backbone because
// that draws the weights and the dropout masks from one generator.
std::shared_ptr<nn::Module> build_backbone(const BackboneConfig& config, int64_t input_features,
                                           Generator& init_gen, Generator& dropout_gen) {
  if (config.sizes.empty()) return std::make_shared<nn::Identity>();
  FULCRUM_CHECK(config.dropout >= 0.0 && config.dropout < 1.0,
                "model.backbone.dropout: must be in [0, 1), got {}", config.dropout);
  auto backbone = std::make_shared<nn::Sequential>();
  int64_t in = input_features;
  for (size_t i = 0; i < config.sizes.size(); ++i) {
    const int64_t out = config.sizes[i];
    backbone->push_back(std::make_shared<nn::Linear>(in, out, init_gen));
    backbone->push_back(nn::make_activation(config.activation));
    if (config.dropout > 0.0) {
      backbone->push_back(
          std::make_shared<nn::Dropout>(static_cast<float>(config.dropout), dropout_gen));
    }
    in = out;
  }
  return backbone;
}

}  // namespace

std::shared_ptr<nn::MultiHead> build_model(const ModelConfig& config, int64_t input_features,
                                           Generator& init_gen, Generator& dropout_gen) {
  FULCRUM_CHECK(input_features >= 1, "build_model: the data has {} features; at least 1 is needed",
                input_features);
  FULCRUM_CHECK(!config.heads.empty(), "model.heads: at least one head is required");
  for (const HeadConfig& head : config.heads)
    FULCRUM_CHECK(head.outputs >= 1,
                  "model.heads.{}.outputs: must be >= 1 when the model is built, got {} (the "
                  "trainer takes 0 from the data)",
                  head.name, head.outputs);
  for (size_t i = 0; i < config.backbone.sizes.size(); ++i)
    FULCRUM_CHECK(config.backbone.sizes[i] >= 1, "model.backbone.sizes[{}]: must be >= 1, got {}",
                  i, config.backbone.sizes[i]);
  check_parameter_counts(config, input_features);
  auto backbone = build_backbone(config.backbone, input_features, init_gen, dropout_gen);
  const int64_t hidden =
      config.backbone.sizes.empty() ? input_features : config.backbone.sizes.back();
  nn::MultiHead::Heads heads;
  for (const HeadConfig& head : config.heads) {
    heads.emplace_back(head.name, std::make_shared<nn::Linear>(hidden, head.outputs, init_gen));
  }
  return std::make_shared<nn::MultiHead>(std::move(backbone), std::move(heads));
}

namespace {

// The Linear at `module`, or nullptr when it is none or has no bias (a
// config's layers always have one).
const nn::Linear* linear_with_bias(const nn::Module& module) {
  const auto* linear = dynamic_cast<const nn::Linear*>(&module);
  return linear != nullptr && linear->bias().defined() ? linear : nullptr;
}

std::optional<BackboneConfig> describe_backbone(const nn::Module& backbone, std::string& why) {
  BackboneConfig config;
  if (dynamic_cast<const nn::Identity*>(&backbone) != nullptr) return config;
  const auto* sequential = dynamic_cast<const nn::Sequential*>(&backbone);
  if (sequential == nullptr) {
    why =
        fmt::format("the backbone is a {}, not an Identity or a Sequential", backbone.type_name());
    return std::nullopt;
  }
  std::optional<nn::Activation> activation;
  std::optional<float> dropout;
  size_t i = 0;
  while (i < sequential->size()) {
    const nn::Linear* linear = linear_with_bias(*(*sequential)[i]);
    if (linear == nullptr) {
      why = fmt::format("backbone.{} is a {} where a Linear (with bias) was expected", i,
                        (*sequential)[i]->type_name());
      return std::nullopt;
    }
    config.sizes.push_back(linear->out_features());
    ++i;
    const std::optional<nn::Activation> act =
        i < sequential->size() ? nn::activation_of(*(*sequential)[i]) : std::nullopt;
    if (!act || (activation && *act != *activation)) {
      why = fmt::format("backbone.{} should be the activation that follows every Linear", i);
      return std::nullopt;
    }
    activation = act;
    ++i;
    const auto* drop =
        i < sequential->size() ? dynamic_cast<const nn::Dropout*>((*sequential)[i].get()) : nullptr;
    const float rate = drop != nullptr ? drop->p() : 0.0f;
    if (dropout && *dropout != rate) {
      why =
          fmt::format("the backbone's dropout differs between layers ({} and {})", *dropout, rate);
      return std::nullopt;
    }
    dropout = rate;
    if (drop != nullptr) ++i;
  }
  if (config.sizes.empty()) {
    why = "the backbone is an empty Sequential";
    return std::nullopt;
  }
  config.activation = *activation;
  config.dropout = static_cast<double>(*dropout);
  return config;
}

}  // namespace

std::optional<ModelConfig> describe_model(const nn::MultiHead& model,
                                          const std::vector<nn::HeadLoss>& losses,
                                          std::span<const double> thresholds, std::string* why) {
  std::string reason;
  const auto fail = [&](std::string text) -> std::optional<ModelConfig> {
    if (why != nullptr) *why = std::move(text);
    return std::nullopt;
  };
  ModelConfig config;
  std::optional<BackboneConfig> backbone = describe_backbone(*model.backbone(), reason);
  if (!backbone) return fail(reason);
  config.backbone = std::move(*backbone);
  const std::vector<std::string> names = model.head_names();
  if (losses.size() != names.size()) {
    return fail(fmt::format("{} losses for {} heads", losses.size(), names.size()));
  }
  for (size_t h = 0; h < names.size(); ++h) {
    const nn::Linear* linear = linear_with_bias(*model.head(names[h]));
    if (linear == nullptr) {
      return fail(fmt::format("head '{}' is a {}, not a Linear with bias", names[h],
                              model.head(names[h])->type_name()));
    }
    if (losses[h].head != names[h]) {
      return fail(fmt::format("loss {} is for head '{}', the model's head {} is '{}'", h,
                              losses[h].head, h, names[h]));
    }
    HeadConfig head;
    head.name = names[h];
    head.kind = losses[h].task();
    head.outputs = linear->out_features();
    head.loss = describe_loss(losses[h]);
    if (head.loss.reduction == nn::Reduction::None) {
      return fail(
          fmt::format("head '{}''s loss has reduction none (a config's is mean or sum)", names[h]));
    }
    const auto* asymmetric = std::get_if<nn::AsymmetricLossOptions>(&losses[h].options);
    if (asymmetric != nullptr && asymmetric->eps != nn::AsymmetricLossOptions{}.eps) {
      return fail(
          fmt::format("head '{}''s asymmetric loss has an eps a config cannot set", names[h]));
    }
    head.head_weight = losses[h].head_weight;
    head.threshold = h < thresholds.size() ? thresholds[h] : 0.5;
    config.heads.push_back(std::move(head));
  }
  return config;
}

}  // namespace fulcrum::config
