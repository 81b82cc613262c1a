#pragma once
// EXPECT that a call throws a given fulcrum error whose message names every
// one of `parts` (the function, the argument, the shapes or the bad element).

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace fulcrum::train::testing {

template <class ErrorType, class Call>
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

}  // namespace fulcrum::train::testing
