#pragma once
// Sequential: modules applied one after the other, after torch.nn.Sequential.

#include <cstddef>
#include <memory>
#include <vector>

#include "fulcrum/layers/module.hpp"

namespace fulcrum::nn {

/// Represents: the chain x -> m0(x) -> m1(m0(x)) -> ...; children are named
/// "0", "1", ... so Sequential(Linear, ReLU) has parameters "0.weight" and
/// "0.bias", exactly as in PyTorch. An empty Sequential returns its input.
/// A Linear directly followed by a ReLU runs as one fused op
/// (Linear::forward_relu), with the same numbers.
class Sequential : public Module {
 public:
  Sequential() = default;
  explicit Sequential(const std::vector<std::shared_ptr<Module>>& modules);

  /// Appends `module` under the name std::to_string(size()).
  void push_back(std::shared_ptr<Module> module);
  Tensor forward(const Tensor& input) override;
  /// The first module on the sparse input, the rest on its dense output.
  /// An empty Sequential cannot return sparse input and throws.
  Tensor forward_sparse(const std::shared_ptr<const CsrMatrix>& input) override;

  size_t size() const { return modules_.size(); }
  /// The index-th module; an index past the end throws naming both numbers.
  const std::shared_ptr<Module>& operator[](size_t index) const;
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

  std::string type_name() const override { return "Sequential"; }

 private:
  Tensor forward_from(size_t first, Tensor x);

  std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace fulcrum::nn
