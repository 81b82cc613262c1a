// The two models of tests/data/golden/train_trajectory.json, built with
// fulcrum::nn: PyTorch's initial state must load strictly (same names, same
// shapes), and the first loss of each trajectory, computed here in double
// from our forward pass, must match PyTorch's. This pins the weight layout
// ([out, in]), the activation placement and the head wiring end to end
// without depending on the losses library.

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "fulcrum/layers/layers.hpp"
#include "support/golden.hpp"

namespace fulcrum::nn {
namespace {

using testing::load_golden;
using testing::tensor_from_json;
using testing::values_from_json;

Module::StateDict state_from_json(const nlohmann::json& j) {
  Module::StateDict state;
  for (const auto& [name, tensor] : j.items()) state.emplace(name, tensor_from_json(tensor));
  return state;
}

std::set<std::string> keys_of(const Module::StateDict& state) {
  std::set<std::string> keys;
  for (const auto& [name, t] : state) keys.insert(name);
  return keys;
}

// log(sigmoid(z)) without overflow.
double log_sigmoid(double z) {
  return z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z));
}

// torch.nn.BCEWithLogitsLoss(weight, pos_weight, reduction="mean") over [n, L];
// empty weight vectors mean "not given".
double bce_with_logits_mean(const Tensor& logits, const std::vector<double>& target,
                            const std::vector<double>& weight,
                            const std::vector<double>& pos_weight) {
  const int64_t labels = logits.size(1);
  double total = 0.0;
  for (int64_t i = 0; i < logits.numel(); ++i) {
    const size_t c = static_cast<size_t>(i % labels);
    const double z = logits.data()[i];
    const double y = target[static_cast<size_t>(i)];
    const double pw = pos_weight.empty() ? 1.0 : pos_weight[c];
    const double w = weight.empty() ? 1.0 : weight[c];
    total += -w * (pw * y * log_sigmoid(z) + (1.0 - y) * log_sigmoid(-z));
  }
  return total / static_cast<double>(logits.numel());
}

// torch.nn.CrossEntropyLoss(weight, reduction="mean") with class indices:
// the weighted sum divided by the summed weights of the targets.
double cross_entropy_mean(const Tensor& logits, const std::vector<double>& target,
                          const std::vector<double>& weight) {
  const int64_t n = logits.size(0), classes = logits.size(1);
  double total = 0.0, weights = 0.0;
  for (int64_t r = 0; r < n; ++r) {
    const float* row = logits.data() + r * classes;
    double max = row[0];
    for (int64_t c = 1; c < classes; ++c) max = std::max(max, static_cast<double>(row[c]));
    double sum_exp = 0.0;
    for (int64_t c = 0; c < classes; ++c) sum_exp += std::exp(row[c] - max);
    const auto y = static_cast<size_t>(target[static_cast<size_t>(r)]);
    const double nll = -(row[y] - max - std::log(sum_exp));
    total += weight[y] * nll;
    weights += weight[y];
  }
  return total / weights;
}

// float32 forward passes through two or three layers, then a double-precision
// loss: 1e-5 relative covers the rounding of the logits.
constexpr double kForwardRtol = 1e-5;

TEST(GoldenModels, MlpLoadsPyTorchStateAndReproducesTheFirstLoss) {
  const auto golden = load_golden("train_trajectory.json");
  const auto& c = golden.at("cases").at(0);
  ASSERT_EQ(c.at("model").at("kind"), "mlp");
  MLP mlp(MLPOptions{.sizes = c.at("model").at("dims").get<std::vector<int64_t>>(),
                     .activation = parse_name<Activation>(
                         c.at("model").at("activation").get<std::string>(), "activation")});

  const auto initial = state_from_json(c.at("initial_state"));
  EXPECT_EQ(keys_of(mlp.state_dict()), keys_of(initial));
  ASSERT_NO_THROW(mlp.load_state_dict(initial));

  NoGradGuard no_grad;
  const Tensor logits = mlp(tensor_from_json(c.at("input")));
  const auto& loss = c.at("loss");
  ASSERT_EQ(loss.at("kind"), "bce_with_logits");
  const double got = bce_with_logits_mean(logits, values_from_json(c.at("target")),
                                          values_from_json(loss.at("weight")),
                                          values_from_json(loss.at("pos_weight")));
  const double want = c.at("expect").at("loss_before_each_step").at(0).get<double>();
  EXPECT_NEAR(got, want, kForwardRtol * std::abs(want));
}

TEST(GoldenModels, MultiHeadLoadsPyTorchStateAndReproducesTheFirstLoss) {
  const auto golden = load_golden("train_trajectory.json");
  const auto& c = golden.at("cases").at(1);
  const auto& model_json = c.at("model");
  ASSERT_EQ(model_json.at("kind"), "multihead");
  const auto backbone_dims = model_json.at("backbone_dims").get<std::vector<int64_t>>();
  auto backbone =
      make_backbone(MLPOptions{.sizes = backbone_dims,
                               .activation = parse_name<Activation>(
                                   model_json.at("activation").get<std::string>(), "activation")});
  MultiHead::Heads heads;
  for (const auto& [name, classes] : model_json.at("heads").items())
    heads.emplace_back(name,
                       std::make_shared<Linear>(backbone_dims.back(), classes.get<int64_t>()));
  MultiHead model(backbone, heads);

  const auto initial = state_from_json(c.at("initial_state"));
  EXPECT_EQ(keys_of(model.state_dict()), keys_of(initial));
  ASSERT_NO_THROW(model.load_state_dict(initial));

  NoGradGuard no_grad;
  const HeadOutputs outputs = model.forward_heads(tensor_from_json(c.at("input")));
  double total = 0.0;
  for (const auto& [name, logits] : outputs) {
    const auto& loss = c.at("losses").at(name);
    const auto target = values_from_json(c.at("targets").at(name));
    const double head_weight = loss.at("head_weight").get<double>();
    if (loss.at("kind") == "cross_entropy") {
      total +=
          head_weight * cross_entropy_mean(logits, target, values_from_json(loss.at("weight")));
    } else {
      ASSERT_EQ(loss.at("kind"), "bce_with_logits");
      const auto optional = [&](const char* key) {
        return loss.contains(key) && !loss.at(key).is_null() ? values_from_json(loss.at(key))
                                                             : std::vector<double>{};
      };
      total += head_weight *
               bce_with_logits_mean(logits, target, optional("weight"), optional("pos_weight"));
    }
  }
  const double want = c.at("expect").at("loss_before_each_step").at(0).get<double>();
  EXPECT_NEAR(total, want, kForwardRtol * std::abs(want));
}

}  // namespace
}  // namespace fulcrum::nn
