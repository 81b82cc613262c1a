#pragma once
// Gradient clipping by total norm, torch.nn.utils.clip_grad_norm_.

#include <limits>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::optim {

/// Scales the gradients of `params` together so that their total norm is at
/// most about `max_norm`, and returns the total norm they had.
///
/// The total norm is the `norm_type`-norm of all gradient elements together
/// (norm_type = infinity gives the largest |g|); parameters without a gradient
/// are ignored, and with none at all the result is 0. When
/// max_norm / (total + 1e-6) < 1 every gradient is multiplied by that factor,
/// in place; otherwise the gradients are untouched.
///
/// Requires: max_norm finite and >= 0; norm_type > 0 (or infinity).
/// Throws ValueError "gradient norm is nan: ..." (or "inf") naming the first
/// parameter with a non-finite gradient, and leaves the gradients unscaled,
/// rather than spreading NaN into every parameter.
/// The sum runs in double over fixed blocks, so the result does not depend on
/// the number of threads.
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0);

/// The infinity norm, for `norm_type`.
inline constexpr double kInfNorm = std::numeric_limits<double>::infinity();

}  // namespace fulcrum::optim
