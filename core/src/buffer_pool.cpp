#include "fulcrum/core/buffer_pool.hpp"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace fulcrum {
namespace {

// 64-byte alignment suits AVX-512 loads and keeps Eigen's aligned paths open.
constexpr size_t kAlignment = 64;

class BufferPool {
 public:
  float* acquire(size_t size) {
    {
      std::lock_guard lock(mutex_);
      ++stats_.live_buffers;
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        float* p = it->second.back();
        it->second.pop_back();
        ++stats_.reused;
        stats_.cached_bytes -= bytes(size);
        return p;
      }
      ++stats_.fresh_allocations;
    }
    void* p = std::aligned_alloc(kAlignment, bytes(size));
    if (!p) throw std::bad_alloc();
    return static_cast<float*>(p);
  }

  void release(float* p, size_t size) {
    std::lock_guard lock(mutex_);
    --stats_.live_buffers;
    stats_.cached_bytes += bytes(size);
    free_[size].push_back(p);
  }

  MemoryStats stats() {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  void empty() {
    std::lock_guard lock(mutex_);
    for (auto& [size, list] : free_)
      for (float* p : list) std::free(p);
    free_.clear();
    stats_.cached_bytes = 0;
  }

 private:
  // aligned_alloc wants a multiple of the alignment; never ask for 0 bytes.
  static size_t bytes(size_t size) {
    const size_t raw = std::max<size_t>(size, 1) * sizeof(float);
    return (raw + kAlignment - 1) / kAlignment * kAlignment;
  }

  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<float*>> free_;
  MemoryStats stats_;
};

BufferPool& pool() {
  // Leaked on purpose: tensors in static storage may outlive any other static.
  static BufferPool* instance = new BufferPool();
  return *instance;
}

}  // namespace

Buffer::Buffer(size_t size) : data_(pool().acquire(size)), size_(size) {}
Buffer::~Buffer() { pool().release(data_, size_); }

MemoryStats memory_stats() { return pool().stats(); }
void empty_cache() { pool().empty(); }

}  // namespace fulcrum
