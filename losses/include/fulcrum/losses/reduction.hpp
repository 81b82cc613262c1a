#pragma once
// How a loss combines its per-element losses, with PyTorch's names.

#include <string_view>

namespace fulcrum::nn {

/// None: the per-element losses, in the input's layout. Mean: their mean (each
/// loss documents its divisor). Sum: their sum. Mean and Sum give a scalar.
enum class Reduction { None, Mean, Sum };

/// Parses "none", "mean" or "sum" (PyTorch's spelling, case-sensitive).
/// Throws ValueError naming the bad string and the accepted names otherwise.
Reduction parse_reduction(std::string_view name);

/// The name parse_reduction accepts for `reduction`.
std::string_view to_string(Reduction reduction);

}  // namespace fulcrum::nn
