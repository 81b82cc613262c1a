#pragma once
// A one-line progress bar on stderr for the epochs of `fulcrum train`.

#include <chrono>

#include "fulcrum/train/trainer.hpp"

namespace fulcrum::cli {

/// Represents: the line "epoch 3/20 [#####.....] 12/24  loss 0.4123  15234 samples/s",
/// redrawn in place with '\r'. Drawn only when enabled (the caller enables it
/// when stderr is a terminal, so logs and pipes get no control characters);
/// at most ten times a second, and erased after an epoch's last batch so that
/// the epoch's log line takes its place.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  void update(const train::BatchProgress& progress);
  /// Erases the bar (before anything else is written to stderr).
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

/// Whether stderr is a terminal.
bool stderr_is_terminal();

}  // namespace fulcrum::cli
