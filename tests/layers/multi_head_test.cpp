// MultiHead and make_backbone: PyTorch's names, head order and lookups,
// and the gradient check through backbone and heads.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/layers/layers.hpp"
#include "layers/test_util.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::expect_identical;
using testing::parameter_layout;

using Layout = std::vector<std::pair<std::string, Shape>>;

// tests/data/golden/train_trajectory.json case 2: backbone [6, 16] with ReLU,
// heads plot/acting/music (3 classes) and tags (4 labels).
std::shared_ptr<MultiHead> golden_shaped_model(Generator& gen, Activation act = Activation::ReLU) {
  auto backbone = make_backbone(MLPOptions{.sizes = {6, 16}, .activation = act}, gen);
  MultiHead::Heads heads;
  for (const auto& [name, classes] : std::vector<std::pair<std::string, int64_t>>{
           {"plot", 3}, {"acting", 3}, {"music", 3}, {"tags", 4}})
    heads.emplace_back(name, std::make_shared<Linear>(16, classes, true, gen));
  return std::make_shared<MultiHead>(backbone, heads);
}

TEST(MultiHead, ParameterNamesMatchThePyTorchGoldenModel) {
  Generator gen(1);
  const auto model = golden_shaped_model(gen);
  EXPECT_EQ(parameter_layout(*model), (Layout{{"backbone.0.weight", {16, 6}},
                                              {"backbone.0.bias", {16}},
                                              {"heads.plot.weight", {3, 16}},
                                              {"heads.plot.bias", {3}},
                                              {"heads.acting.weight", {3, 16}},
                                              {"heads.acting.bias", {3}},
                                              {"heads.music.weight", {3, 16}},
                                              {"heads.music.bias", {3}},
                                              {"heads.tags.weight", {4, 16}},
                                              {"heads.tags.bias", {4}}}));
  EXPECT_EQ(model->head_names(), (std::vector<std::string>{"plot", "acting", "music", "tags"}));
}

TEST(MultiHead, ForwardHeadsRunsEveryHeadOnTheBackboneOutputInOrder) {
  Generator gen(2);
  const auto model = golden_shaped_model(gen);
  const Tensor x = uniform({12, 6}, -2.0f, 2.0f, gen);
  const HeadOutputs outputs = model->forward_heads(x);
  ASSERT_EQ(outputs.size(), 4u);
  const Tensor hidden = (*model->backbone())(x);
  const std::vector<std::string> names{"plot", "acting", "music", "tags"};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(outputs[i].first, names[i]);
    expect_identical(outputs[i].second, (*model->head(names[i]))(hidden), names[i]);
    EXPECT_TRUE(outputs.at(names[i]).same(outputs[i].second));
  }
  EXPECT_EQ(outputs.at("tags").shape(), (Shape{12, 4}));
  size_t visited = 0;
  for (const auto& [name, logits] : outputs) visited += logits.size(0) == 12;
  EXPECT_EQ(visited, 4u);
}

TEST(MultiHead, UnknownHeadNamesListTheHeads) {
  Generator gen(3);
  const auto model = golden_shaped_model(gen);
  const HeadOutputs outputs = model->forward_heads(Tensor::zeros({1, 6}));
  for (const auto& lookup : std::vector<std::function<void()>>{[&] { outputs.at("genre"); },
                                                               [&] { model->head("genre"); }}) {
    try {
      lookup();
      ADD_FAILURE() << "unknown head accepted";
    } catch (const ValueError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("genre"), std::string::npos) << message;
      EXPECT_NE(message.find("plot, acting, music, tags"), std::string::npos) << message;
    }
  }
}

TEST(MultiHead, ForwardPointsToForwardHeads) {
  Generator gen(4);
  const auto model = golden_shaped_model(gen);
  try {
    (*model)(Tensor::zeros({1, 6}));
    FAIL() << "MultiHead::forward returned";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("forward_heads"), std::string::npos) << e.what();
  }
}

TEST(MultiHead, RefusesBadConstruction) {
  auto backbone = std::make_shared<Linear>(4, 4);
  auto head = std::make_shared<Linear>(4, 2);
  expect_error<ValueError>(
      [&] {
        MultiHead(nullptr, {{"a", head}});
      },
      {"MultiHead: the backbone is null"});
  expect_error<ValueError>([&] { MultiHead(backbone, {}); },
                           {"MultiHead: needs at least one head"});
  expect_error<ValueError>(
      [&] {
        MultiHead(backbone, {{"a", head}, {"a", std::make_shared<Linear>(4, 2)}});
      },
      {"a module named 'a' is already registered"});
  expect_error<ValueError>(
      [&] {
        MultiHead(backbone, {{"a.b", head}});
      },
      {"module name 'a.b' contains '.'"});
  expect_error<ValueError>([&] { MultiHead(backbone, {{"a", nullptr}}); }, {"module 'a' is null"});
}

