#pragma once
// MultiHead: one shared backbone feeding several named heads, e.g. one
// classifier per label group ("plot", "acting", "music", "tags").

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/layers/module.hpp"
#include "fulcrum/layers/module_dict.hpp"
#include "fulcrum/layers/sequential.hpp"

namespace fulcrum::nn {

/// The outputs of MultiHead::forward_heads: (head name, output) in head order.
struct HeadOutputs {
  std::vector<std::pair<std::string, Tensor>> outputs;

  /// The output of head `name`; an unknown name throws listing the heads.
  const Tensor& at(std::string_view name) const;
  size_t size() const { return outputs.size(); }
  const std::pair<std::string, Tensor>& operator[](size_t index) const { return outputs[index]; }
  auto begin() const { return outputs.begin(); }
  auto end() const { return outputs.end(); }
};

/// Represents: heads_i(backbone(x)) for each head. Registers "backbone" and a
/// ModuleDict "heads", so parameters are named backbone.0.weight (for a
/// Sequential backbone) and heads.plot.weight, as PyTorch names them.
/// Requires: a non-null backbone; at least one head; head names unique,
/// non-empty, without '.'; each head accepts the backbone's output.
class MultiHead : public Module {
 public:
  using Heads = std::vector<std::pair<std::string, std::shared_ptr<Module>>>;

  MultiHead(std::shared_ptr<Module> backbone, Heads heads);

  /// Runs the backbone once and every head on its output.
  HeadOutputs forward_heads(const Tensor& input);
  /// The same on sparse input: the backbone (or, with an empty backbone,
  /// each head) must start with a Linear layer.
  HeadOutputs forward_heads(const std::shared_ptr<const CsrMatrix>& input);
  /// Throws: a multi-head model has one output per head; use forward_heads.
  Tensor forward(const Tensor& input) override;

  std::vector<std::string> head_names() const { return heads_->keys(); }
  const std::shared_ptr<Module>& backbone() const { return backbone_; }
  /// The head called `name`; an unknown name throws listing the heads.
  const std::shared_ptr<Module>& head(std::string_view name) const { return heads_->at(name); }

  std::string type_name() const override { return "MultiHead"; }

 private:
  std::shared_ptr<Module> backbone_;
  std::shared_ptr<ModuleDict> heads_;
};

/// A backbone from MLP options: Sequential(Linear, activation, [Dropout],
/// Linear, activation, [Dropout], ...). Unlike MLP, the activation follows
/// every Linear, the last included, since the output is a hidden
/// representation for the heads (activate_last is ignored). Indices are
/// PyTorch's nn.Sequential ones: sizes {6, 16} gives backbone.0.weight, and
/// with dropout the second Linear is child "3".
/// Requires: validate(options) passes; `gen` outlives the backbone.
std::shared_ptr<Sequential> make_backbone(const MLPOptions& options,
                                          Generator& gen = default_generator());

}  // namespace fulcrum::nn
