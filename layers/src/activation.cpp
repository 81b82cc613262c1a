#include "fulcrum/layers/activation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

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

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"relu", "leaky_relu", "gelu",
                                                 "tanh", "sigmoid",    "identity"};
  return names;
}

std::shared_ptr<Module> make_activation(std::string_view name) {
  if (name == "relu") return std::make_shared<ReLU>();
  if (name == "leaky_relu") return std::make_shared<LeakyReLU>();
  if (name == "gelu") return std::make_shared<GELU>();
  if (name == "tanh") return std::make_shared<Tanh>();
  if (name == "sigmoid") return std::make_shared<Sigmoid>();
  if (name == "identity") return std::make_shared<Identity>();
  throw ValueError(fmt::format("unknown activation '{}'; valid names are: {}", name,
                               fmt::join(activation_names(), ", ")));
}

}  // namespace fulcrum::nn
