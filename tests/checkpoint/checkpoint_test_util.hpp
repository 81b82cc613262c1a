#pragma once
// Helpers for the checkpoint tests: a scratch directory per test and raw file
// bytes, so that tests can build and inspect files byte by byte.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "fulcrum/core/tensor.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::checkpoint {
namespace fs = std::filesystem;
}  // namespace fulcrum::checkpoint

namespace fulcrum::checkpoint::test {

using fulcrum::testing::expect_error;

using Bytes = std::vector<unsigned char>;

/// A fresh directory for one test, removed (with its contents) afterwards.
class ScratchDir : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fulcrum::testing::test_dir("checkpoint"); }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }
  fs::path path(const std::string& name) const { return dir_ / name; }
  /// The names of the files in the directory, to spot leftovers.
  std::set<std::string> listing() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  fs::path dir_;
};

inline Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline void append_u64(Bytes& bytes, uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<unsigned char>(value >> (8 * i)));
}

/// A file with the given header text (not padded) and data bytes, as a
/// safetensors writer would lay them out.
inline Bytes raw_file(const std::string& header, const Bytes& data = {}) {
  Bytes bytes;
  append_u64(bytes, header.size());
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

/// Same shape and the same bits in every element.
inline void expect_bitwise_equal(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  EXPECT_EQ(std::memcmp(got.data(), want.data(), static_cast<size_t>(got.numel()) * sizeof(float)),
            0)
      << what << ": " << got.to_string() << " vs " << want.to_string();
}

}  // namespace fulcrum::checkpoint::test
