#pragma once
// Checking the errors fulcrum throws: their type, and that their message names
// the problem (the function, the argument, the key, the shapes, the file and
// line or the bad element). Checking the type alone would let a test pass when
// the right type is thrown for the wrong reason, so every expected error in the
// tests goes through expect_error or error_message.

#include <cxxabi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

namespace fulcrum::testing {

/// Where a check was called from, like std::source_location, which the
/// sanitizer builds' Debian clang 14 cannot compile with libstdc++ 12: as a
/// default argument, current() gives the caller's file and line.
struct CallSite {
  const char* file;
  int line;

  static CallSite current(const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
    return {file, line};
  }
};

namespace detail {

/// The readable name of a type, e.g. "fulcrum::ShapeError".
inline std::string type_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

/// The message of the ErrorType (or subclass) that `call` throws; nothing, and a
/// test failure at `where`, when it throws nothing or another type.
template <typename ErrorType, typename Call>
std::optional<std::string> caught_message(Call&& call, CallSite where) {
  try {
    call();
  } catch (const std::exception& e) {
    if (dynamic_cast<const ErrorType*>(&e) != nullptr) return std::string(e.what());
    ADD_FAILURE_AT(where.file, where.line) << "expected " << type_name(typeid(ErrorType))
                                           << ", got " << type_name(typeid(e)) << ": " << e.what();
    return std::nullopt;
  }
  ADD_FAILURE_AT(where.file, where.line)
      << "expected " << type_name(typeid(ErrorType)) << ", but nothing was thrown";
  return std::nullopt;
}

}  // namespace detail

/// The message of the ErrorType that `call` throws, or "" and a test failure.
/// Check what the message says: discarding it checks only the type.
template <typename ErrorType, typename Call>
[[nodiscard]] std::string error_message(Call&& call, CallSite where = CallSite::current()) {
  return detail::caught_message<ErrorType>(call, where).value_or("");
}

/// Expects `call` to throw an ErrorType (or a subclass) whose message contains
/// every one of `parts`; a failure names the line that called expect_error.
template <typename ErrorType, typename Call>
void expect_error(Call&& call, std::initializer_list<std::string_view> parts,
                  CallSite where = CallSite::current()) {
  if (parts.size() == 0)
    ADD_FAILURE_AT(where.file, where.line) << "name at least one part of the expected message";
  const std::optional<std::string> message = detail::caught_message<ErrorType>(call, where);
  if (!message) return;
  for (std::string_view part : parts)
    if (message->find(part) == std::string::npos)
      ADD_FAILURE_AT(where.file, where.line)
          << "message \"" << *message << "\" does not contain \"" << part << "\"";
}

}  // namespace fulcrum::testing
