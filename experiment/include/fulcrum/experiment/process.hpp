#pragma once
// Child processes for the experiment runner's process mode: start a program
// with its output in a log file, and poll for its exit. POSIX (fork/execv,
// waitpid); no shell is involved, so arguments need no quoting.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fulcrum::experiment {

/// Starts argv[0] (a path: PATH is not searched) with arguments argv[1..],
/// stdin from /dev/null, stdout and stderr appended to a fresh `log` file,
/// and this process's environment without the variables of an MPI launcher
/// (OMPI_*, PMIX_*, PMI_*, ...), so that a child of an MPI process never
/// takes itself for a part of the MPI job.
/// Returns the child's pid. If the program cannot be executed the child writes
/// why to `log` and exits with 127.
/// Throws fulcrum::Error when `log` cannot be created or fork fails.
pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log);

/// nullopt while child `pid` runs; once it has ended (it is then reaped), its
/// exit code, or 128 + the signal number if a signal killed it.
/// Requires: `pid` came from spawn_process and was not reaped yet.
std::optional<int> poll_process(pid_t pid);

/// Waits for child `pid` to end; its exit code as poll_process gives it.
int wait_process(pid_t pid);

}  // namespace fulcrum::experiment
