// A training step in steady state takes every tensor buffer from the pool:
// after warm-up, steps allocate no new buffers, so a long run does not grow
// its memory step by step. Dropout is on, so its masks are covered too.

#include <gtest/gtest.h>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/layers/sequential.hpp"
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

// The same for a sparse first layer fed by the loader: shuffled sparse batches
// of varying non-zeros, standardised (a shift), through sparse_linear.
TEST(SteadyState, SparseTrainingStepAllocatesNoNewBuffers) {
  Generator gen(8);
  CsrMatrix x(200);
  for (int64_t i = 0; i < 256; ++i) {
    for (int64_t j = 0; j < 200; ++j)
      if (gen.uniform(0.0f, 1.0f) < 0.05f) x.push_back(j, 1.0f);
    x.end_row();
  }
  x.shift = uniform({200}, 0.0f, 0.1f, gen);
  data::Dataset dataset;
  dataset.sparse_features = std::make_shared<const CsrMatrix>(std::move(x));
  for (int64_t j = 0; j < 200; ++j) dataset.feature_names.push_back(std::to_string(j));
  dataset.targets.push_back({"labels",
                             TaskKind::MultiLabel,
                             bernoulli({256, 8}, 0.3f, gen),
                             {"a", "b", "c", "d", "e", "f", "g", "h"}});
  data::DataLoader loader(dataset, {.batch_size = 32, .shuffle = true, .seed = 1});
  nn::Sequential model({std::make_shared<nn::Linear>(200, 64, gen),
                        nn::make_activation(nn::Activation::ReLU),
                        std::make_shared<nn::Linear>(64, 8, gen)});
  nn::BCEWithLogitsLoss criterion(nn::BCEWithLogitsLossOptions{});
  optim::AdamW optimizer(model.parameters());
  data::Batch batch;
  auto epoch = [&](int64_t e) {
    loader.start_epoch(e);
    while (loader.next(batch)) {
      optimizer.zero_grad();
      Tensor loss = criterion(model.forward_sparse(batch.sparse_features), batch.targets[0]);
      loss.backward();
      optimizer.step();
    }
  };
  epoch(0);  // warm-up
  epoch(1);
  const uint64_t before = memory_stats().fresh_allocations;
  const CsrMatrix* matrix = batch.sparse_features.get();
  for (int64_t e = 2; e < 6; ++e) epoch(e);
  EXPECT_EQ(memory_stats().fresh_allocations, before)
      << "sparse training steps after warm-up took new buffers from the system";
  EXPECT_EQ(batch.sparse_features.get(), matrix) << "the loader should refill one batch matrix";
}

}  // namespace
}  // namespace fulcrum
