#pragma once
// MLP: a stack of Linear layers with an activation (and optional dropout)
// between them; the usual multi-label classifier body.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/module.hpp"
#include "fulcrum/layers/module_list.hpp"

namespace fulcrum::nn {

/// How to build an MLP (or a backbone, see make_backbone).
struct MLPOptions {
  /// in, hidden..., out: at least two sizes, all positive. {6, 16, 16, 4} is
  /// Linear(6,16), act, Linear(16,16), act, Linear(16,4).
  std::vector<int64_t> sizes;
  Activation activation = Activation::ReLU;
  /// Dropout probability after each activation; 0 disables it. In [0, 1).
  float dropout = 0.0f;
  /// Also apply the activation (and dropout) after the last Linear.
  bool activate_last = false;
};

/// Throws ValueError naming the field when `options` cannot build a model.
void validate(const MLPOptions& options);

/// Represents: Linear layers in a ModuleList registered as "layers", so the
/// parameters are exactly layers.{i}.weight / layers.{i}.bias for the i-th
/// Linear (PyTorch's names for the same model). The activation and dropout are
/// parameterless children ("activation", "dropout"), applied between the
/// Linears and not after the last unless activate_last.
/// Requires: validate(options) passes; `gen` outlives the module (dropout draws from it).
/// Ensures: input [..., sizes.front()] -> output [..., sizes.back()].
class MLP : public Module {
 public:
  explicit MLP(const MLPOptions& options, Generator& gen = default_generator());

  Tensor forward(const Tensor& input) override;

  const MLPOptions& options() const { return options_; }
  /// The Linear layers, in order.
  const ModuleList& layers() const { return *layers_; }

  std::string type_name() const override { return "MLP"; }

 private:
  MLPOptions options_;
  std::shared_ptr<ModuleList> layers_;
  std::shared_ptr<Module> activation_;
  std::shared_ptr<Dropout> dropout_;  // null when options_.dropout == 0
};

}  // namespace fulcrum::nn
