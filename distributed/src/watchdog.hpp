#pragma once
// Watchdog: ends the job when one blocking call waits too long. A thread of
// its own checks, every tenth of a second, how long the current call has
// been waiting; past the timeout it calls on_timeout (which does not return).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace fulcrum::distributed::detail {

class Watchdog {
 public:
  /// on_timeout(what, seconds waited) must not return (it ends the process).
  Watchdog(double timeout_seconds, std::function<void(const char*, double)> on_timeout);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void set_timeout(double seconds) { timeout_.store(seconds); }

  /// Represents: one watched wait, from construction to destruction; `what`
  /// (a string literal) names it in the timeout message. Not nested.
  class Wait {
   public:
    Wait(Watchdog& dog, const char* what);
    ~Wait();
    Wait(const Wait&) = delete;
    Wait& operator=(const Wait&) = delete;

   private:
    Watchdog& dog_;
  };

 private:
  void watch();

  std::atomic<double> timeout_;
  std::function<void(const char*, double)> on_timeout_;
  std::atomic<int64_t> waiting_since_ns_{0};  // 0: not waiting
  std::atomic<const char*> what_{""};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fulcrum::distributed::detail
