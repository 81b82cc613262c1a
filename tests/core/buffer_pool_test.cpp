// The caching allocator: freed buffers are reused, and a training step
// repeated with the same shapes allocates nothing new once warmed up.

#include <cstdint>

#include <gtest/gtest.h>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"

namespace fulcrum {
namespace {

// A size no other test uses, so the counters below move only because of us.
constexpr int64_t kOddSize = 12347;

TEST(BufferPool, FreedBuffersAreReused) {
  const MemoryStats before = memory_stats();
  const float* first = nullptr;
  {
    Tensor t = Tensor::empty({kOddSize});
    first = t.data();
    EXPECT_EQ(memory_stats().live_buffers, before.live_buffers + 1);
  }
  EXPECT_EQ(memory_stats().live_buffers, before.live_buffers);
  const MemoryStats middle = memory_stats();
  Tensor again = Tensor::empty({kOddSize});
  EXPECT_EQ(again.data(), first) << "the cached buffer of the same size should come back";
  EXPECT_EQ(memory_stats().reused, middle.reused + 1);
  EXPECT_EQ(memory_stats().fresh_allocations, middle.fresh_allocations);
}

TEST(BufferPool, BuffersAreAlignedForSimd) {
  for (int64_t n : {1, 3, 17, 1000}) {
    const Tensor t = Tensor::empty({n});
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % 64, 0u) << n;
  }
}

TEST(BufferPool, EmptyCacheReleasesCachedBuffers) {
  { Tensor t = Tensor::empty({kOddSize + 1}); }
  EXPECT_GT(memory_stats().cached_bytes, 0u);
  empty_cache();
  EXPECT_EQ(memory_stats().cached_bytes, 0u);
  const MemoryStats before = memory_stats();
  Tensor t = Tensor::empty({kOddSize + 1});
  EXPECT_EQ(memory_stats().fresh_allocations, before.fresh_allocations + 1);
}

// One step of a small classifier: forward through every kind of op, backward,
// then drop the gradients the way an optimizer loop does.
void training_step(Tensor& w1, Tensor& b1, Tensor& w2, const Tensor& x, const Tensor& target) {
  Tensor h = gelu(linear(x, w1, b1));                                // [16, 8]
  Tensor parts = concat({slice(h, 1, 0, 4), slice(h, 1, 4, 8)}, 0);  // [32, 4]
  Tensor back = reshape(transpose(parts, 0, 1), {4, 2, 16});
  Tensor bias_term = sum(broadcast_to(b1, {2, 8}), 0, true);         // [1, 8]
  Tensor logits = linear(h, w2, Tensor());                           // [16, 3]
  Tensor loss = mean(mul(log_softmax(logits, -1), target)) + mean(sigmoid(back)) +
                mean(pow(bias_term, 2.0f));
  loss.backward();
  w1.zero_grad();
  b1.zero_grad();
  w2.zero_grad();
}

TEST(BufferPool, RepeatedTrainingStepsAllocateNothingNew) {
  Generator gen(5);
  Tensor w1 = normal({8, 4}, 0, 0.5f, gen).requires_grad_();
  Tensor b1 = normal({8}, 0, 0.5f, gen).requires_grad_();
  Tensor w2 = normal({3, 8}, 0, 0.5f, gen).requires_grad_();
  const Tensor x = normal({16, 4}, 0, 1, gen);
  const Tensor target = bernoulli({16, 3}, 0.5f, gen);
  for (int i = 0; i < 3; ++i) training_step(w1, b1, w2, x, target);
  const MemoryStats warm = memory_stats();
  for (int i = 0; i < 20; ++i) training_step(w1, b1, w2, x, target);
  const MemoryStats after = memory_stats();
  EXPECT_EQ(after.fresh_allocations, warm.fresh_allocations);
  EXPECT_EQ(after.live_buffers, warm.live_buffers) << "buffers leak across steps";
  EXPECT_GT(after.reused, warm.reused);
}

}  // namespace
}  // namespace fulcrum
