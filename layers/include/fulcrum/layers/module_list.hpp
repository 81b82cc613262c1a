#pragma once
// ModuleList: an indexed list of modules, after torch.nn.ModuleList.

#include <cstddef>
#include <memory>
#include <vector>

#include "fulcrum/layers/module.hpp"

namespace fulcrum::nn {

/// Represents: modules registered as children "0", "1", ..., in order, so
/// their parameters are named "0.weight", "1.weight", ... under the list.
/// Has no forward(): the owner decides how to call them (MLP puts its
/// activations between them).
class ModuleList : public Module {
 public:
  ModuleList() = default;
  explicit ModuleList(const std::vector<std::shared_ptr<Module>>& modules);

  /// Appends `module` under the name std::to_string(size()).
  void push_back(std::shared_ptr<Module> module);
  size_t size() const { return modules_.size(); }
  bool empty() const { return modules_.empty(); }
  /// The index-th module; an index past the end throws naming both numbers.
  const std::shared_ptr<Module>& operator[](size_t index) const;
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

  std::string type_name() const override { return "ModuleList"; }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace fulcrum::nn
