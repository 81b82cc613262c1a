#pragma once
// The exit codes of the `fulcrum` command, so that scripts can tell what went
// wrong without reading the message. One table: the constants, and the text
// `fulcrum --help` shows.

#include <string>

namespace fulcrum::cli {

inline constexpr int kExitOk = 0;
/// Training diverged, a file could not be written, a checkpoint is damaged, an
/// experiment run failed, or another process is training into the output
/// directory (train::RunLocked: the message names its pid; the same command
/// may succeed later).
inline constexpr int kExitRuntime = 1;
/// Bad command-line arguments or a config that does not check (ConfigError),
/// including a `train` into a directory that holds a run, without --resume or
/// --overwrite.
inline constexpr int kExitUsage = 2;
/// A data file is missing, unreadable or malformed (data::DataError).
inline constexpr int kExitData = 3;
/// Stopped after an epoch by SIGINT (Ctrl-C), SIGTERM or SIGHUP; the run can
/// be resumed. 128 + SIGINT for all three, so that a script has one code to check.
inline constexpr int kExitInterrupted = 130;

/// The table above as the help text's last lines.
inline std::string exit_codes_help() {
  return "Exit codes: 0 ok; 1 runtime error (diverged training, a damaged checkpoint, a "
         "failed experiment run, another process training into the directory); 2 usage or "
         "config error; 3 data error; 130 interrupted (Ctrl-C, SIGTERM or SIGHUP; continue "
         "with --resume).\n";
}

}  // namespace fulcrum::cli
