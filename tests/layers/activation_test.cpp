// Activation modules against their formulas, their gradients, and the
// config factory.

#include "fulcrum/layers/activation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/linear.hpp"
#include "layers/test_util.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

// Values in [-3, 3] that stay at least 0.1 away from 0, where ReLU's kink
// would spoil a central difference.
Tensor test_input(Generator& gen, const Shape& shape = {4, 5}) {
  Tensor x = uniform(shape, 0.1f, 3.0f, gen);
  for (int64_t i = 0; i < x.numel(); i += 2) x.data()[i] = -x.data()[i];
  return x;
}

struct Case {
  const char* name;  // config name
  const char* type;  // type_name()
  std::function<double(double)> formula;
};

std::vector<Case> cases() {
  return {
      {"relu", "ReLU", [](double x) { return x > 0 ? x : 0.0; }},
      {"leaky_relu", "LeakyReLU", [](double x) { return x > 0 ? x : 0.01 * x; }},
      {"gelu", "GELU", [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }},
      {"tanh", "Tanh", [](double x) { return std::tanh(x); }},
      {"sigmoid", "Sigmoid", [](double x) { return 1.0 / (1.0 + std::exp(-x)); }},
      {"identity", "Identity", [](double x) { return x; }},
  };
}

TEST(Activation, EachMatchesItsFormula) {
  Generator gen(1);
  const Tensor x = test_input(gen);
  for (const Case& c : cases()) {
    auto act = make_activation(parse_name<Activation>(c.name, "activation"));
    EXPECT_EQ(act->type_name(), c.type);
    EXPECT_TRUE(act->named_parameters().empty()) << c.name;
    std::vector<double> want;
    for (float v : x.values()) want.push_back(c.formula(v));
    testing::expect_near_values((*act)(x), want, 1e-5, 1e-6, c.name);
  }
}

TEST(Activation, EachPassesGradcheck) {
  Generator gen(2);
  for (const Case& c : cases()) {
    if (std::string(c.name) == "identity") continue;  // returns its input: nothing recorded
    auto act = make_activation(parse_name<Activation>(c.name, "activation"));
    Tensor x = test_input(gen, {3, 4});
    x.requires_grad_();
    testing::gradcheck([&](const std::vector<Tensor>& in) { return (*act)(in[0]); },
                       [&](const std::vector<testing::ref::Array>& in) {
                         return testing::ref::map(in[0], c.formula);
                       },
                       {x}, c.name);
  }
}

TEST(Activation, LeakyReLUUsesItsSlope) {
  LeakyReLU act(0.2f);
  const Tensor y = act(Tensor::from({3}, {-2.0f, 0.0f, 3.0f}));
  EXPECT_EQ(y.to_vector(), (std::vector<float>{-0.4f, 0.0f, 3.0f}));
  EXPECT_EQ(act.to_string(), "LeakyReLU(negative_slope=0.2)");
}

TEST(Activation, NamesListEveryActivationAndRoundTrip) {
  EXPECT_EQ(names_of<Activation>(), (std::vector<std::string>{"relu", "leaky_relu", "gelu", "tanh",
                                                              "sigmoid", "identity"}));
  for (const Named<Activation>& row : name_table(Activation{})) {
    const auto module = make_activation(row.value);
    EXPECT_EQ(activation_of(*module), row.value) << row.name;
    EXPECT_EQ(parse_name<Activation>(row.name, "activation"), row.value);
  }
}

TEST(Activation, ActivationOfOtherModulesIsNone) {
  EXPECT_EQ(activation_of(LeakyReLU(0.2f)), std::nullopt) << "only the default slope has a name";
  EXPECT_EQ(activation_of(Linear(2, 3)), std::nullopt);
}

TEST(Activation, UnknownNameSuggestsAndListsTheValidOnes) {
  try {
    parse_name<Activation>("rleu", "activation");
    FAIL() << "parse_name accepted 'rleu'";
  } catch (const ValueError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown activation 'rleu'; did you mean 'relu'?"), std::string::npos)
        << message;
    for (const std::string& name : names_of<Activation>())
      EXPECT_NE(message.find(name), std::string::npos) << message;
  }
  // Names are case-sensitive config keys.
  expect_error<ValueError>([] { parse_name<Activation>("ReLU", "activation"); },
                           {"unknown activation 'ReLU'", "(valid: "});
  expect_error<ValueError>([] { parse_name<Activation>("", "activation"); },
                           {"unknown activation ''", "(valid: "});
}

}  // namespace
}  // namespace fulcrum::nn
