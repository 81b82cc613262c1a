#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace fulcrum::testing {

TempDir::TempDir(const std::string& prefix) {
  const char* root = std::getenv("TMPDIR");
  const std::filesystem::path base = root && *root ? root : "/tmp";
  std::string pattern = (base / (prefix + ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr)
    throw std::runtime_error("TempDir: mkdtemp(" + pattern + ") failed: " + std::strerror(errno));
  path_ = name.data();
  owner_ = static_cast<int>(::getpid());
}

TempDir::~TempDir() {
  if (static_cast<int>(::getpid()) != owner_) return;
  std::error_code ignored;  // a destructor must not throw; a leftover dir in /tmp is harmless
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
  const std::filesystem::path file = path_ / name;
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write the test file " + file.string());
  return file;
}

const std::filesystem::path& process_temp_dir() {
  static const TempDir dir("fulcrum_test");
  return dir.path();
}

std::filesystem::path test_dir(const std::string& tag) {
  std::string name = tag;
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info())
    name = std::string(info->test_suite_name()) + "." + info->name() + "." + tag;
  for (char& c : name)
    if (c == '/') c = '_';  // parameterised test names hold slashes
  const std::filesystem::path dir = process_temp_dir() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace fulcrum::testing
