// What every optimizer promises: options are checked by name, parameter lists
// are checked, zero_grad drops gradients, set_lr takes effect, and steady-state
// steps allocate no tensor buffers.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/optim/adam.hpp"
#include "fulcrum/optim/sgd.hpp"
#include "optim_test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::optim {
namespace {

using fulcrum::testing::expect_error;

using test::wavy;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<Tensor> one_param() { return {wavy({3}, 1).requires_grad_()}; }

// `make` must throw ValueError whose message contains every needle.
void expect_invalid(const std::function<void()>& make, const std::vector<std::string>& needles) {
  try {
    make();
    ADD_FAILURE() << "accepted; expected an error mentioning " << needles.front();
  } catch (const ValueError& e) {
    for (const auto& needle : needles)
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(OptimizerOptions, AdamRejectsInvalidHyperparameters) {
  const auto adam = [](AdamOptions o) { return [o] { [[maybe_unused]] Adam a(one_param(), o); }; };
  expect_invalid(adam({.lr = -1e-3}), {"Adam", "invalid lr = -0.001"});
  expect_invalid(adam({.lr = kNaN}), {"Adam", "invalid lr"});
  expect_invalid(adam({.lr = kInf}), {"Adam", "invalid lr"});
  expect_invalid(adam({.betas = {1.0, 0.999}}), {"Adam", "invalid betas.first = 1"});
  expect_invalid(adam({.betas = {-0.1, 0.999}}), {"Adam", "invalid betas.first = -0.1"});
  expect_invalid(adam({.betas = {0.9, 1.5}}), {"Adam", "invalid betas.second = 1.5"});
  expect_invalid(adam({.betas = {0.9, kNaN}}), {"Adam", "invalid betas.second"});
  expect_invalid(adam({.eps = -1e-8}), {"Adam", "invalid eps"});
  expect_invalid(adam({.weight_decay = -0.1}), {"Adam", "invalid weight_decay = -0.1"});
  const AdamOptions edge{.lr = 0, .betas = {0.0, 0.0}, .eps = 0};
  EXPECT_NO_THROW({ [[maybe_unused]] Adam a(one_param(), edge); });
}

TEST(OptimizerOptions, AdamWRejectsInvalidHyperparameters) {
  const auto adamw = [](AdamWOptions o) { return [o] { [[maybe_unused]] AdamW a(one_param(), o); }; };
  expect_invalid(adamw({.lr = -1}), {"AdamW", "invalid lr"});
  expect_invalid(adamw({.betas = {0.9, 1.0}}), {"AdamW", "invalid betas.second"});
  expect_invalid(adamw({.eps = kNaN}), {"AdamW", "invalid eps"});
  expect_invalid(adamw({.weight_decay = -1e-2}), {"AdamW", "invalid weight_decay"});
}

TEST(OptimizerOptions, SGDRejectsInvalidHyperparameters) {
  const auto sgd = [](SGDOptions o) { return [o] { [[maybe_unused]] SGD a(one_param(), o); }; };
  expect_invalid(sgd({}), {"SGD", "lr is required"});
  expect_invalid(sgd({.lr = -0.1}), {"SGD", "invalid lr = -0.1"});
  expect_invalid(sgd({.lr = 0.1, .momentum = -0.9}), {"SGD", "invalid momentum"});
  expect_invalid(sgd({.lr = 0.1, .dampening = kInf}), {"SGD", "invalid dampening"});
  expect_invalid(sgd({.lr = 0.1, .weight_decay = -1}), {"SGD", "invalid weight_decay"});
  expect_invalid(sgd({.lr = 0.1, .nesterov = true}), {"SGD", "nesterov requires momentum > 0"});
  expect_invalid(sgd({.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .nesterov = true}),
                 {"SGD", "nesterov requires", "dampening = 0.1"});
}

TEST(OptimizerOptions, SetLrChecksAndTakesEffect) {
  Tensor p = Tensor::from({1}, {1.0f}).requires_grad_();
  SGD sgd({p}, {.lr = 0.1});
  expect_invalid([&] { sgd.set_lr(-1); }, {"SGD", "invalid lr = -1"});
  EXPECT_EQ(sgd.lr(), 0.1);
  sgd.set_lr(0.5);
  EXPECT_EQ(sgd.lr(), 0.5);
  p.set_grad(Tensor::from({1}, {2.0f}));
  sgd.step();
  EXPECT_FLOAT_EQ(p.item(), 0.0f);  // 1 - 0.5 * 2
}

TEST(OptimizerParams, RejectsEmptyUndefinedNonLeafAndRepeatedParameters) {
  expect_invalid([] { [[maybe_unused]] Adam a(std::vector<Tensor>{}); },
                 {"Adam", "empty parameter list"});
  expect_invalid([] { [[maybe_unused]] Adam a({wavy({2}, 1), Tensor()}); },
                 {"parameter 1 is an undefined tensor"});
  Tensor leaf = wavy({2}, 1).requires_grad_();
  const Tensor computed = leaf * 2.0f;
  expect_invalid([&] { [[maybe_unused]] Adam a({leaf, computed}); },
                 {"parameter 1", "not a leaf"});
  expect_invalid([&] { [[maybe_unused]] Adam a({leaf, leaf}); },
                 {"parameter 1", "same tensor as parameter 0"});
  expect_invalid([&] { [[maybe_unused]] Adam a({leaf, leaf.detach()}); },
                 {"same tensor as parameter 0"});
}

TEST(OptimizerParams, RejectsGradientOfTheWrongShapeBeforeUpdating) {
  Tensor a = wavy({3}, 1).requires_grad_();
  Tensor b = wavy({2}, 2).requires_grad_();
  const Tensor a_start = a.clone();
  Adam adam({a, b}, {});
  a.set_grad(wavy({3}, 3));
  // set_grad checks shapes, so write the mismatched gradient the way a buggy
  // op would: straight into the impl.
  const Tensor wrong = wavy({4}, 4);
  b.impl()->grad = std::make_shared<TensorImpl>(*wrong.impl());
  expect_error<ShapeError>([&] { adam.step(); },
                           {"Adam.step: parameter 1 has shape [2] but its gradient has shape [4]"});
  test::expect_bitwise_equal(a, a_start, "parameter 0 after the refused step");
  EXPECT_EQ(adam.step_count(), 0);
}

TEST(Optimizer, ZeroGradDropsGradients) {
  std::vector<Tensor> params{wavy({3}, 1).requires_grad_(), wavy({2}, 2).requires_grad_()};
  SGD sgd(params, {.lr = 0.1});
  params[0].set_grad(wavy({3}, 3));
  params[1].set_grad(wavy({2}, 4));
  sgd.zero_grad();
  EXPECT_FALSE(params[0].grad().defined());
  EXPECT_FALSE(params[1].grad().defined());
}

// After the first step has allocated the state, steps 2..10 take no new
// buffers from the system; the gradients are the same tensors, refilled.
void expect_no_fresh_allocations(Optimizer& optimizer, std::vector<Tensor>& params) {
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    grads.push_back(wavy(p.shape(), 1));
    Tensor(p).set_grad(grads.back());
  }
  optimizer.step();
  const MemoryStats after_first = memory_stats();
  for (int k = 2; k <= 10; ++k) {
    for (Tensor& g : grads) g.fill_(0.01f * static_cast<float>(k));
    optimizer.step();
  }
  const MemoryStats after_tenth = memory_stats();
  EXPECT_EQ(after_tenth.fresh_allocations, after_first.fresh_allocations);
  EXPECT_EQ(after_tenth.live_buffers, after_first.live_buffers);
  EXPECT_EQ(optimizer.step_count(), 10);
}

std::vector<Tensor> mixed_params() {
  // Includes one parameter large enough for the threaded loop.
  return {wavy({3, 4}, 1).requires_grad_(), wavy({5}, 2).requires_grad_(),
          wavy({300000}, 3).requires_grad_()};
}

TEST(OptimizerMemory, AdamAllocatesNothingAfterTheFirstStep) {
  std::vector<Tensor> params = mixed_params();
  Adam adam(params, {.weight_decay = 0.1, .amsgrad = true});
  expect_no_fresh_allocations(adam, params);
}

TEST(OptimizerMemory, AdamWAllocatesNothingAfterTheFirstStep) {
  std::vector<Tensor> params = mixed_params();
  AdamW adamw(params, {});
  expect_no_fresh_allocations(adamw, params);
}

TEST(OptimizerMemory, SGDAllocatesNothingAfterTheFirstStep) {
  std::vector<Tensor> params = mixed_params();
  SGD sgd(params, {.lr = 0.1, .momentum = 0.9, .weight_decay = 1e-4, .nesterov = true});
  expect_no_fresh_allocations(sgd, params);
}

}  // namespace
}  // namespace fulcrum::optim
