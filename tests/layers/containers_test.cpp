// Sequential, ModuleList and ModuleDict: child names, order, lookups.

#include <gtest/gtest.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/layers/layers.hpp"
#include "layers/test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::expect_identical;
using testing::parameter_names;

TEST(Sequential, NamesChildrenByIndexLikePyTorch) {
  Sequential seq({std::make_shared<Linear>(6, 16), std::make_shared<ReLU>()});
  seq.push_back(std::make_shared<Linear>(16, 2, false));
  EXPECT_EQ(seq.size(), 3u);
  EXPECT_EQ(parameter_names(seq), (std::vector<std::string>{"0.weight", "0.bias", "2.weight"}));
  EXPECT_EQ(seq[1]->type_name(), "ReLU");
}

TEST(Sequential, ForwardChainsTheModulesInOrder) {
  Generator gen(1);
  auto first = std::make_shared<Linear>(3, 4, true, gen);
  auto second = std::make_shared<Linear>(4, 2, true, gen);
  Sequential seq({first, std::make_shared<Tanh>(), second});
  const Tensor x = uniform({5, 3}, -1.0f, 1.0f, gen);
  expect_identical(seq(x), (*second)(tanh((*first)(x))), "Sequential(Linear, Tanh, Linear)");

  Sequential empty;
  expect_identical(empty(x), x, "empty Sequential");
}

// A Linear that doubles its output: a subclass the fused path must not bypass.
class DoublingLinear : public Linear {
 public:
  using Linear::Linear;
  Tensor forward(const Tensor& input) override {
    return mul(Linear::forward(input), Tensor::scalar(2));
  }
};

TEST(Sequential, ALinearFollowedByAReluRunsFusedWithTheSameNumbers) {
  Generator gen(2);
  auto first = std::make_shared<Linear>(3, 4, true, gen);
  auto second = std::make_shared<Linear>(4, 2, true, gen);
  Sequential seq({first, std::make_shared<ReLU>(), second, std::make_shared<ReLU>()});
  const Tensor x = uniform({5, 3}, -1.0f, 1.0f, gen);
  const Tensor fused = seq(x);
  EXPECT_STREQ(fused.op_name(), "linear_relu");
  expect_identical(fused, relu((*second)(relu((*first)(x)))), "Sequential(Linear, ReLU) x 2");

  // Gradients through the fused ops equal those through the separate ones.
  sum(fused).backward();
  const Tensor fused_grad = first->weight().grad().clone();
  for (const Tensor& p : seq.parameters()) Tensor(p).zero_grad();
  sum(relu((*second)(relu((*first)(x))))).backward();
  expect_identical(fused_grad, first->weight().grad(), "first weight's gradient");

  // A subclass of Linear keeps its own forward.
  auto doubling = std::make_shared<DoublingLinear>(3, 4, true, gen);
  Sequential custom({doubling, std::make_shared<ReLU>()});
  const Tensor y = custom(x);
  EXPECT_STREQ(y.op_name(), "relu");
  expect_identical(y, relu((*doubling)(x)), "Sequential(DoublingLinear, ReLU)");
}

TEST(Sequential, IndexPastTheEndIsAnError) {
  Sequential seq({std::make_shared<ReLU>()});
  try {
    (void)seq[1];
    FAIL() << "seq[1] of a one-module Sequential was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("index 1"), std::string::npos) << e.what();
  }
}

TEST(ModuleList, NamesByIndexAndHasNoForward) {
  ModuleList list({std::make_shared<Linear>(2, 3), std::make_shared<Linear>(3, 1)});
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(parameter_names(list),
            (std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias"}));
  size_t visited = 0;
  for (const auto& module : list) visited += module->type_name() == "Linear";
  EXPECT_EQ(visited, 2u);
  expect_error<ValueError>([&] { list(Tensor::ones({2})); }, {"ModuleList has no forward()"});
  expect_error<ValueError>([&] { (void)list[2]; },
                           {"ModuleList: index 2 is out of range for 2 modules"});
}

TEST(ModuleDict, KeepsInsertionOrderAndNamesKeys) {
  ModuleDict dict(
      {{"plot", std::make_shared<Linear>(4, 3)}, {"acting", std::make_shared<Linear>(4, 2)}});
  dict.insert("music", std::make_shared<Linear>(4, 1));
  EXPECT_EQ(dict.keys(), (std::vector<std::string>{"plot", "acting", "music"}));
  EXPECT_EQ(parameter_names(dict),
            (std::vector<std::string>{"plot.weight", "plot.bias", "acting.weight", "acting.bias",
                                      "music.weight", "music.bias"}));
  EXPECT_TRUE(dict.contains("acting"));
  EXPECT_FALSE(dict.contains("tags"));
  EXPECT_EQ(std::dynamic_pointer_cast<Linear>(dict.at("acting"))->out_features(), 2);
}

TEST(ModuleDict, UnknownAndDuplicateNamesAreErrors) {
  ModuleDict dict({{"plot", std::make_shared<ReLU>()}, {"music", std::make_shared<ReLU>()}});
  try {
    dict.at("tags");
    FAIL() << "unknown key accepted";
  } catch (const ValueError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("tags"), std::string::npos) << message;
    EXPECT_NE(message.find("plot, music"), std::string::npos) << message;
  }
  expect_error<ValueError>([&] { dict.insert("plot", std::make_shared<ReLU>()); },
                           {"ModuleDict: a module named 'plot' is already registered"});
  expect_error<ValueError>([&] { dict.insert("a.b", std::make_shared<ReLU>()); },
                           {"ModuleDict: module name 'a.b' contains '.'"});
  EXPECT_EQ(dict.size(), 2u);
}

}  // namespace
}  // namespace fulcrum::nn
