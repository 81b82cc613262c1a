#include "fulcrum/layers/module.hpp"

#include <fmt/format.h>

#include <set>
#include <unordered_set>

#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// PyTorch's _addindent: every line after the first moves right by two spaces.
std::string indent_tail(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

}  // namespace

Tensor Module::forward(const Tensor& /*input*/) {
  throw ValueError(fmt::format(
      "{} has no forward(): a container's owner calls its children, a layer must override it",
      type_name()));
}

Tensor Module::forward_sparse(const std::shared_ptr<const CsrMatrix>& /*input*/) {
  throw ValueError(fmt::format(
      "{} does not take sparse input: a model on sparse features must start with a Linear layer",
      type_name()));
}

std::string Module::to_string() const {
  // Same layout as torch.nn.Module.__repr__.
  std::vector<std::string> lines;
  const std::string extra = extra_repr();
  if (!extra.empty()) lines.push_back(extra);
  for (const auto& [name, child] : children_)
    lines.push_back("(" + name + "): " + indent_tail(child->to_string()));
  if (lines.empty()) return type_name() + "()";
  if (children_.empty() && lines.size() == 1) return type_name() + "(" + extra + ")";
  return type_name() + "(\n  " + join(lines, "\n  ") + "\n)";
}

void Module::check_new_name(const std::string& name, const char* what) const {
  FULCRUM_CHECK(!name.empty(), "{}: cannot register a {} with an empty name", type_name(), what);
  FULCRUM_CHECK(name.find('.') == std::string::npos,
                "{}: {} name '{}' contains '.', which separates names in the module tree",
                type_name(), what, name);
  for (const auto& [existing, tensor] : parameters_)
    FULCRUM_CHECK(existing != name, "{}: a parameter named '{}' is already registered", type_name(),
                  name);
  for (const auto& [existing, child] : children_)
    FULCRUM_CHECK(existing != name, "{}: a module named '{}' is already registered", type_name(),
                  name);
}

Tensor Module::register_parameter(std::string name, Tensor tensor) {
  check_new_name(name, "parameter");
  FULCRUM_CHECK(tensor.defined(), "{}: parameter '{}' is an undefined tensor", type_name(), name);
  FULCRUM_CHECK(tensor.is_leaf(),
                "{}: parameter '{}' was computed by {}; parameters must be leaves (detach() it)",
                type_name(), name, tensor.op_name());
  tensor.requires_grad_(true);
  parameters_.emplace_back(std::move(name), tensor);
  return tensor;
}

bool Module::is_in_subtree(const Module* target) const {
  if (this == target) return true;
  for (const auto& [name, child] : children_)
    if (child->is_in_subtree(target)) return true;
  return false;
}

void Module::add_child(std::string name, std::shared_ptr<Module> child) {
  check_new_name(name, "module");
  FULCRUM_CHECK(child != nullptr, "{}: module '{}' is null", type_name(), name);
  // A cycle would make every recursive walk (parameters, train, to_string) endless.
  FULCRUM_CHECK(!child->is_in_subtree(this),
                "{}: registering '{}' ({}) would make the module tree a cycle", type_name(), name,
                child->type_name());
  children_.emplace_back(std::move(name), std::move(child));
}

void Module::collect_parameters(const std::string& prefix, bool recurse,
                                std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, tensor] : parameters_) out.emplace_back(prefix + name, tensor);
  if (!recurse) return;
  for (const auto& [name, child] : children_)
    child->collect_parameters(prefix + name + ".", true, out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> all;
  collect_parameters("", recurse, all);
  std::vector<std::pair<std::string, Tensor>> unique;
  std::unordered_set<const TensorImpl*> seen;
  for (auto& entry : all)
    if (seen.insert(entry.second.impl()).second) unique.push_back(std::move(entry));
  return unique;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, tensor] : named_parameters(recurse)) out.push_back(tensor);
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const {
  return children_;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (auto& [name, tensor] : parameters_) tensor.zero_grad();
  for (auto& [name, child] : children_) child->zero_grad();
}

Module::StateDict Module::state_dict() const {
  std::vector<std::pair<std::string, Tensor>> all;
  collect_parameters("", true, all);
  StateDict state;
  for (auto& [name, tensor] : all) state.emplace(name, tensor.detach());
  return state;
}

LoadStateDictResult Module::load_state_dict(const StateDict& state, bool strict) {
  std::vector<std::pair<std::string, Tensor>> own;
  collect_parameters("", true, own);

  LoadStateDictResult keys;
  std::vector<std::string> mismatches;
  std::set<std::string> own_names;
  for (const auto& [name, param] : own) {
    own_names.insert(name);
    const auto it = state.find(name);
    if (it == state.end()) {
      keys.missing_keys.push_back(name);
    } else if (!it->second.defined()) {
      mismatches.push_back(fmt::format("{}: checkpoint has an undefined tensor, model has {}", name,
                                       fulcrum::to_string(param.shape())));
    } else if (it->second.shape() != param.shape()) {
      mismatches.push_back(fmt::format("{}: checkpoint has {}, model has {}", name,
                                       fulcrum::to_string(it->second.shape()),
                                       fulcrum::to_string(param.shape())));
    }
  }
  for (const auto& [name, tensor] : state)
    if (!own_names.contains(name)) keys.unexpected_keys.push_back(name);

  const bool key_errors = strict && (!keys.missing_keys.empty() || !keys.unexpected_keys.empty());
  if (key_errors || !mismatches.empty()) {
    std::string message = fmt::format("load_state_dict into {} failed:", type_name());
    if (strict && !keys.missing_keys.empty())
      message += "\n  missing keys (in the model, not in the checkpoint): " +
                 join(keys.missing_keys, ", ");
    if (strict && !keys.unexpected_keys.empty())
      message += "\n  unexpected keys (in the checkpoint, not in the model): " +
                 join(keys.unexpected_keys, ", ");
    for (const std::string& mismatch : mismatches) message += "\n  shape mismatch for " + mismatch;
    if (key_errors) throw ValueError(message);
    throw ShapeError(message);
  }

  NoGradGuard no_grad;
  for (auto& [name, param] : own) {
    const auto it = state.find(name);
    if (it != state.end()) param.copy_(it->second);
  }
  return keys;
}

}  // namespace fulcrum::nn
