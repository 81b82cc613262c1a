#include "fulcrum/layers/mlp.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/linear.hpp"

namespace fulcrum::nn {

void validate(const MLPOptions& options) {
  FULCRUM_CHECK(options.sizes.size() >= 2,
                "MLPOptions.sizes needs an input and an output size at least, got [{}]",
                fmt::join(options.sizes, ", "));
  for (int64_t size : options.sizes)
    FULCRUM_CHECK(size > 0, "MLPOptions.sizes must all be positive, got [{}]",
                  fmt::join(options.sizes, ", "));
  FULCRUM_CHECK(options.dropout >= 0.0f && options.dropout < 1.0f,
                "MLPOptions.dropout must be in [0, 1), got {}", options.dropout);
}

MLP::MLP(const MLPOptions& options, Generator& gen) : options_(options) {
  validate(options);
  layers_ = register_module("layers", std::make_shared<ModuleList>());
  for (size_t i = 0; i + 1 < options.sizes.size(); ++i)
    layers_->push_back(std::make_shared<Linear>(options.sizes[i], options.sizes[i + 1], gen));
  activation_ = register_module("activation", make_activation(options.activation));
  if (options.dropout > 0.0f)
    dropout_ = register_module("dropout", std::make_shared<Dropout>(options.dropout, gen));
}

Tensor MLP::forward(const Tensor& input) {
  Tensor x = input;
  const size_t n = layers_->size();
  const bool relu = options_.activation == Activation::ReLU;
  for (size_t i = 0; i < n; ++i) {
    auto& layer = static_cast<Linear&>(*(*layers_)[i]);
    if (i + 1 < n || options_.activate_last) {
      x = relu ? layer.forward_relu(x) : activation_->forward(layer.forward(x));
      if (dropout_) x = dropout_->forward(x);
    } else {
      x = layer.forward(x);
    }
  }
  return x;
}

}  // namespace fulcrum::nn
