// One training step of a yeast-sized MLP (103 -> 256 -> 14, batch 64, ReLU,
// BCE-with-logits with pos_weight, AdamW): the unit of work of `fulcrum
// train`. Counters report the steps per second and the tensor buffers taken
// from the system per step once warm (expected: 0). bench/torch_train_step.py
// times the same step in PyTorch.

#include <benchmark/benchmark.h>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/optim/adam.hpp"

namespace fulcrum {
namespace {

void BM_TrainStep(benchmark::State& state) {
  const int64_t batch = state.range(0), hidden = state.range(1);
  constexpr int64_t kFeatures = 103, kLabels = 14;
  Generator gen(0);
  nn::MLP model(nn::MLPOptions{{kFeatures, hidden, kLabels}, "relu", 0.2f}, gen);
  nn::BCEWithLogitsLoss criterion({.pos_weight = uniform({kLabels}, 1.0f, 20.0f, gen)});
  optim::AdamW optimizer(model.parameters(), {.lr = 1e-3, .weight_decay = 1e-4});
  const Tensor x = normal({batch, kFeatures}, 0.0f, 1.0f, gen);
  const Tensor y = bernoulli({batch, kLabels}, 0.3f, gen);

  auto step = [&] {
    optimizer.zero_grad();
    Tensor loss = criterion(model(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  for (int i = 0; i < 5; ++i) step();  // warm the pool and the optimizer state

  const uint64_t fresh_before = memory_stats().fresh_allocations;
  for (auto _ : state) benchmark::DoNotOptimize(step());
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
  state.counters["fresh_buffers/step"] = benchmark::Counter(
      static_cast<double>(memory_stats().fresh_allocations - fresh_before) /
      static_cast<double>(state.iterations()));
  state.counters["threads"] = num_threads();
}

BENCHMARK(BM_TrainStep)->Args({64, 256})->Args({256, 256})->Args({1024, 1024})->UseRealTime();

}  // namespace
}  // namespace fulcrum
