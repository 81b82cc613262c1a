#pragma once
// Helpers of the config tests: a minimal valid config, catching a ConfigError,
// and setting environment variables for one test.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fulcrum/config/loader.hpp"

namespace fulcrum::config::testing {

inline std::filesystem::path configs_dir() { return FULCRUM_CONFIGS_DIR; }

/// The smallest valid config: synthetic data, one multilabel head. Line 1 is
/// "data:"; tests that check line numbers append to it or build their own.
inline const std::string kMinimal =
    "data:\n"
    "  synthetic:\n"
    "    heads:\n"
    "      labels: {kind: multilabel, frequencies: [0.5, 0.1]}\n"
    "model:\n"
    "  heads:\n"
    "    labels: {kind: multilabel}\n";

inline RunConfig parse(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return parse_config(yaml, "test.yaml", overrides);
}

/// The ConfigError `action` throws; a test failure if it throws none.
template <class Action>
[[nodiscard]] ConfigError config_error(Action&& action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return ConfigError("(none thrown)", "", 0, 0, "");
}

[[nodiscard]] inline ConfigError parse_error(const std::string& yaml,
                                             const std::vector<std::string>& overrides = {}) {
  return config_error([&] { parse(yaml, overrides); });
}

#define EXPECT_CONTAINS(text, part)                                                     \
  EXPECT_NE(std::string(text).find(part), std::string::npos)                            \
      << "expected to find \"" << (part) << "\" in:\n  " << (text)

#define EXPECT_NOT_CONTAINS(text, part)                                                 \
  EXPECT_EQ(std::string(text).find(part), std::string::npos)                            \
      << "did not expect \"" << (part) << "\" in:\n  " << (text)

/// Sets (or, with nullopt, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace fulcrum::config::testing
