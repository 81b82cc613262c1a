#pragma once
// Activation modules (parameterless), and a factory that builds one from its
// Activation, so that models can be described in a config file.

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "fulcrum/core/names.hpp"
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

/// The activations a config or MLPOptions can choose.
enum class Activation { ReLU, LeakyReLU, GELU, Tanh, Sigmoid, Identity };

/// Config names, in documentation order: relu, leaky_relu, gelu, tanh,
/// sigmoid, identity.
inline std::span<const Named<Activation>> name_table(Activation) {
  static constexpr Named<Activation> kTable[] = {
      {Activation::ReLU, "relu"},       {Activation::LeakyReLU, "leaky_relu"},
      {Activation::GELU, "gelu"},       {Activation::Tanh, "tanh"},
      {Activation::Sigmoid, "sigmoid"}, {Activation::Identity, "identity"}};
  return kTable;
}

/// A new activation module (LeakyReLU with PyTorch's slope 0.01).
std::shared_ptr<Module> make_activation(Activation activation);

/// Which Activation `module` is, or nullopt for a module that is none of
/// them (or a LeakyReLU whose slope is not the default), so that a model
/// built from Activations can be described again.
std::optional<Activation> activation_of(const Module& module);

}  // namespace fulcrum::nn
