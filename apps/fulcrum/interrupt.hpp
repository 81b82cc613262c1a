#pragma once
// Ctrl-C (SIGINT), SIGTERM (kill, a batch scheduler ending a job) and SIGHUP
// (the terminal closed) in the `fulcrum` command: the first one asks the work
// in progress to stop at its next safe point (a trainer after its epoch, an
// experiment before its next run), so that what was done is kept and can be
// resumed; a second one ends the process at once.

#include <array>
#include <atomic>
#include <csignal>

namespace fulcrum::cli {

/// The signals that ask for a stop at the next safe point.
inline constexpr std::array<int, 3> kStopSignals{SIGINT, SIGTERM, SIGHUP};

/// Represents: for its lifetime, any of kStopSignals sets `requested` (and
/// restores their default action, so that a second one ends the process).
/// The previous handlers are restored afterwards.
/// Requires: one InterruptScope at a time.
class InterruptScope {
 public:
  explicit InterruptScope(std::atomic<bool>& requested);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  std::array<void (*)(int), kStopSignals.size()> previous_{};
};

}  // namespace fulcrum::cli
