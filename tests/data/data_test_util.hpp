#pragma once
// Helpers for the data tests: files written to a fresh temporary directory,
// the stored fixtures, and checks of DataError messages.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>

#include <unistd.h>

#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data::testing {

/// A directory of its own under the system temp dir, removed with its files
/// when the object goes away.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("fulcrum-data-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `content` byte for byte to <dir>/<name> and returns the path.
  std::filesystem::path write(const std::string& name, std::string_view content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << content;
    return file;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// tests/data/fixtures/<name>.
inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(FULCRUM_DATA_FIXTURES_DIR) / name;
}

/// Runs fn, which must throw DataError, and returns the message; records a
/// test failure (and returns "") if it throws something else or nothing.
template <typename Fn>
std::string data_error(Fn&& fn) {
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