TEST(MultiHead, GradcheckThroughBackboneAndAllHeads) {
  Generator gen(5);
  const auto model = golden_shaped_model(gen, Activation::Tanh);
  Tensor x = uniform({3, 6}, -1.0f, 1.0f, gen);
  x.requires_grad_();
  std::vector<Tensor> inputs{x};
  for (const Tensor& p : model->parameters()) inputs.push_back(p);
  // All heads side by side, so one check covers every head and the shared backbone.
  // Parameters in order: backbone.0.weight, backbone.0.bias, then each head's weight and bias.
  const auto reference = [](const std::vector<testing::ref::Array>& in) {
    const testing::ref::Array h = testing::ref::map(testing::ref::linear(in[0], in[1], in[2]),
                                                    [](double v) { return std::tanh(v); });
    std::vector<testing::ref::Array> logits;
    for (size_t head = 0; head < 4; ++head)
      logits.push_back(testing::ref::linear(h, in[3 + 2 * head], in[4 + 2 * head]));
    return testing::ref::concat(logits, 1);
  };
  ASSERT_EQ(inputs.size(), 11u);
  testing::gradcheck(
      [&](const std::vector<Tensor>& in) {
        std::vector<Tensor> logits;
        for (const auto& [name, out] : model->forward_heads(in[0])) logits.push_back(out);
        return concat(logits, 1);
      },
      reference, inputs, "MultiHead tanh backbone, four heads");
}

TEST(MakeBackbone, ActivationFollowsEveryLinear) {
  Generator gen(6);
  const auto backbone = make_backbone(MLPOptions{.sizes = {6, 16}}, gen);
  ASSERT_EQ(backbone->size(), 2u);
  EXPECT_EQ((*backbone)[0]->type_name(), "Linear");
  EXPECT_EQ((*backbone)[1]->type_name(), "ReLU");
  EXPECT_EQ(parameter_layout(*backbone), (Layout{{"0.weight", {16, 6}}, {"0.bias", {16}}}));
  const Tensor h = (*backbone)(uniform({20, 6}, -2.0f, 2.0f, gen));
  for (float v : h.values()) ASSERT_GE(v, 0.0f) << "the last layer is activated too";
}

TEST(MakeBackbone, DropoutShiftsIndicesLikeNnSequential) {
  Generator gen(7);
  const auto backbone = make_backbone(
      MLPOptions{.sizes = {6, 16, 8}, .activation = Activation::GELU, .dropout = 0.1f}, gen);
  std::vector<std::string> types;
  for (const auto& module : *backbone) types.push_back(module->type_name());
  EXPECT_EQ(types,
            (std::vector<std::string>{"Linear", "GELU", "Dropout", "Linear", "GELU", "Dropout"}));
  EXPECT_EQ(
      parameter_layout(*backbone),
      (Layout{{"0.weight", {16, 6}}, {"0.bias", {16}}, {"3.weight", {8, 16}}, {"3.bias", {8}}}));
  expect_error<ValueError>(
      [] { make_backbone(MLPOptions{.sizes = {6}}); },
      {"MLPOptions.sizes needs an input and an output size at least, got [6]"});
}

TEST(MultiHead, EvalTurnsOffDropoutInBackboneAndHeads) {
  Generator gen(8);
  auto backbone = make_backbone(MLPOptions{.sizes = {6, 32}, .dropout = 0.5f}, gen);
  auto head = std::make_shared<MLP>(MLPOptions{.sizes = {32, 8, 2}, .dropout = 0.5f}, gen);
  MultiHead model(backbone, {{"only", head}});
  const Tensor x = Tensor::ones({4, 6});
  model.eval();
  const Tensor first = model.forward_heads(x).at("only");
  expect_identical(model.forward_heads(x).at("only"), first, "eval mode is deterministic");
  model.train();
  EXPECT_NE(model.forward_heads(x).at("only").to_vector(), first.to_vector());
}

}  // namespace
}  // namespace fulcrum::nn
