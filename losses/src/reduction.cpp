#include "fulcrum/losses/reduction.hpp"

namespace fulcrum::nn {

Reduction parse_reduction(std::string_view name) {
  return parse_name<Reduction>(name, "reduction");
}

std::string_view to_string(Reduction reduction) { return name_of(reduction); }

}  // namespace fulcrum::nn
