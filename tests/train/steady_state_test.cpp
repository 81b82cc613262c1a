// A training step in steady state takes every tensor buffer from the pool:
// after warm-up, steps allocate no new buffers, so a long run does not grow
// its memory step by step. Dropout is on, so its masks are covered too.

#include <gtest/gtest.h>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/optim/adam.hpp"
#include "fulcrum/optim/clip_grad.hpp"

namespace fulcrum {
namespace {

TEST(SteadyState, MlpTrainingStepAllocatesNoNewBuffers) {
  Generator gen(7);
  nn::MLP model(nn::MLPOptions{{32, 64, 64, 8}, nn::Activation::ReLU, 0.1f}, gen);
  nn::BCEWithLogitsLoss criterion({.weight = Tensor::full({8}, 0.5f),
                                   .pos_weight = Tensor::full({8}, 3.0f),
                                   .reduction = nn::Reduction::Mean});
  optim::AdamW optimizer(model.parameters());
  const Tensor input = normal({16, 32}, 0.0f, 1.0f, gen);
  const Tensor target = bernoulli({16, 8}, 0.3f, gen);

  auto step = [&] {
    optimizer.zero_grad();
    Tensor loss = criterion(model(input), target);
    loss.backward();
    optim::clip_grad_norm(model.parameters(), 1.0);
    optimizer.step();
    return loss.item();
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up: optimizer state, pool fills

  const uint64_t before = memory_stats().fresh_allocations;
  float first = step(), last = first;
  for (int i = 0; i < 20; ++i) last = step();
  EXPECT_EQ(memory_stats().fresh_allocations, before)
      << "training steps after warm-up took new buffers from the system";
  EXPECT_LT(last, first) << "the loss should fall on a fixed batch";
}

}  // namespace
}  // namespace fulcrum
