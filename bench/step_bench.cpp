// One training step (forward, loss, backward, Adam) of the benchmark
// workloads, timed in fulcrum; bench/torch_step_bench.py times the same steps
// in PyTorch and scripts/bench.sh puts them side by side.
//
//   fulcrum_step_bench WORKLOAD [THREADS [SECONDS]]
//   fulcrum_step_bench evaluate [THREADS [SECONDS]]   every metric of a delicious-sized split
//
// WORKLOAD is one of the names in kWorkloads, or "all". THREADS 0 (the
// default) is fulcrum's adaptive thread policy, N > 0 exactly N threads.
// Prints one JSON object per workload: the best milliseconds per step over
// five rounds, the best milliseconds of the optimizer's update alone, and the
// tensor buffers taken from the system per step once warm (0: every buffer
// comes back from the pool).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/metrics/multilabel.hpp"
#include "fulcrum/optim/adam.hpp"

namespace fulcrum {
namespace {

// sizes: in, hidden..., labels (BCE with pos_weight). class_heads > 0 adds
// that many 3-class cross-entropy heads beside the BCE head on the last
// hidden layer (the multi-head workload).
struct Workload {
  const char* name;
  int64_t batch;
  std::vector<int64_t> sizes;
  int class_heads = 0;
};

const std::vector<Workload> kWorkloads = {
    {"small", 32, {64, 64, 8}},
    {"medium", 256, {256, 512, 512, 20}},
    {"large", 512, {1024, 2048, 2048, 100}},
    {"multihead", 128, {128, 256, 10}, 4},
    {"bibtex", 64, {1836, 256, 159}},
    {"delicious", 64, {500, 256, 983}},
};

class Step {
 public:
  Step(const Workload& w, Generator& gen) : w_(w) {
    const int64_t labels = w.sizes.back();
    std::vector<int64_t> backbone(w.sizes.begin(), w.sizes.end() - 1);
    nn::MultiHead::Heads heads;
    heads.emplace_back("labels", std::make_shared<nn::Linear>(backbone.back(), labels, true, gen));
    for (int h = 0; h < w.class_heads; ++h)
      heads.emplace_back("class" + std::to_string(h),
                         std::make_shared<nn::Linear>(backbone.back(), 3, true, gen));
    auto trunk =
        std::make_shared<nn::MLP>(nn::MLPOptions{.sizes = backbone, .activate_last = true}, gen);
    model_ = std::make_unique<nn::MultiHead>(trunk, std::move(heads));
    bce_ = std::make_unique<nn::BCEWithLogitsLoss>(
        nn::BCEWithLogitsLossOptions{.pos_weight = uniform({labels}, 1.0f, 20.0f, gen)});
    optimizer_ = std::make_unique<optim::Adam>(model_->parameters(), optim::AdamOptions{});
    x_ = normal({w.batch, w.sizes.front()}, 0.0f, 1.0f, gen);
    y_ = bernoulli({w.batch, labels}, 0.1f, gen);
    classes_ = Tensor::empty({w.batch});
    for (int64_t i = 0; i < w.batch; ++i) classes_.data()[i] = static_cast<float>(i % 3);
  }

  void run() {
    optimizer_->zero_grad();
    const nn::HeadOutputs out = model_->forward_heads(x_);
    Tensor loss = (*bce_)(out[0].second, y_);
    for (size_t h = 1; h < out.size(); ++h)
      loss = loss + nn::cross_entropy(out[h].second, classes_);
    loss.backward();
    optimizer_->step();
  }

  /// The optimizer's update alone, on the gradients of the last run(): the
  /// memory-bound pass over every parameter that no product can absorb.
  void optimizer_step() { optimizer_->step(); }

