// spawn_process / poll_process / wait_process: fork + execv + waitpid.
#include "fulcrum/experiment/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "fulcrum/core/error.hpp"

extern char** environ;

namespace fulcrum::experiment {

namespace {

// This process's environment without what an MPI launcher sets for its
// processes: a child of a process of an MPI job (a run of a distributed
// experiment) is a program of its own, which must not take itself for that
// process and join the job.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    bool launcher = false;
    for (const std::string_view prefix : {"OMPI_", "PMIX_", "PMI_", "OPAL_", "ORTE_"}) {
      launcher = launcher || text.substr(0, prefix.size()) == prefix;
    }
    if (!launcher) env.emplace_back(text);
  }
  return env;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// Only async-signal-safe calls between fork and exec (the parent may have
// other threads): write(2), no allocation, no stdio.
void write_all(int fd, const char* text) {
  size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t written = ::write(fd, text, left);
    if (written <= 0) return;
    text += written;
    left -= static_cast<size_t>(written);
  }
}

std::optional<int> wait_for(pid_t pid, int flags) {
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, flags);
    if (done == pid) return exit_code_of(status);
    if (done == 0) return std::nullopt;
    if (errno == EINTR) continue;
    throw Error(fmt::format("waitpid({}) failed: {}", pid, std::strerror(errno)));
  }
}

}  // namespace

pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  FULCRUM_CHECK(!argv.empty(), "spawn_process: no program to run");
  // Everything the child needs is prepared before fork.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_text = child_environment();
  std::vector<char*> env;
  for (std::string& entry : env_text) env.push_back(entry.data());
  env.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    throw Error(
        fmt::format("cannot create the run log {}: {}", log.string(), std::strerror(errno)));
  }
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::fflush(nullptr);  // buffered output must not be written twice

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw Error(fmt::format("cannot start {}: fork failed: {}", argv[0], std::strerror(error)));
  }
  if (pid == 0) {
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execve(args[0], args.data(), env.data());
    write_all(STDERR_FILENO, "fulcrum experiment: cannot execute ");
    write_all(STDERR_FILENO, args[0]);
    write_all(STDERR_FILENO, errno == ENOENT ? ": no such file\n" : ": exec failed\n");
    ::_exit(127);
  }
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);
  return pid;
}

std::optional<int> poll_process(pid_t pid) { return wait_for(pid, WNOHANG); }

int wait_process(pid_t pid) { return *wait_for(pid, 0); }

}  // namespace fulcrum::experiment
