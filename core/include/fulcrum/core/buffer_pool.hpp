#pragma once
// A caching allocator for tensor storage.
//
// Training repeats the same shapes every step, so freed buffers are kept,
// keyed by size, and handed out again: after the first steps a training step
// allocates no new tensor buffers (see MemoryStats::fresh_allocations). This
// is the same idea as PyTorch's caching allocator, without the block splitting.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace fulcrum {

/// Counters of the process-wide buffer pool.
struct MemoryStats {
  uint64_t fresh_allocations = 0;  ///< buffers that had to come from the system
  uint64_t reused = 0;             ///< buffers served from the cache
  uint64_t live_buffers = 0;       ///< buffers handed out and not yet returned
  uint64_t cached_bytes = 0;       ///< bytes held in the cache, ready for reuse
};

/// Contiguous float storage of a fixed size, returned to the pool on destruction.
class Buffer {
 public:
  explicit Buffer(size_t size);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  float* data() { return data_; }
  const float* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  float* data_;
  size_t size_;
};

/// Snapshot of the pool's counters.
MemoryStats memory_stats();

/// Frees every cached buffer (live buffers are untouched).
void empty_cache();

}  // namespace fulcrum
