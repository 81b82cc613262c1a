#include "fulcrum/train/model_builder.hpp"

#include <fmt/format.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/sequential.hpp"

namespace fulcrum::train {

namespace {

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
    FULCRUM_CHECK(out >= 1, "model.backbone.sizes[{}]: must be >= 1, got {}", i, out);
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
  auto backbone = build_backbone(config.backbone, input_features, init_gen, dropout_gen);
  const int64_t hidden =
      config.backbone.sizes.empty() ? input_features : config.backbone.sizes.back();
  nn::MultiHead::Heads heads;
  for (const HeadConfig& head : config.heads) {
    FULCRUM_CHECK(head.outputs >= 1,
                  "model.heads.{}.outputs: must be >= 1 when the model is built, got {} (the "
                  "trainer takes 0 from the data)",
                  head.name, head.outputs);
    heads.emplace_back(head.name, std::make_shared<nn::Linear>(hidden, head.outputs, init_gen));
  }
  return std::make_shared<nn::MultiHead>(std::move(backbone), std::move(heads));
}

}  // namespace fulcrum::train
