#pragma once
// Threads for fulcrum's kernels: one OpenMP pool for products and elementwise
// work, regions only where the work pays for waking threads, and work split
// so that results never depend on the thread count (products into blocks
// fixed by their shape and the machine's CPU count, sums over fixed blocks
// added in order).
//
// Thread policy. set_num_threads(n) with n > 0 uses exactly n threads. With 0
// (the default, `threads: 0` in a config, `--threads 0`) fulcrum uses the
// cores that nothing else is using: every 0.2 s it reads how busy the cores
// it may run on are (Linux /proc/stat, minus its own CPU time) and leaves out
// the cores another process keeps busy, never going below 1 or above
// OMP_NUM_THREADS / the affinity mask. A thread that shares its core with a
// busy process holds up every parallel region it is part of, which made two
// threads several times slower than one on a busy machine; since results do
// not depend on the thread count, changing it between regions changes no
// number.

#include <cstdint>

#include <omp.h>

namespace fulcrum {

/// Below this many elements an elementwise loop runs on one thread.
inline constexpr int64_t kParallelGrain = 131072;

/// Sets the thread policy: n > 0 threads exactly, 0 the adaptive default.
void set_num_threads(int n);

/// The threads the next parallel region will use (the adaptive count under
/// the default policy).
int num_threads();

/// The most threads the adaptive policy may use (OMP_NUM_THREADS, or the
/// CPUs this process may run on).
int max_threads();

/// Calls fn(begin, end) over [0, n) in contiguous chunks, in parallel when
/// n * cost_per_item >= kParallelGrain. fn must give results that do not
/// depend on how [0, n) is cut (each index written independently).
template <typename Fn>
void parallel_for(int64_t n, Fn&& fn, int64_t cost_per_item = 1) {
  const int threads = n * cost_per_item < kParallelGrain ? 1 : num_threads();
  if (threads <= 1 || omp_in_parallel()) {
    fn(int64_t{0}, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t team = omp_get_num_threads();
    const int64_t id = omp_get_thread_num();
    const int64_t chunk = (n + team - 1) / team;
    const int64_t begin = id * chunk;
    const int64_t end = begin + chunk < n ? begin + chunk : n;
    if (begin < end) fn(begin, end);
  }
}

}  // namespace fulcrum
