#include "fulcrum/layers/module_dict.hpp"

#include <fmt/ranges.h>

#include <algorithm>

#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {

ModuleDict::ModuleDict(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& items) {
  for (const auto& [name, module] : items) insert(name, module);
}

void ModuleDict::insert(std::string name, std::shared_ptr<Module> module) {
  register_module(name, module);  // checks the name is new and valid
  items_.emplace_back(std::move(name), std::move(module));
}

bool ModuleDict::contains(std::string_view name) const {
  return std::any_of(items_.begin(), items_.end(),
                     [&](const auto& item) { return item.first == name; });
}

const std::shared_ptr<Module>& ModuleDict::at(std::string_view name) const {
  for (const auto& item : items_)
    if (item.first == name) return item.second;
  throw ValueError(fmt::format("ModuleDict: no module named '{}'; the names are: {}", name,
                               fmt::join(keys(), ", ")));
}

std::vector<std::string> ModuleDict::keys() const {
  std::vector<std::string> names;
  for (const auto& item : items_) names.push_back(item.first);
  return names;
}

}  // namespace fulcrum::nn
