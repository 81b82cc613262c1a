#pragma once
// Running a program as a user runs it from a shell, in a directory of the
// test's own, with what it printed captured: the end-to-end tests of the
// `fulcrum` command, whose path the including target defines as FULCRUM_BIN.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fulcrum::testing {

/// Represents: how a command ended and what it wrote to its standard output
/// and error.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// The file's bytes, or "" when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

/// The exit code of the shell command line `command`, or -1 when a signal
/// ended it.
inline int exit_code_of(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Runs the shell command line `command` in `dir`; its output and errors pass
/// through dir/stdout.txt and dir/stderr.txt.
inline CommandResult run_in(const std::filesystem::path& dir, const std::string& command) {
  CommandResult result;
  result.exit_code =
      exit_code_of("cd '" + dir.string() + "' && " + command + " > stdout.txt 2> stderr.txt");
  result.out = read_file(dir / "stdout.txt");
  result.err = read_file(dir / "stderr.txt");
  return result;
}

#ifdef FULCRUM_BIN
/// Runs `fulcrum ARGS` in `dir` (ARGS may redirect standard input); `prefix`
/// goes before the binary (VAR=value, or a command that execs it).
inline CommandResult run_fulcrum(const std::filesystem::path& dir, const std::string& args,
                                 const std::string& prefix = "") {
  return run_in(dir, prefix + " '" FULCRUM_BIN "' " + args);
}
#endif

}  // namespace fulcrum::testing
