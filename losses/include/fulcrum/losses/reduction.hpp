#pragma once
// How a loss combines its per-element losses, with PyTorch's names.

#include <span>
#include <string_view>

#include "fulcrum/core/names.hpp"

namespace fulcrum::nn {

/// None: the per-element losses, in the input's layout. Mean: their mean (each
/// loss documents its divisor). Sum: their sum. Mean and Sum give a scalar.
enum class Reduction { None, Mean, Sum };

/// "none", "mean", "sum": PyTorch's spelling (case-sensitive), the one table
/// behind parse_reduction, to_string and parse_name<Reduction> / name_of.
inline std::span<const Named<Reduction>> name_table(Reduction) {
  static constexpr Named<Reduction> kTable[] = {
      {Reduction::None, "none"}, {Reduction::Mean, "mean"}, {Reduction::Sum, "sum"}};
  return kTable;
}

/// parse_name<Reduction>(name, "reduction"): the reduction called `name`.
/// Throws ValueError naming the bad string, the nearest name if it looks like
/// a typo, and the accepted names otherwise
/// ("unknown reduction 'mena'; did you mean 'mean'? (valid: none, mean, sum)").
Reduction parse_reduction(std::string_view name);

/// name_of(reduction): the name parse_reduction accepts for `reduction`.
std::string_view to_string(Reduction reduction);

}  // namespace fulcrum::nn
