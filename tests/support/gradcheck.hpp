#pragma once
// Finite-difference gradient check, the same test for every op and layer.

#include <functional>
#include <string>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::testing {

struct GradcheckOptions {
  float eps = 1e-3f;   ///< central-difference step
  double atol = 2e-3;  ///< float32 central differences are good to about 1e-3
  double rtol = 2e-2;
};

/// Checks d(loss)/d(input) for every input that requires grad, where
/// loss = sum(fn(inputs) * R) with a fixed random R (so every output element
/// and every direction is exercised). Reports mismatches with gtest.
void gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
               std::vector<Tensor> inputs, const std::string& what,
               GradcheckOptions options = {});

}  // namespace fulcrum::testing
