// state_dict / load_state_dict: round trips, storage sharing, and the errors
// that name the offending keys and shapes.

#include <gtest/gtest.h>

#include "support/errors.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/layers/layers.hpp"
#include "layers/test_util.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using fulcrum::testing::error_message;

using testing::expect_identical;
using testing::parameter_names;

MLPOptions mlp_sizes(std::vector<int64_t> sizes) { return MLPOptions{.sizes = std::move(sizes)}; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Copies of every parameter's values, to check a refused load changed nothing.
std::vector<std::vector<float>> snapshot(const Module& m) {
  std::vector<std::vector<float>> values;
  for (const auto& [name, p] : m.named_parameters()) values.push_back(p.to_vector());
  return values;
}

TEST(StateDict, HoldsEveryParameterAsADetachedHandleSharingStorage) {
  MLP mlp(mlp_sizes({6, 16, 16, 4}));
  const auto state = mlp.state_dict();
  std::vector<std::string> keys;
  for (const auto& [name, t] : state) keys.push_back(name);
  auto names = parameter_names(mlp);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(keys, names);

  const Tensor& weight = state.at("layers.0.weight");
  EXPECT_FALSE(weight.requires_grad());
  EXPECT_EQ(weight.data(), mlp.layers()[0]->named_parameters()[0].second.data());
  mlp.named_parameters()[0].second.data()[0] = 42.0f;
  EXPECT_EQ(weight.data()[0], 42.0f);
}

TEST(StateDict, RoundTripIntoAFreshModelGivesIdenticalOutputs) {
  Generator gen_a(1), gen_b(2);
  MLP a(mlp_sizes({6, 16, 16, 4}), gen_a);
  MLP b(mlp_sizes({6, 16, 16, 4}), gen_b);
  Generator data_gen(3);
  const Tensor x = uniform({12, 6}, -2.0f, 2.0f, data_gen);
  NoGradGuard no_grad;
  ASSERT_NE(a(x).to_vector(), b(x).to_vector()) << "differently seeded models should differ";

  const std::vector<Tensor> handles_before = b.parameters();
  const auto result = b.load_state_dict(a.state_dict());
  EXPECT_TRUE(result.missing_keys.empty());
  EXPECT_TRUE(result.unexpected_keys.empty());
  expect_identical(b(x), a(x), "outputs after loading");

  // The load wrote into the existing storage: handles an optimizer holds stay valid.
  const std::vector<Tensor> handles_after = b.parameters();
  ASSERT_EQ(handles_after.size(), handles_before.size());
  for (size_t i = 0; i < handles_before.size(); ++i) {
    EXPECT_TRUE(handles_after[i].same(handles_before[i]));
    EXPECT_TRUE(handles_before[i].requires_grad());
  }
  // ... and copied the values rather than aliasing the source.
  a.parameters()[0].data()[0] += 1.0f;
  EXPECT_NE(a.parameters()[0].data()[0], b.parameters()[0].data()[0]);
}

TEST(StateDict, ClonedCheckpointRestoresEarlierValues) {
  Linear fc(3, 2);
  Module::StateDict saved;
  for (const auto& [name, t] : fc.state_dict()) saved.emplace(name, t.clone());
  const auto before = fc.weight().to_vector();
  Tensor weight = fc.weight();  // a handle to the parameter's storage
  weight.data()[0] += 5.0f;
  fc.load_state_dict(saved);
  EXPECT_EQ(fc.weight().to_vector(), before);
  fc.load_state_dict(fc.state_dict());  // loading a model into itself is harmless
  EXPECT_EQ(fc.weight().to_vector(), before);
}

TEST(StateDict, MissingKeyIsNamedAndNothingIsLoaded) {
  MLP source(mlp_sizes({6, 16, 4}));
  MLP model(mlp_sizes({6, 16, 4}));
  auto state = source.state_dict();
  state.erase("layers.1.bias");
  const auto before = snapshot(model);
  const std::string message = error_message<ValueError>([&] { model.load_state_dict(state); });
  EXPECT_TRUE(contains(message, "missing")) << message;
  EXPECT_TRUE(contains(message, "layers.1.bias")) << message;
  EXPECT_TRUE(contains(message, "MLP")) << message;
  EXPECT_EQ(snapshot(model), before) << "a refused load must not change the model";
}

TEST(StateDict, UnexpectedKeyIsNamed) {
  MLP model(mlp_sizes({6, 16, 4}));
  auto state = model.state_dict();
  state.emplace("layers.2.weight", Tensor::zeros({4, 4}));
  const std::string message = error_message<ValueError>([&] { model.load_state_dict(state); });
  EXPECT_TRUE(contains(message, "unexpected")) << message;
  EXPECT_TRUE(contains(message, "layers.2.weight")) << message;
}

TEST(StateDict, ShapeMismatchNamesTheKeyAndBothShapes) {
  MLP checkpoint_model(mlp_sizes({6, 16, 4}));
  MLP model(mlp_sizes({7, 16, 4}));
  const auto before = snapshot(model);
  const std::string message =
      error_message<ShapeError>([&] { model.load_state_dict(checkpoint_model.state_dict()); });
  EXPECT_TRUE(contains(message, "layers.0.weight: checkpoint has [16, 6], model has [16, 7]"))
      << message;
  EXPECT_FALSE(contains(message, "layers.0.bias"))
      << "only mismatching keys are listed: " << message;
  EXPECT_EQ(snapshot(model), before);
  // Not even a non-strict load accepts a wrong shape.
  expect_error<ShapeError>(
      [&] { model.load_state_dict(checkpoint_model.state_dict(), /*strict=*/false); },
      {"layers.0.weight: checkpoint has [16, 6], model has [16, 7]"});
}

TEST(StateDict, UndefinedTensorInCheckpointIsRefused) {
  Linear fc(3, 2);
  auto state = fc.state_dict();
  state["bias"] = Tensor();
  const std::string message = error_message<ShapeError>([&] { fc.load_state_dict(state); });
  EXPECT_TRUE(contains(message, "bias")) << message;
}

TEST(StateDict, AllProblemsAreReportedTogether) {
  MLP checkpoint_model(mlp_sizes({6, 16, 4}));
  MLP model(mlp_sizes({7, 16, 4}));
  auto state = checkpoint_model.state_dict();
  state.erase("layers.1.weight");
  state.emplace("extra", Tensor::zeros({1}));
  const std::string message = error_message<ValueError>([&] { model.load_state_dict(state); });
  EXPECT_TRUE(contains(message, "layers.1.weight")) << message;
  EXPECT_TRUE(contains(message, "extra")) << message;
  EXPECT_TRUE(contains(message, "checkpoint has [16, 6], model has [16, 7]")) << message;
}

TEST(StateDict, NonStrictLoadReturnsTheKeysItSkipped) {
  Generator gen(9);
  MLP source(mlp_sizes({6, 16, 4}), gen);
  MLP model(mlp_sizes({6, 16, 4}), gen);
  auto state = source.state_dict();
  state.erase("layers.1.weight");
  state.emplace("layers.5.bias", Tensor::zeros({2}));
  const auto kept = model.layers()[1]->named_parameters()[0].second.to_vector();
  const auto result = model.load_state_dict(state, /*strict=*/false);
  EXPECT_EQ(result.missing_keys, std::vector<std::string>{"layers.1.weight"});
  EXPECT_EQ(result.unexpected_keys, std::vector<std::string>{"layers.5.bias"});
  // Present keys were loaded, the missing one kept its value.
  const auto loaded = model.layers()[0]->named_parameters()[0].second.to_vector();
  EXPECT_EQ(loaded, source.layers()[0]->named_parameters()[0].second.to_vector());
  EXPECT_EQ(model.layers()[1]->named_parameters()[0].second.to_vector(), kept);
}

}  // namespace
}  // namespace fulcrum::nn
