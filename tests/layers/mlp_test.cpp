// MLP: PyTorch's parameter names, activation placement, dropout, options
// checks, and the gradient check.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/layers/layers.hpp"
#include "layers/test_util.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using testing::expect_identical;
using testing::expect_near_values;
using testing::parameter_layout;
using testing::reference_linear;
using testing::to_double;

using Layout = std::vector<std::pair<std::string, Shape>>;

const Linear& linear_at(const MLP& mlp, size_t i) {
  return dynamic_cast<const Linear&>(*mlp.layers()[i]);
}

// The MLP computed by hand in double from its own weights.
std::vector<double> reference_mlp(const MLP& mlp, const Tensor& x,
                                  const std::function<double(double)>& act, bool activate_last) {
  std::vector<double> h = to_double(x);
  const size_t n = mlp.layers().size();
  for (size_t i = 0; i < n; ++i) {
    const Linear& fc = linear_at(mlp, i);
    h = reference_linear(h, fc.in_features(), fc.weight(), fc.bias());
    if (i + 1 < n || activate_last)
      for (double& v : h) v = act(v);
  }
  return h;
}

TEST(MLP, ParameterNamesAreLayersIndexLikeThePyTorchGoldenModel) {
  // tests/data/golden/train_trajectory.json case 1: dims [6, 16, 16, 4].
  const Layout want{{"layers.0.weight", {16, 6}},  {"layers.0.bias", {16}},
                    {"layers.1.weight", {16, 16}}, {"layers.1.bias", {16}},
                    {"layers.2.weight", {4, 16}},  {"layers.2.bias", {4}}};
  EXPECT_EQ(parameter_layout(MLP(MLPOptions{.sizes = {6, 16, 16, 4}})), want);
  // Activation and dropout have no parameters and do not shift the indices.
  EXPECT_EQ(parameter_layout(MLP(MLPOptions{
                .sizes = {6, 16, 16, 4}, .activation = Activation::GELU, .dropout = 0.3f})),
            want);
}

TEST(MLP, EveryLayerInitialisedWithinItsBound) {
  Generator gen(1);
  MLP mlp(MLPOptions{.sizes = {6, 16, 16, 4}}, gen);
  for (size_t i = 0; i < mlp.layers().size(); ++i) {
    const Linear& fc = linear_at(mlp, i);
    const float bound = 1.0f / std::sqrt(static_cast<float>(fc.in_features()));
    for (float v : fc.weight().values()) ASSERT_LE(std::abs(v), bound) << "layer " << i;
    for (float v : fc.bias().values()) ASSERT_LE(std::abs(v), bound) << "layer " << i;
  }
  Generator same(1);
  MLP twin(MLPOptions{.sizes = {6, 16, 16, 4}}, same);
  for (size_t i = 0; i < 6; ++i)
    expect_identical(twin.parameters()[i], mlp.parameters()[i], "seeded twin");
}

TEST(MLP, ActivationBetweenLayersNotAfterTheLast) {
  Generator gen(2);
  const Tensor x = uniform({8, 6}, -2.0f, 2.0f, gen);
  const auto relu = [](double v) { return v > 0 ? v : 0.0; };
  MLP mlp(MLPOptions{.sizes = {6, 16, 16, 4}}, gen);
  const Tensor y = mlp(x);
  EXPECT_EQ(y.shape(), (Shape{8, 4}));
  expect_near_values(y, reference_mlp(mlp, x, relu, false), 1e-5, 1e-5, "relu MLP");
  // Without an activation after the last layer, some logits are negative.
  EXPECT_LT(*std::min_element(y.values().begin(), y.values().end()), 0.0f);

  MLP tanh_mlp(MLPOptions{.sizes = {6, 5, 3}, .activation = Activation::Tanh}, gen);
  expect_near_values(tanh_mlp(x),
                     reference_mlp(
                         tanh_mlp, x, [](double v) { return std::tanh(v); }, false),
                     1e-5, 1e-5, "tanh MLP");
}

