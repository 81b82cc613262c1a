#pragma once
// Building a model from the `model` section of a run config.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/losses/head_loss.hpp"

namespace fulcrum::config {

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
///   0 from the data first); a valid activation; dropout in [0, 1); every
///   Linear, the input layer included, at most kMaxParameters (2^31) weights
///   and biases, and the model as many in all. Otherwise ValueError naming the
///   config key (and for a size, the layer and its in -> out sizes), raised
///   before any weight is allocated.
/// Requires: `dropout_gen` outlives the model.
std::shared_ptr<nn::MultiHead> build_model(const ModelConfig& config, int64_t input_features,
                                           Generator& init_gen, Generator& dropout_gen);

/// The same with one generator for the weights and the dropout masks.
inline std::shared_ptr<nn::MultiHead> build_model(const ModelConfig& config, int64_t input_features,
                                                  Generator& gen) {
  return build_model(config, input_features, gen, gen);
}

/// Represents: what a model built by build_model is, besides its weights.
/// The inverse of build_model: the ModelConfig that builds a model with the
/// same architecture and parameter names as `model`, so that a checkpoint of a
/// model assembled in C++ can be served by `fulcrum predict`. The backbone must
/// be an Identity, or a Sequential of Linear layers (with bias) each followed
/// by the same Activation and, when there is dropout, a Dropout of the same
/// rate; each head a Linear (with bias). Each head's kind, loss and
/// head_weight come from `losses` (one per head, in head order) and its
/// decision threshold from `thresholds` (missing: 0.5).
/// Returns nullopt, with the reason in `why` when given, for any other model.
std::optional<ModelConfig> describe_model(const nn::MultiHead& model,
                                          const std::vector<nn::HeadLoss>& losses,
                                          std::span<const double> thresholds = {},
                                          std::string* why = nullptr);

}  // namespace fulcrum::config
