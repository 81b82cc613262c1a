#include "interrupt.hpp"

#include <csignal>

namespace fulcrum::cli {

namespace {

std::atomic<std::atomic<bool>*> g_requested{nullptr};

extern "C" void on_interrupt(int) {
  if (std::atomic<bool>* requested = g_requested.load()) requested->store(true);
  // A second signal of any of them ends the process at once.
  for (const int signal : kStopSignals) std::signal(signal, SIG_DFL);
}

}  // namespace

InterruptScope::InterruptScope(std::atomic<bool>& requested) {
  requested.store(false);
  g_requested.store(&requested);
  for (size_t i = 0; i < kStopSignals.size(); ++i) {
    previous_[i] = std::signal(kStopSignals[i], on_interrupt);
  }
}

InterruptScope::~InterruptScope() {
  for (size_t i = 0; i < kStopSignals.size(); ++i) std::signal(kStopSignals[i], previous_[i]);
  g_requested.store(nullptr);
}

}  // namespace fulcrum::cli