TEST(MLP, ActivateLastAppliesTheActivationToTheOutput) {
  Generator gen(3);
  const Tensor x = uniform({8, 6}, -2.0f, 2.0f, gen);
  MLP mlp(MLPOptions{.sizes = {6, 16, 4}, .activation = Activation::Sigmoid, .activate_last = true},
          gen);
  const Tensor y = mlp(x);
  expect_near_values(y,
                     reference_mlp(
                         mlp, x, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }, true),
                     1e-5, 1e-5, "activate_last");
  for (float v : y.values()) ASSERT_TRUE(v > 0.0f && v < 1.0f);
}

TEST(MLP, ReluLayersRunFusedWithTheSameNumbers) {
  Generator gen(5);
  const Tensor x = uniform({8, 6}, -2.0f, 2.0f, gen);
  MLP mlp(MLPOptions{.sizes = {6, 16, 16, 4}, .activate_last = true}, gen);
  const Tensor y = mlp(x);
  EXPECT_STREQ(y.op_name(), "linear_relu");
  Tensor h = x;
  for (size_t i = 0; i < 3; ++i)
    h = relu(fulcrum::linear(h, linear_at(mlp, i).weight(), linear_at(mlp, i).bias()));
  expect_identical(y, h, "MLP against Linear then ReLU, layer by layer");
}

TEST(MLP, SingleLayerIsJustLinear) {
  Generator gen(4);
  MLP mlp(MLPOptions{.sizes = {3, 2}}, gen);
  const Tensor x = uniform({4, 3}, -1.0f, 1.0f, gen);
  const Linear& fc = linear_at(mlp, 0);
  expect_near_values(mlp(x), reference_linear(to_double(x), 3, fc.weight(), fc.bias()), 1e-5, 1e-6,
                     "one-layer MLP");
}

TEST(MLP, DropoutActsInTrainingOnlyAndDoesNotChangeInitialisation) {
  Generator g1(5), g2(5);
  MLP plain(MLPOptions{.sizes = {6, 32, 4}}, g1);
  MLP dropped(MLPOptions{.sizes = {6, 32, 4}, .dropout = 0.5f}, g2);
  const Tensor x = Tensor::ones({4, 6});
  EXPECT_NE(dropped(x).to_vector(), plain(x).to_vector()) << "training-mode dropout had no effect";
  dropped.eval();
  expect_identical(dropped(x), plain(x), "eval-mode MLP with dropout");
}

TEST(MLP, InvalidOptionsAreRefusedWithTheField) {
  const auto message = [](const MLPOptions& options) {
    try {
      MLP mlp(options);
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(MLPOptions{.sizes = {6}}).find("sizes"), std::string::npos);
  EXPECT_NE(message(MLPOptions{.sizes = {}}).find("sizes"), std::string::npos);
  EXPECT_NE(message(MLPOptions{.sizes = {6, 0, 4}}).find("[6, 0, 4]"), std::string::npos);
  EXPECT_NE(message(MLPOptions{.sizes = {6, 4}, .dropout = 1.0f}).find("dropout"),
            std::string::npos);
}

TEST(MLP, GradcheckWithTanh) {
  Generator gen(6);
  MLP mlp(MLPOptions{.sizes = {4, 5, 5, 3}, .activation = Activation::Tanh}, gen);
  Tensor x = uniform({3, 4}, -1.0f, 1.0f, gen);
  x.requires_grad_();
  std::vector<Tensor> inputs{x};
  for (const Tensor& p : mlp.parameters()) inputs.push_back(p);
  // Linear, tanh, Linear, tanh, Linear: parameters come weight, bias per layer.
  const auto reference = [](const std::vector<testing::ref::Array>& in) {
    testing::ref::Array h = in[0];
    for (size_t layer = 0; layer < 3; ++layer) {
      h = testing::ref::linear(h, in[1 + 2 * layer], in[2 + 2 * layer]);
      if (layer < 2) h = testing::ref::map(h, [](double v) { return std::tanh(v); });
    }
    return h;
  };
  ASSERT_EQ(inputs.size(), 7u);
  testing::gradcheck([&](const std::vector<Tensor>& in) { return mlp(in[0]); }, reference, inputs,
                     "MLP [4, 5, 5, 3] tanh");
}

}  // namespace
}  // namespace fulcrum::nn
