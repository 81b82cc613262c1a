#pragma once
// The exit codes of the `fulcrum` command, so that scripts can tell what went
// wrong without reading the message.

namespace fulcrum::cli {

inline constexpr int kExitOk = 0;
/// Training diverged, a file could not be written, a checkpoint is damaged.
inline constexpr int kExitRuntime = 1;
/// Bad command-line arguments or a config that does not check (ConfigError).
inline constexpr int kExitUsage = 2;
/// A data file is missing, unreadable or malformed (data::DataError).
inline constexpr int kExitData = 3;
/// Stopped by Ctrl-C after an epoch; the run can be resumed (128 + SIGINT).
inline constexpr int kExitInterrupted = 130;

}  // namespace fulcrum::cli
