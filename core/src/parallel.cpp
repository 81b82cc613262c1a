#include "fulcrum/core/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>

#include "busy_cores.hpp"

namespace fulcrum {
namespace {

// How often the adaptive policy looks at the machine again, and how soon
// after the first parallel region it first decides (/proc/stat counts in
// 10 ms ticks: a shorter first look would be mostly rounding).
constexpr auto kResample = std::chrono::milliseconds(200);
constexpr auto kFirstLook = std::chrono::milliseconds(50);

// Cores another process must keep busy (on average over the last interval)
// before a thread is left out: below this, a short burst elsewhere (a shell,
// a log writer) costs less than the thread gains.
constexpr double kBusyCoreThreshold = 0.25;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Policy {
  std::atomic<int> fixed{0};     // > 0: exactly this many threads
  // The current adaptive count: one thread until the first look, which on a
  // busy machine is what it would pick, and on a quiet one costs 50 ms.
  std::atomic<int> adaptive{1};
  std::atomic<int64_t> next_sample_ns{0};
  std::mutex sampling;
  detail::BusyCores busy;
  int ceiling = 1;

  Policy() : ceiling(std::max(1, omp_get_max_threads())) {
    busy.sample_others();  // the baseline of the first decision
    next_sample_ns = now_ns() + std::chrono::nanoseconds(kFirstLook).count();
  }
};

Policy& policy() {
  static Policy p;
  return p;
}

int adaptive_threads(Policy& p) {
  const int64_t now = now_ns();
  if (now >= p.next_sample_ns.load(std::memory_order_relaxed) && p.sampling.try_lock()) {
    std::lock_guard lock(p.sampling, std::adopt_lock);
    p.next_sample_ns.store(now + std::chrono::nanoseconds(kResample).count(),
                           std::memory_order_relaxed);
    int threads = p.ceiling;
    if (const auto others = p.busy.sample_others()) {
      const int taken = static_cast<int>(std::ceil(*others - kBusyCoreThreshold));
      threads = std::clamp(p.busy.cores() - std::max(taken, 0), 1, p.ceiling);
    }
    p.adaptive.store(threads, std::memory_order_relaxed);
  }
  return p.adaptive.load(std::memory_order_relaxed);
}

}  // namespace

void set_num_threads(int n) { policy().fixed.store(n > 0 ? n : 0); }

int num_threads() {
  Policy& p = policy();
  const int fixed = p.fixed.load(std::memory_order_relaxed);
  return fixed > 0 ? fixed : adaptive_threads(p);
}

int max_threads() { return policy().ceiling; }

}  // namespace fulcrum
