// The checks every error test relies on (support/errors.hpp): an expected
// error passes only with the right type and every named part of its message,
// and each way of missing it is reported at the caller's line.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"
#include "support/failures.hpp"

namespace fulcrum {
namespace {

using testing::error_message;
using testing::expect_error;
using testing::failures_of;

void throw_value(const char* message) { throw ValueError(message); }

/// Whether `text` contains `part`.
bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ExpectError, PassesOnTheRightTypeWithEveryPart) {
  EXPECT_TRUE(failures_of([] {
                expect_error<ValueError>([] { throw_value("lr = -1 must be > 0"); },
                                         {"lr = -1", "must be > 0"});
              }).empty());
}

TEST(ExpectError, AcceptsASubclassOfTheExpectedType) {
  EXPECT_TRUE(
      failures_of([] { expect_error<Error>([] { throw_value("bad"); }, {"bad"}); }).empty());
}

TEST(ExpectError, ReportsEachMissingPartWithTheMessage) {
  const std::vector<std::string> failures = failures_of([] {
    expect_error<ValueError>([] { throw_value("lr = -1 must be > 0"); },
                             {"lr = -1", "momentum", "epochs"});
  });
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_TRUE(has(failures[0], "message \"lr = -1 must be > 0\" does not contain \"momentum\""))
      << failures[0];
  EXPECT_TRUE(has(failures[1], "does not contain \"epochs\"")) << failures[1];
}

TEST(ExpectError, ReportsTheWrongTypeNamingBoth) {
  const std::vector<std::string> failures =
      failures_of([] { expect_error<ShapeError>([] { throw_value("lr = -1"); }, {"lr"}); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(has(failures[0], "expected fulcrum::ShapeError, got fulcrum::ValueError: lr = -1"))
      << failures[0];
}

TEST(ExpectError, ReportsNothingThrown) {
  const std::vector<std::string> failures =
      failures_of([] { expect_error<ValueError>([] {}, {"lr"}); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(has(failures[0], "expected fulcrum::ValueError, but nothing was thrown"))
      << failures[0];
}

TEST(ExpectError, RefusesToCheckTheTypeAlone) {
  const std::vector<std::string> failures =
      failures_of([] { expect_error<ValueError>([] { throw_value("bad"); }, {}); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(has(failures[0], "name at least one part of the expected message")) << failures[0];
}

TEST(ExpectError, FailuresPointAtTheCallersLine) {
  ::testing::TestPartResultArray results;
  int line = 0;
  {
    const ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    line = __LINE__ + 1;
    expect_error<ValueError>([] {}, {"lr"});
  }
  ASSERT_EQ(results.size(), 1);
  const ::testing::TestPartResult& failure = results.GetTestPartResult(0);
  EXPECT_TRUE(has(failure.file_name(), "expect_error_test.cpp")) << failure.file_name();
  EXPECT_EQ(failure.line_number(), line);
}

TEST(ErrorMessage, ReturnsTheMessageOrEmptyWithAFailure) {
  EXPECT_EQ(error_message<ValueError>([] { throw_value("lr = -1"); }), "lr = -1");
  std::string message = "unchanged";
  const std::vector<std::string> failures =
      failures_of([&] { message = error_message<ShapeError>([] { throw_value("lr = -1"); }); });
  EXPECT_EQ(message, "");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(has(failures[0], "expected fulcrum::ShapeError, got fulcrum::ValueError"))
      << failures[0];
}

}  // namespace
}  // namespace fulcrum
