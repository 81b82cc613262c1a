// state() / load_state(): a checkpointed optimizer continues exactly as the
// original would have, and a state that does not fit is refused by name.

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/optim/adam.hpp"
#include "fulcrum/optim/sgd.hpp"
#include "optim_test_util.hpp"

namespace fulcrum::optim {
namespace {

using test::expect_bitwise_equal;
using test::wavy;

using MakeOptimizer = std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)>;

struct Config {
  std::string name;
  MakeOptimizer make;
};

std::vector<Config> configs() {
  return {
      {"Adam", [](auto ps) { return std::make_unique<Adam>(ps, AdamOptions{.lr = 0.01,
                                                                           .weight_decay = 0.1}); }},
      {"Adam amsgrad",
       [](auto ps) { return std::make_unique<Adam>(ps, AdamOptions{.lr = 0.01, .amsgrad = true}); }},
      {"AdamW", [](auto ps) { return std::make_unique<AdamW>(ps, AdamWOptions{.lr = 0.01}); }},
      {"SGD momentum",
       [](auto ps) {
         return std::make_unique<SGD>(ps, SGDOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.1});
       }},
      {"SGD nesterov",
       [](auto ps) {
         return std::make_unique<SGD>(
             ps, SGDOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01, .nesterov = true});
       }},
  };
}

// Gives both parameters their gradient of step k; parameter 1 has none at
// step 0, so its state lags behind (state.1.step < step for Adam).
void set_grads(std::vector<Tensor>& params, int k) {
  params[0].set_grad(wavy({3}, 100 + k));
  params[1].set_grad(k == 0 ? Tensor() : wavy({2, 2}, 200 + k));
}

std::vector<Tensor> fresh_params() {
  return {wavy({3}, 1).requires_grad_(), wavy({2, 2}, 2).requires_grad_()};
}

std::vector<Tensor> clones(const std::vector<Tensor>& params) {
  std::vector<Tensor> out;
  for (const Tensor& p : params) out.push_back(p.clone().requires_grad_());
  return out;
}

TEST(OptimizerState, RoundTripContinuesBitIdentically) {
  for (const Config& config : configs()) {
    SCOPED_TRACE(config.name);
    std::vector<Tensor> params = fresh_params();
    auto original = config.make(params);
    for (int k = 0; k < 3; ++k) {
      set_grads(params, k);
      original->step();
    }
    const OptimizerState saved = original->state();

    std::vector<Tensor> restored_params = clones(params);
    auto restored = config.make(restored_params);
    restored->load_state(saved);
    EXPECT_EQ(restored->step_count(), 3);
    for (int k = 3; k < 6; ++k) {
      set_grads(params, k);
      set_grads(restored_params, k);
      original->step();
      restored->step();
    }
    EXPECT_EQ(restored->step_count(), 6);
    for (size_t i = 0; i < params.size(); ++i)
      expect_bitwise_equal(restored_params[i], params[i], "parameter " + std::to_string(i));
  }
}

std::set<std::string> names_of(const OptimizerState& state) {
  std::set<std::string> names;
  for (const auto& [name, value] : state) names.insert(name);
  return names;
}

TEST(OptimizerState, UsesPyTorchStateNames) {
  std::vector<Tensor> params = fresh_params();
  Adam adam(params, {.amsgrad = true});
  set_grads(params, 1);
  adam.step();
  const std::set<std::string> adam_names{"step",
                                         "state.0.step",
                                         "state.0.exp_avg",
                                         "state.0.exp_avg_sq",
                                         "state.0.max_exp_avg_sq",
                                         "state.1.step",
                                         "state.1.exp_avg",
                                         "state.1.exp_avg_sq",
                                         "state.1.max_exp_avg_sq"};
  EXPECT_EQ(names_of(adam.state()), adam_names);

  SGD sgd(params, {.lr = 0.1, .momentum = 0.5});
  sgd.step();
  const std::set<std::string> sgd_names{"step", "state.0.momentum_buffer",
                                        "state.1.momentum_buffer"};
  EXPECT_EQ(names_of(sgd.state()), sgd_names);
}

TEST(OptimizerState, StateIsASnapshot) {
  std::vector<Tensor> params = fresh_params();
  Adam adam(params, {});
  set_grads(params, 1);
  adam.step();
  const OptimizerState before = adam.state();
  const Tensor exp_avg = before[2].second.clone();
  ASSERT_EQ(before[2].first, "state.0.exp_avg");
  adam.step();
  expect_bitwise_equal(before[2].second, exp_avg, "saved exp_avg after another step");
  EXPECT_EQ(before[0].second.item(), 1.0f);
}

