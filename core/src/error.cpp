#include "fulcrum/core/error.hpp"

namespace fulcrum {

void throw_shape_error(const std::string& message) { throw ShapeError(message); }
void throw_value_error(const std::string& message) { throw ValueError(message); }

}  // namespace fulcrum
