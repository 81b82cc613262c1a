#pragma once
// Helpers for the data tests: files written to a fresh temporary directory,
// the stored fixtures, and checks of DataError messages.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>

#include "fulcrum/data/dataset.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::data::testing {

/// A directory of its own (support/temp_dir.hpp), removed with its files when
/// the object goes away.
class TempDir {
 public:
  TempDir() = default;

  /// Writes `content` byte for byte to <dir>/<name> and returns the path.
  std::filesystem::path write(const std::string& name, std::string_view content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << content;
    return file;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  fulcrum::testing::TempDir dir_{"fulcrum_data_test"};
  std::filesystem::path path_ = dir_.path();
};

/// tests/data/fixtures/<name>.
inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(FULCRUM_DATA_FIXTURES_DIR) / name;
}

/// Runs fn, which must throw DataError, and returns the message; records a
/// test failure (and returns "") if it throws something else or nothing.
template <typename Fn>
[[nodiscard]] std::string data_error(Fn&& fn) {
  try {
    fn();
  } catch (const DataError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a DataError, got: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected a DataError, but nothing was thrown";
  return "";
}

/// Whether `text` contains `part`, with both in the failure message.
inline ::testing::AssertionResult contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

/// Whether `text` contains every one of `parts`.
inline ::testing::AssertionResult contains(const std::string& text,
                                           std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts)
    if (auto result = contains(text, part); !result) return result;
  return ::testing::AssertionSuccess();
}

}  // namespace fulcrum::data::testing
