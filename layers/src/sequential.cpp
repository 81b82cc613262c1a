#include "fulcrum/layers/sequential.hpp"

#include <string>
#include <typeinfo>

#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/linear.hpp"

namespace fulcrum::nn {

Sequential::Sequential(const std::vector<std::shared_ptr<Module>>& modules) {
  for (const auto& module : modules) push_back(module);
}

void Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

Tensor Sequential::forward(const Tensor& input) { return forward_from(0, input); }

Tensor Sequential::forward_from(size_t first, Tensor x) {
  for (size_t i = first; i < modules_.size(); ++i) {
    // A Linear followed by a ReLU runs as one op: the same numbers, without a
    // pass over the activations each way.
    if (i + 1 < modules_.size() && typeid(*modules_[i]) == typeid(Linear) &&
        typeid(*modules_[i + 1]) == typeid(ReLU)) {
      x = static_cast<Linear&>(*modules_[i]).forward_relu(x);
      ++i;
    } else {
      x = modules_[i]->forward(x);
    }
  }
  return x;
}

Tensor Sequential::forward_sparse(const std::shared_ptr<const CsrMatrix>& input) {
  FULCRUM_CHECK(!modules_.empty(),
                "an empty Sequential would return its sparse input: a model on sparse features "
                "needs a Linear layer first");
  return forward_from(1, modules_.front()->forward_sparse(input));
}

const std::shared_ptr<Module>& Sequential::operator[](size_t index) const {
  FULCRUM_CHECK(index < modules_.size(), "Sequential: index {} is out of range for {} modules",
                index, modules_.size());
  return modules_[index];
}

}  // namespace fulcrum::nn
