#pragma once
// Module: the base of every layer and model, after torch::nn::Module.
//
// A Module owns named parameters and named child modules, both kept in
// registration order. Parameter names are dotted paths through the tree
// ("layers.0.weight", "backbone.0.bias", "heads.plot.weight"), the names
// PyTorch gives the same model, so checkpoints and golden files use one
// vocabulary.

#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fulcrum/core/sparse.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::nn {

/// Keys a strict load would have refused; returned by a non-strict load.
struct LoadStateDictResult {
  std::vector<std::string> missing_keys;     ///< in the model, not in the checkpoint
  std::vector<std::string> unexpected_keys;  ///< in the checkpoint, not in the model
};

/// Represents: a node of a model tree with parameters (leaf tensors that
/// require grad) and children, plus a training/eval flag.
/// Requires: modules are held by std::shared_ptr and not copied (a copy would
/// share or lose parameters silently, so copying is deleted).
/// Ensures: names are unique within a module, non-empty and free of '.', so
/// every dotted name identifies exactly one tensor.
class Module {
 public:
  /// Parameter name -> tensor. std::map so iteration (and a saved file) is sorted.
  using StateDict = std::map<std::string, Tensor>;

  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = delete;
  Module& operator=(Module&&) = delete;

  /// The layer's computation. The base version throws, naming type_name(),
  /// since containers such as ModuleList have no single forward.
  virtual Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  /// The computation on sparse input [B, in] (its shift included), for a
  /// model whose first layer is Linear; the output is dense. The base version
  /// throws naming type_name(): only Linear and the containers that start
  /// with one (Sequential) take sparse input.
  virtual Tensor forward_sparse(const std::shared_ptr<const CsrMatrix>& input);

  /// "Linear", "MLP", ...: used in messages and in to_string().
  virtual std::string type_name() const { return "Module"; }
  /// The settings printed inside the parentheses, like PyTorch's extra_repr
  /// ("in_features=6, out_features=16, bias=true"). Empty by default.
  virtual std::string extra_repr() const { return {}; }
  /// The tree as PyTorch prints it:
  ///   MLP(
  ///     (layers): ModuleList(
  ///       (0): Linear(in_features=6, out_features=16, bias=true)
  ///     ...
  std::string to_string() const;

  // -- building the tree -------------------------------------------------------
  /// Adds a parameter and marks it requires_grad. `tensor` must be a defined
  /// leaf; the module keeps this very handle, so the caller's copy of it is the
  /// parameter. Returns the handle.
  Tensor register_parameter(std::string name, Tensor tensor);

  /// Adds a child module and returns it with its own type, so that
  /// `linear_ = register_module("fc", std::make_shared<Linear>(4, 2));` works.
  template <typename M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "register_module needs a Module");
    add_child(std::move(name), module);
    return module;
  }

  // -- walking the tree --------------------------------------------------------
  /// Parameters with dotted names: this module's own first, then each child's,
  /// in registration order. A tensor registered under two names (a shared
  /// layer) is listed once, under its first name, as in PyTorch, so that an
  /// optimizer steps it once.
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// The direct children, in registration order.
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;

  // -- modes and gradients -------------------------------------------------------
  /// Sets training mode (Dropout is active) on this module and every descendant.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  /// Drops every parameter's gradient (PyTorch's set_to_none=true).
  void zero_grad();

  // -- checkpoints -------------------------------------------------------------
  /// Every parameter under every name it has (shared tensors appear under each
  /// name, as in PyTorch). The values are detached handles that SHARE storage
  /// with the parameters: they see later updates. Clone them for a snapshot.
  StateDict state_dict() const;

  /// Copies the checkpoint's values into the existing parameter storage, so
  /// optimizers holding parameter handles keep working. All checks run before
  /// any value is copied: a refused load leaves the model unchanged.
  /// strict: missing and unexpected keys are errors (ValueError naming them);
  /// otherwise they are returned. A shape mismatch is always an error; the
  /// message reads "layers.0.weight: checkpoint has [16, 6], model has [16, 7]"
  /// (ShapeError when shapes are the only problem).
  LoadStateDictResult load_state_dict(const StateDict& state, bool strict = true);

 private:
  void add_child(std::string name, std::shared_ptr<Module> child);
  void check_new_name(const std::string& name, const char* what) const;
  bool is_in_subtree(const Module* target) const;
  /// Every (name, parameter) pair, duplicates included, prefixed by `prefix`.
  void collect_parameters(const std::string& prefix, bool recurse,
                          std::vector<std::pair<std::string, Tensor>>& out) const;

  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;  // PyTorch's default: modules start in training mode
};

}  // namespace fulcrum::nn
