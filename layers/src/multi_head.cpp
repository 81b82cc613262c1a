#include "fulcrum/layers/multi_head.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/linear.hpp"

namespace fulcrum::nn {

const Tensor& HeadOutputs::at(std::string_view name) const {
  for (const auto& [head, output] : outputs)
    if (head == name) return output;
  std::vector<std::string> names;
  for (const auto& [head, output] : outputs) names.push_back(head);
  throw ValueError(
      fmt::format("no head named '{}'; the heads are: {}", name, fmt::join(names, ", ")));
}

MultiHead::MultiHead(std::shared_ptr<Module> backbone, Heads heads) {
  FULCRUM_CHECK(backbone != nullptr, "MultiHead: the backbone is null");
  FULCRUM_CHECK(!heads.empty(), "MultiHead: needs at least one head");
  backbone_ = register_module("backbone", std::move(backbone));
  heads_ = register_module("heads", std::make_shared<ModuleDict>(heads));
}

HeadOutputs MultiHead::forward_heads(const Tensor& input) {
  const Tensor hidden = backbone_->forward(input);
  HeadOutputs result;
  result.outputs.reserve(heads_->size());
  for (const auto& [name, head] : *heads_) result.outputs.emplace_back(name, head->forward(hidden));
  return result;
}

HeadOutputs MultiHead::forward_heads(const std::shared_ptr<const CsrMatrix>& input) {
  HeadOutputs result;
  result.outputs.reserve(heads_->size());
  const auto* sequential = dynamic_cast<const Sequential*>(backbone_.get());
  const bool identity = dynamic_cast<const Identity*>(backbone_.get()) != nullptr ||
                        (sequential != nullptr && sequential->size() == 0);
  if (identity) {  // no hidden layer: each head reads the input
    for (const auto& [name, head] : *heads_)
      result.outputs.emplace_back(name, head->forward_sparse(input));
    return result;
  }
  const Tensor hidden = backbone_->forward_sparse(input);
  for (const auto& [name, head] : *heads_) result.outputs.emplace_back(name, head->forward(hidden));
  return result;
}

Tensor MultiHead::forward(const Tensor& /*input*/) {
  throw ValueError(fmt::format("MultiHead has one output per head ({}): call forward_heads(x)",
                               fmt::join(head_names(), ", ")));
}

std::shared_ptr<Sequential> make_backbone(const MLPOptions& options, Generator& gen) {
  validate(options);
  auto backbone = std::make_shared<Sequential>();
  for (size_t i = 0; i + 1 < options.sizes.size(); ++i) {
    backbone->push_back(std::make_shared<Linear>(options.sizes[i], options.sizes[i + 1], gen));
    backbone->push_back(make_activation(options.activation));
    if (options.dropout > 0.0f)
      backbone->push_back(std::make_shared<Dropout>(options.dropout, gen));
  }
  return backbone;
}

}  // namespace fulcrum::nn
