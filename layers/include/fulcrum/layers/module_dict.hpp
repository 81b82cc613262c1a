#pragma once
// ModuleDict: modules by name, in insertion order, after torch.nn.ModuleDict.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fulcrum/layers/module.hpp"

namespace fulcrum::nn {

/// Represents: named children kept in insertion order (a multi-head model's
/// heads: "plot", "acting", ...), so their parameters are "plot.weight", ...
/// Requires: names unique, non-empty, without '.'.
/// Has no forward(): the owner calls the modules.
class ModuleDict : public Module {
 public:
  ModuleDict() = default;
  explicit ModuleDict(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& items);

  void insert(std::string name, std::shared_ptr<Module> module);
  bool contains(std::string_view name) const;
  /// The module called `name`; an unknown name throws listing the valid ones.
  const std::shared_ptr<Module>& at(std::string_view name) const;
  /// The names in insertion order.
  std::vector<std::string> keys() const;
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

  std::string type_name() const override { return "ModuleDict"; }

 private:
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> items_;
};

}  // namespace fulcrum::nn
