#include "fulcrum/layers/module_list.hpp"

#include <string>

#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {

ModuleList::ModuleList(const std::vector<std::shared_ptr<Module>>& modules) {
  for (const auto& module : modules) push_back(module);
}

void ModuleList::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

const std::shared_ptr<Module>& ModuleList::operator[](size_t index) const {
  FULCRUM_CHECK(index < modules_.size(), "ModuleList: index {} is out of range for {} modules",
                index, modules_.size());
  return modules_[index];
}

}  // namespace fulcrum::nn
