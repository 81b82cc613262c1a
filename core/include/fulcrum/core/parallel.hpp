#pragma once
// OpenMP only where the work is large enough to pay for waking threads.
// Work is split statically, so the same thread count gives the same split
// and the same floating-point results, bit for bit.

#include <cstdint>

#include <omp.h>

namespace fulcrum {

/// Below this many elements an elementwise loop runs on one thread.
inline constexpr int64_t kParallelGrain = 32768;

/// Threads OpenMP may use (omp_get_max_threads), and a setter for it.
int num_threads();
void set_num_threads(int n);

/// Calls fn(begin, end) over [0, n) in contiguous chunks, in parallel when
/// n * cost_per_item >= kParallelGrain.
template <typename Fn>
void parallel_for(int64_t n, Fn&& fn, int64_t cost_per_item = 1) {
  if (n * cost_per_item < kParallelGrain) {
    fn(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t threads = omp_get_num_threads();
    const int64_t id = omp_get_thread_num();
    const int64_t chunk = (n + threads - 1) / threads;
    const int64_t begin = id * chunk;
    const int64_t end = begin + chunk < n ? begin + chunk : n;
    if (begin < end) fn(begin, end);
  }
}

}  // namespace fulcrum
