#pragma once
// Running a check and collecting the failures it reports instead of failing
// the current test: how the checks themselves are tested (a deliberately wrong
// gradient or golden case must be reported).

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace fulcrum::testing {

/// The messages of the failures `check` reports on this thread.
inline std::vector<std::string> failures_of(const std::function<void()>& check) {
  ::testing::TestPartResultArray results;
  {
    const ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    check();
  }
  std::vector<std::string> messages;
  for (int i = 0; i < results.size(); ++i)
    messages.emplace_back(results.GetTestPartResult(i).message());
  return messages;
}

}  // namespace fulcrum::testing
