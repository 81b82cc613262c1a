#pragma once
// A fresh directory for one test, so that two runs of the suite on one host
// (or two tests of one run) never share or delete each other's files.

#include <filesystem>
#include <string>

namespace fulcrum::testing {

/// Represents: a directory made with mkdtemp under $TMPDIR (or /tmp), its
///   name starting with `prefix`, unique on the host.
/// Ensures: the destructor removes it and everything in it, in the process
///   that made it only (a forked child leaving does not take it away).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "fulcrum_test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// path() / name.
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }
  std::string string() const { return path_.string(); }
  /// Writes `text` as the file `name` in this directory (bytes as given).
  /// Ensures: returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
  int owner_ = 0;  ///< the pid that made it
};

/// A directory of this test process, made on first use and removed when the
/// process exits.
const std::filesystem::path& process_temp_dir();

/// A fresh, empty directory for the running test, named after it and `tag`,
/// under process_temp_dir(): unique on the host, removed with the process's.
std::filesystem::path test_dir(const std::string& tag = "dir");

}  // namespace fulcrum::testing
