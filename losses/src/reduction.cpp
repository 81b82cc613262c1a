#include "fulcrum/losses/reduction.hpp"

#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {

Reduction parse_reduction(std::string_view name) {
  if (name == "none") return Reduction::None;
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  throw_value_error(fmt::format(R"(unknown reduction "{}": expected one of "none", "mean", "sum")",
                                name));
}

std::string_view to_string(Reduction reduction) {
  switch (reduction) {
    case Reduction::None: return "none";
    case Reduction::Mean: return "mean";
    case Reduction::Sum: return "sum";
  }
  return "unknown";
}

}  // namespace fulcrum::nn