// The state of a 3-step Adam run, edited by `edit`, must be refused with an
// error of type E whose message contains `needle`; the target optimizer must
// be left as it was.
template <typename E>
void expect_refused(const std::function<void(OptimizerState&)>& edit, const std::string& needle,
                    AdamOptions target_options = {}) {
  std::vector<Tensor> params = fresh_params();
  Adam source(params, {});
  for (int k = 0; k < 3; ++k) {
    set_grads(params, k);
    source.step();
  }
  OptimizerState state = source.state();
  edit(state);

  std::vector<Tensor> target_params = fresh_params();
  Adam target(target_params, target_options);
  set_grads(target_params, 1);
  target.step();
  const OptimizerState target_before = target.state();
  try {
    target.load_state(state);
    ADD_FAILURE() << "state accepted; expected an error mentioning " << needle;
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  EXPECT_EQ(target.step_count(), 1);
  const OptimizerState target_after = target.state();
  ASSERT_EQ(names_of(target_after), names_of(target_before));
  for (size_t i = 0; i < target_after.size(); ++i)
    expect_bitwise_equal(target_after[i].second, target_before[i].second, target_after[i].first);
}

void drop_entry(OptimizerState& state, const std::string& name) {
  std::erase_if(state, [&](const auto& entry) { return entry.first == name; });
}

TEST(OptimizerState, RefusesMissingEntries) {
  expect_refused<ValueError>([](auto& s) { drop_entry(s, "step"); }, "missing entry 'step'");
  expect_refused<ValueError>([](auto& s) { drop_entry(s, "state.1.exp_avg_sq"); },
                             "missing entry 'state.1.exp_avg_sq'");
  expect_refused<ValueError>([](auto& s) { drop_entry(s, "state.0.step"); },
                             "missing entry 'state.0.step'");
  // A state saved without amsgrad lacks what an amsgrad optimizer needs.
  expect_refused<ValueError>([](auto&) {}, "missing entry 'state.0.max_exp_avg_sq'",
                             {.amsgrad = true});
}

TEST(OptimizerState, RefusesUnknownAndDuplicatedEntries) {
  expect_refused<ValueError>(
      [](auto& s) { s.emplace_back("state.0.momentum_buffer", Tensor::zeros({3})); },
      "unknown entry 'state.0.momentum_buffer'");
  expect_refused<ValueError>([](auto& s) { s.emplace_back("lr", Tensor::scalar(0.1f)); },
                             "unknown entry 'lr'");
  expect_refused<ValueError>([](auto& s) { s.emplace_back("state.x.exp_avg", Tensor::zeros({3})); },
                             "unknown entry 'state.x.exp_avg'");
  expect_refused<ValueError>([](auto& s) { s.emplace_back("state.2.exp_avg", Tensor::zeros({3})); },
                             "is for parameter 2, but the optimizer has 2 parameters");
  expect_refused<ValueError>([](auto& s) { s.push_back(s[2]); }, "appears twice");
  expect_refused<ValueError>([](auto& s) { s.emplace_back("step", Tensor::scalar(3.0f)); },
                             "entry 'step' appears twice");
}

TEST(OptimizerState, RefusesMismatchedValues) {
  expect_refused<ShapeError>(
      [](auto& s) {
        for (auto& [name, value] : s)
          if (name == "state.1.exp_avg") value = Tensor::zeros({4});
      },
      "entry 'state.1.exp_avg' has shape [4] but parameter 1 has shape [2, 2]");
  expect_refused<ValueError>(
      [](auto& s) {
        for (auto& [name, value] : s)
          if (name == "step") value = Tensor::scalar(2.5f);
      },
      "entry 'step' = 2.5 is not a non-negative whole count");
  expect_refused<ValueError>(
      [](auto& s) {
        for (auto& [name, value] : s)
          if (name == "state.0.step") value = Tensor::scalar(7.0f);
      },
      "entry 'state.0.step' = 7 exceeds the optimizer's step = 3");
  expect_refused<ValueError>(
      [](auto& s) {
        for (auto& [name, value] : s)
          if (name == "state.0.exp_avg") value = Tensor();
      },
      "entry 'state.0.exp_avg' is an undefined tensor");
}

TEST(OptimizerState, RefusesAnotherOptimizersState) {
  std::vector<Tensor> params = fresh_params();
  SGD sgd(params, {.lr = 0.1, .momentum = 0.9});
  set_grads(params, 1);
  sgd.step();
  Adam adam(fresh_params(), {});
  try {
    adam.load_state(sgd.state());
    ADD_FAILURE() << "Adam accepted SGD's state";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown entry 'state.0.momentum_buffer'"),
              std::string::npos)
        << e.what();
  }
}

TEST(OptimizerState, LoadingAStateWithoutParameterEntriesClearsState) {
  std::vector<Tensor> params = fresh_params();
  Adam used(params, {});
  set_grads(params, 1);
  used.step();
  used.load_state({{"step", Tensor::scalar(0.0f)}});
  EXPECT_EQ(used.step_count(), 0);
  EXPECT_EQ(names_of(used.state()), std::set<std::string>{"step"});
}

}  // namespace
}  // namespace fulcrum::optim
