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

Tensor Sequential::forward_sparse(const std::shared_ptr<const CsrMatrix>& input) {
  FULCRUM_CHECK(!modules_.empty(),
                "an empty Sequential would return its sparse input: a model on sparse features "
                "needs a Linear layer first");
  Tensor x = modules_.front()->forward_sparse(input);
  for (size_t i = 1; i < modules_.size(); ++i) x = modules_[i]->forward(x);
  return x;
}

const std::shared_ptr<Module>& Sequential::operator[](size_t index) const {
  FULCRUM_CHECK(index < modules_.size(), "Sequential: index {} is out of range for {} modules",
                index, modules_.size());
  return modules_[index];
}

}  // namespace fulcrum::nn
