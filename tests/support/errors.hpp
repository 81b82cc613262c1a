#pragma once
// Checking the errors fulcrum throws: their type, and that their message names
// the problem (the function, the argument, the shapes or the bad element).

#include <exception>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

namespace fulcrum::testing {

/// The message of the ErrorType that `call` throws, or "" and a test failure.
template <typename ErrorType, typename Call>
std::string error_message(Call&& call) {
  try {
    call();
  } catch (const ErrorType& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

/// Expects `call` to throw an ErrorType whose message contains every one of `parts`.
template <typename ErrorType, typename Call>
void expect_error(Call&& call, std::initializer_list<const char*> parts) {
  try {
    call();
    ADD_FAILURE() << "no exception thrown";
  } catch (const ErrorType& e) {
    const std::string message = e.what();
    for (const char* part : parts)
      EXPECT_NE(message.find(part), std::string::npos)
          << "message \"" << message << "\" does not contain \"" << part << "\"";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

}  // namespace fulcrum::testing
