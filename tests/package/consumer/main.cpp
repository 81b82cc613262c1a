// A user's program built against an installed fulcrum: an MLP on a small random
// multi-label problem, trained with BCEWithLogitsLoss (pos_weight for the rare
// labels) and Adam, the LibTorch way. Exits non-zero unless the loss is finite
// and goes down, so the package test checks that the installed libraries
// compute, not only that they link.

#include <cmath>
#include <cstdio>
#include <exception>

#include <fulcrum/fulcrum.hpp>

namespace {

using fulcrum::Tensor;

int run() {
  fulcrum::manual_seed(0);
  const int64_t batch = 32, features = 8, labels = 3;
  const Tensor x = fulcrum::normal({batch, features});
  // Label j is on with probability 0.1, 0.2, 0.3: imbalanced, as fulcrum expects.
  const Tensor y = fulcrum::concat({fulcrum::bernoulli({batch, 1}, 0.1f),
                                    fulcrum::bernoulli({batch, 1}, 0.2f),
                                    fulcrum::bernoulli({batch, 1}, 0.3f)},
                                   1);

  fulcrum::nn::MLP model({.sizes = {features, 16, labels}});
  fulcrum::nn::BCEWithLogitsLoss criterion({.pos_weight = Tensor::from({labels}, {9, 4, 2})});
  fulcrum::optim::Adam optimizer(model.parameters(), {.lr = 1e-2});

  const int steps = 20;
  float first_loss = 0.0f, last_loss = 0.0f;
  for (int step = 0; step < steps; ++step) {
    optimizer.zero_grad();
    const Tensor loss = criterion(model.forward(x), y);
    loss.backward();
    optimizer.step();
    last_loss = loss.item();
    if (step == 0) first_loss = last_loss;
    std::printf("step %2d  loss %.6f\n", step, static_cast<double>(last_loss));
  }

  if (!std::isfinite(last_loss) || !(last_loss < first_loss) ||
      optimizer.step_count() != steps) {
    std::fprintf(stderr, "FAIL: loss %f -> %f after %lld Adam steps\n",
                 static_cast<double>(first_loss), static_cast<double>(last_loss),
                 static_cast<long long>(optimizer.step_count()));
    return 1;
  }
  std::printf("OK: loss %.6f -> %.6f\n", static_cast<double>(first_loss),
              static_cast<double>(last_loss));
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL: %s\n", e.what());
    return 1;
  }
}
