#pragma once
// Gradient check, the same test for every op, loss and layer: fulcrum's
// float32 backward against central differences of a float64 reference of the
// forward (support/reference.hpp).

#include <functional>
#include <string>
#include <vector>

#include "fulcrum/core/tensor.hpp"
#include "support/reference.hpp"

namespace fulcrum::testing {

using OpFn = std::function<Tensor(const std::vector<Tensor>&)>;
using ReferenceFn = std::function<ref::Array(const std::vector<ref::Array>&)>;

/// The relative error of a gradient that every check must see.
inline constexpr double kGradcheckResolution = 1e-3;

struct GradcheckOptions {
  /// Central-difference step in double: truncation ~step^2, rounding ~1e-16/step.
  double step = 1e-6;
  /// A float32 backward agrees with the exact derivative to a few ulps of the
  /// terms it adds; these bounds are 10x below kGradcheckResolution.
  double atol = 1e-6;
  double rtol = 1e-4;
  /// fn's float32 forward against the reference, which shows the reference is
  /// the same function before its derivative is trusted.
  double forward_atol = 1e-5;
  double forward_rtol = 1e-5;
};

/// Checks d(loss)/d(input) for every input that requires grad, where
/// loss = sum(fn(inputs) * R) with a fixed random R (so every output element
/// and every direction is exercised): the gradient fulcrum's backward gives
/// against the central difference of sum(reference(inputs) * R) in double.
/// `reference` gets every input (as float64, whether it requires grad or not).
/// Reports mismatches with gtest, and fails too if the tolerances could not
/// see a relative error of kGradcheckResolution in the largest gradient.
void gradcheck(const OpFn& fn, const ReferenceFn& reference, std::vector<Tensor> inputs,
               const std::string& what, GradcheckOptions options = {});

}  // namespace fulcrum::testing
