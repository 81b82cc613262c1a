#pragma once
// Errors fulcrum throws. Every message names the problem and where it is
// (shapes, file and line, config key), so that a user can fix the input.

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace fulcrum {

/// Base of every error fulcrum throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Shapes that do not fit: broadcasting, matmul, a loss's arguments.
class ShapeError : public Error {
 public:
  using Error::Error;
};

/// A value that is out of its domain: NaN in a loss, a negative size, ...
class ValueError : public Error {
 public:
  using Error::Error;
};

[[noreturn]] void throw_shape_error(const std::string& message);
[[noreturn]] void throw_value_error(const std::string& message);

}  // namespace fulcrum

/// FULCRUM_CHECK(cond, "fmt {}", args...): throws fulcrum::ValueError when cond is false.
#define FULCRUM_CHECK(cond, ...)                                      \
  do {                                                                \
    if (!(cond)) ::fulcrum::throw_value_error(fmt::format(__VA_ARGS__)); \
  } while (false)

/// FULCRUM_CHECK_SHAPE(cond, "fmt {}", args...): throws fulcrum::ShapeError.
#define FULCRUM_CHECK_SHAPE(cond, ...)                                \
  do {                                                                \
    if (!(cond)) ::fulcrum::throw_shape_error(fmt::format(__VA_ARGS__)); \
  } while (false)
