// Linear: names and layout, PyTorch's initialisation, forward against a
// hand computation, and the finite-difference gradient check.

#include "fulcrum/layers/linear.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "layers/test_util.hpp"
#include "support/errors.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::expect_identical;
using testing::expect_near_values;
using testing::parameter_layout;
using testing::reference_linear;
using testing::to_double;

using Layout = std::vector<std::pair<std::string, Shape>>;

TEST(Linear, ParametersAreWeightOutByInAndBias) {
  Linear fc(3, 4);
  EXPECT_EQ(parameter_layout(fc), (Layout{{"weight", {4, 3}}, {"bias", {4}}}));
  EXPECT_TRUE(fc.weight().requires_grad());
  EXPECT_TRUE(fc.bias().requires_grad());
  EXPECT_EQ(fc.in_features(), 3);
  EXPECT_EQ(fc.out_features(), 4);

  Linear no_bias(3, 4, /*bias=*/false);
  EXPECT_EQ(parameter_layout(no_bias), (Layout{{"weight", {4, 3}}}));
  EXPECT_FALSE(no_bias.bias().defined());
}

TEST(Linear, RefusesNonPositiveSizes) {
  expect_error<ValueError>([] { Linear(0, 4); },
                           {"Linear: in_features and out_features must be positive, got 0 and 4"});
  expect_error<ValueError>([] { Linear(3, -1); },
                           {"Linear: in_features and out_features must be positive, got 3 and -1"});
}

// kaiming_uniform_(a = sqrt(5)) and PyTorch's bias init: U(-1/sqrt(in), 1/sqrt(in)).
TEST(Linear, InitialisesWithinPyTorchsBoundsAndSpreadsOverThem) {
  for (int64_t in : {1, 6, 50, 300}) {
    Generator gen(static_cast<uint64_t>(in));
    Linear fc(in, 200, true, gen);
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    for (const Tensor& p : {fc.weight(), fc.bias()}) {
      const auto v = p.to_vector();
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      EXPECT_GE(*lo, -bound) << "in=" << in;
      EXPECT_LE(*hi, bound) << "in=" << in;
      EXPECT_LT(*lo, *hi) << "in=" << in << ": all values equal";
    }
    // 200 * in uniform weights fill the interval: the chance that no weight comes
    // within 15% of a bound is below 0.925^200 = 2e-7.
    const auto w = fc.weight().to_vector();
    EXPECT_LT(*std::min_element(w.begin(), w.end()), -0.85 * bound) << "in=" << in;
    EXPECT_GT(*std::max_element(w.begin(), w.end()), 0.85 * bound) << "in=" << in;
  }
}

TEST(Linear, SameSeedSameParametersDifferentSeedDifferent) {
  Generator g1(7), g2(7), g3(8);
  Linear a(5, 3, true, g1), b(5, 3, true, g2), c(5, 3, true, g3);
  expect_identical(a.weight(), b.weight(), "weight");
  expect_identical(a.bias(), b.bias(), "bias");
  EXPECT_NE(a.weight().to_vector(), c.weight().to_vector());

  manual_seed(11);
  Linear d(5, 3);
  manual_seed(11);
  Linear e(5, 3);
  expect_identical(d.weight(), e.weight(), "weight from the default generator");
  expect_identical(d.bias(), e.bias(), "bias from the default generator");
}

TEST(Linear, ForwardIsXTimesWeightTransposedPlusBias) {
  Generator gen(3);
  Linear fc(3, 4, true, gen);
  const Tensor x = uniform({5, 3}, -2.0f, 2.0f, gen);
  const Tensor y = fc(x);
  EXPECT_EQ(y.shape(), (Shape{5, 4}));
  expect_near_values(y, reference_linear(to_double(x), 3, fc.weight(), fc.bias()), 1e-5, 1e-6,
                     "linear");

  Linear no_bias(3, 4, false, gen);
  expect_near_values(no_bias(x), reference_linear(to_double(x), 3, no_bias.weight(), Tensor()),
                     1e-5, 1e-6, "linear without bias");
}

TEST(Linear, ForwardAcceptsLeadingDimensions) {
  Generator gen(4);
  Linear fc(3, 2, true, gen);
  const Tensor x3 = uniform({2, 5, 3}, -1.0f, 1.0f, gen);
  const Tensor y3 = fc(x3);
  EXPECT_EQ(y3.shape(), (Shape{2, 5, 2}));
  expect_near_values(y3, reference_linear(to_double(x3), 3, fc.weight(), fc.bias()), 1e-5, 1e-6,
                     "linear on [2, 5, 3]");
  const Tensor x1 = uniform({3}, -1.0f, 1.0f, gen);
  EXPECT_EQ(fc(x1).shape(), (Shape{2}));
}

TEST(Linear, WrongInputWidthNamesTheShape) {
  Linear fc(3, 2);
  try {
    fc(Tensor::zeros({4, 5}));
    FAIL() << "a [4, 5] input was accepted by Linear(3, 2)";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[4, 5]"), std::string::npos) << e.what();
  }
  expect_error<ShapeError>([&] { fc(Tensor::scalar(1.0f)); },
                           {"Linear(3 -> 2): input of shape [] must end in 3 features"});
}

TEST(Linear, Gradcheck) {
  Generator gen(5);
  Linear fc(4, 3, true, gen);
  Tensor x = uniform({6, 4}, -1.0f, 1.0f, gen);
  x.requires_grad_();
  // The check perturbs the parameters in place through these same handles.
  testing::gradcheck([&](const std::vector<Tensor>& in) { return fc(in[0]); },
                     [](const std::vector<testing::ref::Array>& in) {
                       return testing::ref::linear(in[0], in[1], in[2]);
                     },
                     {x, fc.weight(), fc.bias()}, "Linear(4, 3)");
}

TEST(Linear, GradcheckWithoutBiasAndWithLeadingDimensions) {
  Generator gen(6);
  Linear fc(4, 3, false, gen);
  Tensor x = uniform({2, 3, 4}, -1.0f, 1.0f, gen);
  x.requires_grad_();
  testing::gradcheck([&](const std::vector<Tensor>& in) { return fc(in[0]); },
                     [](const std::vector<testing::ref::Array>& in) {
                       return testing::ref::linear(in[0], in[1], {});
                     },
                     {x, fc.weight()}, "Linear(4, 3, bias=false) on [2, 3, 4]");
}

}  // namespace
}  // namespace fulcrum::nn
