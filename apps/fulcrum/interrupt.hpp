#pragma once
// Ctrl-C in the `fulcrum` command: the first one asks the work in progress to
// stop at its next safe point (a trainer after its epoch, an experiment before
// its next run), so that what was done is kept and can be resumed; a second
// one ends the process at once.

#include <atomic>

namespace fulcrum::cli {

/// Represents: for its lifetime, SIGINT sets `requested` (and restores the
/// default action, so that a second SIGINT ends the process). The previous
/// handler is restored afterwards.
/// Requires: one InterruptScope at a time.
class InterruptScope {
 public:
  explicit InterruptScope(std::atomic<bool>& requested);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  void (*previous_)(int);
};

}  // namespace fulcrum::cli
