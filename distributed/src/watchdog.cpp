#include "watchdog.hpp"

namespace fulcrum::distributed::detail {

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

}  // namespace

Watchdog::Watchdog(double timeout_seconds, std::function<void(const char*, double)> on_timeout)
    : timeout_(timeout_seconds), on_timeout_(std::move(on_timeout)), thread_([this] { watch(); }) {}

Watchdog::~Watchdog() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Watchdog::watch() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; })) {
    const int64_t since = waiting_since_ns_.load();
    if (since == 0) continue;
    const double waited = static_cast<double>(now_ns() - since) * 1e-9;
    if (waited > timeout_.load()) on_timeout_(what_.load(), waited);
  }
}

Watchdog::Wait::Wait(Watchdog& dog, const char* what) : dog_(dog) {
  dog_.what_.store(what);
  dog_.waiting_since_ns_.store(now_ns());
}

Watchdog::Wait::~Wait() { dog_.waiting_since_ns_.store(0); }

}  // namespace fulcrum::distributed::detail