 private:
  Workload w_;
  std::unique_ptr<nn::MultiHead> model_;
  std::unique_ptr<nn::BCEWithLogitsLoss> bce_;
  std::unique_ptr<optim::Adam> optimizer_;
  Tensor x_, y_, classes_;
};

// Floating-point operations of the step's matrix products: per Linear layer
// 2 batch in out for the forward, the same for dW, and for dX but at the
// first layer (the input needs no gradient).
double product_flops(const Workload& w) {
  double flops = 0;
  const auto layer = [&](int64_t in, int64_t out, bool first) {
    flops += (first ? 2.0 : 3.0) * 2.0 * static_cast<double>(w.batch * in * out);
  };
  for (size_t l = 0; l + 1 < w.sizes.size(); ++l) layer(w.sizes[l], w.sizes[l + 1], l == 0);
  for (int h = 0; h < w.class_heads; ++h) layer(w.sizes[w.sizes.size() - 2], 3, false);
  return flops;
}

volatile double benchmark_sink = 0;  // keeps the evaluation from being optimised away

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The best seconds per call of fn over five rounds of seconds / 5 each;
// `calls` counts every call made.
template <typename Fn>
double best_seconds_per_call(Fn&& fn, double seconds, int64_t& calls) {
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    const auto start = std::chrono::steady_clock::now();
    int64_t n = 0;
    do {
      fn();
      ++n;
    } while (seconds_since(start) < seconds / 5);
    best = std::min(best, seconds_since(start) / static_cast<double>(n));
    calls += n;
  }
  return best;
}

void bench(const Workload& w, int threads, double seconds) {
  Generator gen(0);
  Step step(w, gen);
  for (int i = 0; i < 5; ++i) step.run();  // warm the pool, the optimizer state, oneDNN
  const uint64_t fresh_before = memory_stats().fresh_allocations;
  int64_t total_steps = 0;
  const double best = best_seconds_per_call([&] { step.run(); }, seconds, total_steps);
  const double fresh = static_cast<double>(memory_stats().fresh_allocations - fresh_before) /
                       static_cast<double>(total_steps);
  int64_t optimizer_steps = 0;
  const double best_optimizer =
      best_seconds_per_call([&] { step.optimizer_step(); }, seconds / 5, optimizer_steps);
  std::printf(
      "{\"impl\": \"fulcrum\", \"workload\": \"%s\", \"threads\": %d, \"ms_per_step\": %.4f, "
      "\"samples_per_s\": %.0f, \"product_gflops\": %.2f, \"product_gflop\": %.4f, "
      "\"optimizer_ms\": %.4f, \"fresh_buffers_per_step\": %.3f, \"gemm\": \"%s\"}\n",
      w.name, threads, best * 1e3, static_cast<double>(w.batch) / best,
      product_flops(w) / best * 1e-9, product_flops(w) * 1e-9, best_optimizer * 1e3, fresh,
      gemm_library());
  std::fflush(stdout);
}

// Every multi-label metric (per-label ROC-AUC and AP, micro and macro,
// ranking metrics, calibration) of delicious' test split shape: 3185 rows of
// 983 labels, about 2% positive.
void bench_evaluation(double seconds) {
  Generator gen(1);
  const Tensor truth = bernoulli({3185, 983}, 0.02f, gen);
  const Tensor scores = uniform({3185, 983}, 0.0f, 1.0f, gen);
  double best = 1e30;
  const auto start = std::chrono::steady_clock::now();
  do {
    const auto one = std::chrono::steady_clock::now();
    benchmark_sink = metrics::multilabel_metrics(truth, scores, 0.5f).roc_auc_macro.value_or(0);
    best = std::min(best, seconds_since(one));
  } while (seconds_since(start) < seconds);
  std::printf(
      "{\"impl\": \"fulcrum\", \"workload\": \"evaluate-delicious\", \"threads\": %d, "
      "\"ms_per_evaluation\": %.2f}\n",
      num_threads(), best * 1e3);
}

}  // namespace
}  // namespace fulcrum

int main(int argc, char** argv) {
  using namespace fulcrum;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s WORKLOAD|all [THREADS [SECONDS]]\n", argv[0]);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "evaluate") {
    set_num_threads(argc > 2 ? std::atoi(argv[2]) : 0);
    bench_evaluation(argc > 3 ? std::atof(argv[3]) : 2.0);
    return 0;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 2.0;
  set_num_threads(threads);
  bool found = false;
  for (const Workload& w : kWorkloads) {
    if (name != "all" && name != w.name) continue;
    found = true;
    bench(w, threads, seconds);
  }
  if (!found) {
    std::fprintf(stderr, "unknown workload '%s'\n", name.c_str());
    return 2;
  }
  return 0;
}
