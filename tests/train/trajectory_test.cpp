// Whole training runs against PyTorch (train_trajectory.json): every step's
// loss and the final parameters. This is the test that the pieces - layers,
// losses, autodiff, Adam - add up to the same training as PyTorch's.

#include <gtest/gtest.h>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/optim/adam.hpp"
#include "support/failures.hpp"
#include "support/golden.hpp"

namespace fulcrum {
namespace {

using nlohmann::json;
using testing::expect_close;
using testing::tensor_from_json;

// 25 float32 steps drift from PyTorch's float64 run by rounding alone, which
// Adam's normalised updates can amplify slightly; FORMAT.md allows 1e-4
// relative for long trajectories.
constexpr double kTrajectoryRtol = 1e-4;
constexpr double kTrajectoryAtol = 1e-5;

const json& trajectory_cases() {
  static const json file = testing::load_golden("train_trajectory.json");
  return file.at("cases");
}

void load_initial_state(nn::Module& model, const json& initial) {
  nn::Module::StateDict state;
  for (const auto& [name, value] : initial.items()) state[name] = tensor_from_json(value);
  model.load_state_dict(state);
}

optim::Adam make_adam(const json& o, std::vector<Tensor> params) {
  optim::AdamOptions options;
  options.lr = o.at("lr").get<double>();
  options.betas = {o.at("betas")[0].get<double>(), o.at("betas")[1].get<double>()};
  options.eps = o.at("eps").get<double>();
  options.weight_decay = o.at("weight_decay").get<double>();
  EXPECT_EQ(o.at("kind"), "adam");
  return optim::Adam(std::move(params), options);
}

void expect_final_state(const nn::Module& model, const json& want) {
  const auto state = model.state_dict();
  ASSERT_EQ(state.size(), want.size());
  for (const auto& [name, value] : want.items()) {
    ASSERT_TRUE(state.count(name)) << "model has no parameter " << name;
    expect_close(state.at(name), value, kTrajectoryRtol, kTrajectoryAtol, "final " + name);
  }
}

// A multi-label MLP with BCE (weight and pos_weight) and Adam.
void check_mlp_case(const json& c) {
  const auto dims = c.at("model").at("dims").get<std::vector<int64_t>>();
  nn::MLP model(nn::MLPOptions{
      dims,
      parse_name<nn::Activation>(c.at("model").at("activation").get<std::string>(), "activation")});
  load_initial_state(model, c.at("initial_state"));

  const json& loss_spec = c.at("loss");
  ASSERT_EQ(loss_spec.at("kind"), "bce_with_logits");
  nn::BCEWithLogitsLoss criterion(
      {.weight = tensor_from_json(loss_spec.at("weight")),
       .pos_weight = tensor_from_json(loss_spec.at("pos_weight")),
       .reduction = nn::parse_reduction(loss_spec.at("reduction").get<std::string>())});
  optim::Adam optimizer = make_adam(c.at("optimizer"), model.parameters());
  const Tensor input = tensor_from_json(c.at("input"));
  const Tensor target = tensor_from_json(c.at("target"));

  const json* expect = testing::expected(c, {"loss_before_each_step", "final_state"});
  if (!expect) return;
  const auto want_losses = expect->at("loss_before_each_step").get<std::vector<double>>();
  std::vector<float> losses;
  for (size_t step = 0; step < want_losses.size(); ++step) {
    optimizer.zero_grad();
    Tensor loss = criterion(model(input), target);
    losses.push_back(loss.item());
    loss.backward();
    optimizer.step();
  }
  expect_close(losses, want_losses, kTrajectoryRtol, kTrajectoryAtol, "loss_before_each_step");
  expect_final_state(model, expect->at("final_state"));
}

// A shared backbone with weighted cross-entropy heads and a BCE head, Adam
// with weight decay.
void check_multihead_case(const json& c) {
  const json& spec = c.at("model");
  ASSERT_EQ(spec.at("activation"), "relu");
  auto backbone = nn::make_backbone(
      nn::MLPOptions{spec.at("backbone_dims").get<std::vector<int64_t>>(), nn::Activation::ReLU});
  const int64_t hidden = spec.at("backbone_dims").back().get<int64_t>();
  nn::MultiHead::Heads heads;
  for (const auto& [name, outputs] : spec.at("heads").items())
    heads.emplace_back(name, std::make_shared<nn::Linear>(hidden, outputs.get<int64_t>()));
  nn::MultiHead model(backbone, heads);
  load_initial_state(model, c.at("initial_state"));

  const Tensor input = tensor_from_json(c.at("input"));
  optim::Adam optimizer = make_adam(c.at("optimizer"), model.parameters());
  const json& losses_spec = c.at("losses");

  // total = sum over heads of head_weight * head_loss, as the golden file says.
  auto total_loss = [&](const nn::HeadOutputs& outputs) {
    Tensor total;
    for (const auto& [name, logits] : outputs) {
      const json& l = losses_spec.at(name);
      const Tensor target = tensor_from_json(c.at("targets").at(name));
      Tensor head_loss;
      if (l.at("kind") == "cross_entropy") {
        head_loss = nn::cross_entropy(logits, target, {.weight = tensor_from_json(l.at("weight"))});
      } else {
        EXPECT_EQ(l.at("kind"), "bce_with_logits");
        head_loss = nn::binary_cross_entropy_with_logits(
            logits, target, {.pos_weight = tensor_from_json(l.at("pos_weight"))});
      }
      Tensor weighted = head_loss * l.at("head_weight").get<float>();
      total = total.defined() ? total + weighted : weighted;
    }
    return total;
  };

  const json* expect = testing::expected(c, {"loss_before_each_step", "final_state"});
  if (!expect) return;
  const auto want_losses = expect->at("loss_before_each_step").get<std::vector<double>>();
  std::vector<float> losses;
  for (size_t step = 0; step < want_losses.size(); ++step) {
    optimizer.zero_grad();
    Tensor loss = total_loss(model.forward_heads(input));
    losses.push_back(loss.item());
    loss.backward();
    optimizer.step();
  }
  expect_close(losses, want_losses, kTrajectoryRtol, kTrajectoryAtol, "loss_before_each_step");
  expect_final_state(model, expect->at("final_state"));
}

// Every case of the file is run, by its model kind: a case of a kind this test
// does not know fails rather than going unchecked.
TEST(TrainTrajectory, EveryCaseMatchesPyTorch) {
  const json& cases = trajectory_cases();
  ASSERT_FALSE(cases.empty());
  int mlp = 0, multihead = 0;
  for (const json& c : cases) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto kind = c.at("model").at("kind").get<std::string>();
    if (kind == "mlp") {
      check_mlp_case(c);
      ++mlp;
    } else if (kind == "multihead") {
      check_multihead_case(c);
      ++multihead;
    } else {
      ADD_FAILURE() << "unknown model kind '" << kind << "'";
    }
  }
  EXPECT_GE(mlp, 1);
  EXPECT_GE(multihead, 1);
}

// A case whose expected losses were emptied (which would run zero steps) or
// whose final state is gone fails instead of passing on what is left.
TEST(TrainTrajectory, ACaseWithEmptiedExpectedValuesFails) {
  json emptied = trajectory_cases().at(0);
  ASSERT_EQ(emptied.at("model").at("kind"), "mlp");
  emptied["expect"]["loss_before_each_step"] = json::array();
  auto failures = testing::failures_of([&] { check_mlp_case(emptied); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("empty expected 'loss_before_each_step'"), std::string::npos)
      << failures[0];

  json missing = trajectory_cases().at(0);
  missing["expect"].erase("final_state");
  failures = testing::failures_of([&] { check_mlp_case(missing); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("no expected 'final_state'"), std::string::npos) << failures[0];
}

}  // namespace
}  // namespace fulcrum
