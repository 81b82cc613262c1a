#pragma once
// Activation modules (parameterless), and a factory that builds one from its
// config name, so that models can be described in a config file.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/layers/module.hpp"

namespace fulcrum::nn {

/// max(x, 0).
class ReLU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "ReLU"; }
};

/// x for x >= 0, negative_slope * x otherwise (PyTorch's default slope 0.01).
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(float negative_slope = 0.01f);
  Tensor forward(const Tensor& input) override;
  float negative_slope() const { return negative_slope_; }
  std::string type_name() const override { return "LeakyReLU"; }
  std::string extra_repr() const override;

 private:
  float negative_slope_;
};

/// x * Phi(x), the exact (erf) form that is PyTorch's default.
class GELU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "GELU"; }
};

class Tanh : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Tanh"; }
};

class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Sigmoid"; }
};

/// Returns its input unchanged (the "no activation" choice in a config).
class Identity : public Module {
 public:
  Tensor forward(const Tensor& input) override { return input; }
  std::string type_name() const override { return "Identity"; }
};

/// The names make_activation accepts, in documentation order:
/// relu, leaky_relu, gelu, tanh, sigmoid, identity.
const std::vector<std::string>& activation_names();

/// A new activation module for a config name ("relu", "leaky_relu" with
/// slope 0.01, "gelu", "tanh", "sigmoid", "identity"). An unknown name
/// throws ValueError listing the valid ones.
std::shared_ptr<Module> make_activation(std::string_view name);

}  // namespace fulcrum::nn
