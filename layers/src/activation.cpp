#include "fulcrum/layers/activation.hpp"

#include <fmt/format.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum::nn {

Tensor ReLU::forward(const Tensor& input) { return fulcrum::relu(input); }

LeakyReLU::LeakyReLU(float negative_slope) : negative_slope_(negative_slope) {}
Tensor LeakyReLU::forward(const Tensor& input) {
  return fulcrum::leaky_relu(input, negative_slope_);
}
std::string LeakyReLU::extra_repr() const {
  return fmt::format("negative_slope={}", negative_slope_);
}

Tensor GELU::forward(const Tensor& input) { return fulcrum::gelu(input); }
Tensor Tanh::forward(const Tensor& input) { return fulcrum::tanh(input); }
Tensor Sigmoid::forward(const Tensor& input) { return fulcrum::sigmoid(input); }

std::shared_ptr<Module> make_activation(Activation activation) {
  switch (activation) {
    case Activation::ReLU:
      return std::make_shared<ReLU>();
    case Activation::LeakyReLU:
      return std::make_shared<LeakyReLU>();
    case Activation::GELU:
      return std::make_shared<GELU>();
    case Activation::Tanh:
      return std::make_shared<Tanh>();
    case Activation::Sigmoid:
      return std::make_shared<Sigmoid>();
    case Activation::Identity:
      return std::make_shared<Identity>();
  }
  throw ValueError(
      fmt::format("make_activation: not an Activation ({})", static_cast<int>(activation)));
}

std::optional<Activation> activation_of(const Module& module) {
  if (dynamic_cast<const ReLU*>(&module)) return Activation::ReLU;
  if (const auto* leaky = dynamic_cast<const LeakyReLU*>(&module)) {
    if (leaky->negative_slope() == LeakyReLU().negative_slope()) return Activation::LeakyReLU;
    return std::nullopt;
  }
  if (dynamic_cast<const GELU*>(&module)) return Activation::GELU;
  if (dynamic_cast<const Tanh*>(&module)) return Activation::Tanh;
  if (dynamic_cast<const Sigmoid*>(&module)) return Activation::Sigmoid;
  if (dynamic_cast<const Identity*>(&module)) return Activation::Identity;
  return std::nullopt;
}

}  // namespace fulcrum::nn
