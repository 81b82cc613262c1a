#include "interrupt.hpp"

#include <csignal>

namespace fulcrum::cli {

namespace {

std::atomic<std::atomic<bool>*> g_requested{nullptr};

extern "C" void on_interrupt(int) {
  if (std::atomic<bool>* requested = g_requested.load()) requested->store(true);
  std::signal(SIGINT, SIG_DFL);
}

}  // namespace

InterruptScope::InterruptScope(std::atomic<bool>& requested) {
  requested.store(false);
  g_requested.store(&requested);
  previous_ = std::signal(SIGINT, on_interrupt);
}

InterruptScope::~InterruptScope() {
  std::signal(SIGINT, previous_);
  g_requested.store(nullptr);
}

}  // namespace fulcrum::cli
