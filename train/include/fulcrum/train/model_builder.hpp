#pragma once
// Building a model from the `model` section of a run config.

#include <cstdint>
#include <memory>

#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/train/config.hpp"

namespace fulcrum::train {

/// Builds MultiHead(backbone, heads) for inputs of `input_features` features:
/// - the backbone is nn::make_backbone's layout, Sequential(Linear, activation,
///   [Dropout], ...) over {input_features, backbone.sizes...}, so parameters are
///   backbone.0.weight, backbone.0.bias, ... as PyTorch's nn.Sequential names
///   them; an empty sizes list gives an Identity backbone (the heads read the
///   input directly);
/// - one Linear head per HeadConfig, in config order, named heads.NAME.weight /
///   heads.NAME.bias, with HeadConfig::outputs outputs.
/// Weights are drawn from `init_gen` (layer by layer, in that order); dropout
/// masks from `dropout_gen`, so changing the dropout rate does not change the
/// initial weights and the two streams can be saved and restored separately.
/// Requires: input_features >= 1; every head's outputs >= 1 (the trainer fills
///   0 from the data first); a valid activation; dropout in [0, 1). Otherwise
///   ValueError naming the config key.
/// Requires: `dropout_gen` outlives the model.
std::shared_ptr<nn::MultiHead> build_model(const ModelConfig& config, int64_t input_features,
                                           Generator& init_gen, Generator& dropout_gen);

/// The same with one generator for the weights and the dropout masks.
inline std::shared_ptr<nn::MultiHead> build_model(const ModelConfig& config, int64_t input_features,
                                                  Generator& gen) {
  return build_model(config, input_features, gen, gen);
}

}  // namespace fulcrum::train
