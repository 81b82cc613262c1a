#include "fulcrum/layers/sequential.hpp"

#include <string>

#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {

Sequential::Sequential(const std::vector<std::shared_ptr<Module>>& modules) {
  for (const auto& module : modules) push_back(module);
}

void Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& module : modules_) x = module->forward(x);
  return x;
}

const std::shared_ptr<Module>& Sequential::operator[](size_t index) const {
  FULCRUM_CHECK(index < modules_.size(), "Sequential: index {} is out of range for {} modules",
                index, modules_.size());
  return modules_[index];
}

}  // namespace fulcrum::nn
