// Every case of tests/data/golden/cross_entropy.json (PyTorch's
// CrossEntropyLoss in float64): the loss and the gradient of sum(loss) with
// respect to the input, or an error for arguments PyTorch refuses.
// The file is read when the test runs, from $FULCRUM_GOLDEN_DIR if set; each
// failure names its case through SCOPED_TRACE.

#include <gtest/gtest.h>

#include <string>

#include "fulcrum/core/error.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "support/errors.hpp"
#include "support/golden.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::expect_close;
using testing::kOpAtol;
using testing::kOpRtol;
using testing::load_golden;
using testing::tensor_from_json;

// Whether the arguments' shapes are acceptable, judged from the shapes alone:
// then a refused case must be refused for a value (ValueError, e.g. a class
// index out of range), otherwise for its shapes (ShapeError).
bool shapes_fit(const Tensor& input, const Tensor& target, const Tensor& weight) {
  if (input.dim() < 2) return false;
  if (weight.defined() && weight.shape() != Shape{input.size(1)}) return false;
  Shape index_shape = input.shape();
  index_shape.erase(index_shape.begin() + 1);
  return target.shape() == input.shape() || target.shape() == index_shape;
}

TEST(CrossEntropyGolden, EveryCaseMatchesPyTorch) {
  const nlohmann::json golden = load_golden("cross_entropy.json");
  const nlohmann::json& cases = golden.at("cases");
  ASSERT_GT(cases.size(), 0u);
  size_t computed = 0, refused = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const nlohmann::json& c = cases[i];
    const std::string name = "case " + std::to_string(i) + " \"" +
                             c.at("name").get<std::string>() + "\"";
    SCOPED_TRACE(name);
    Tensor input = tensor_from_json(c.at("input"));
    const Tensor target = tensor_from_json(c.at("target"));
    CrossEntropyLossOptions options;
    options.weight = tensor_from_json(c.at("weight"));
    options.ignore_index = c.at("ignore_index").get<int64_t>();
    options.label_smoothing = c.at("label_smoothing").get<float>();
    options.reduction = parse_reduction(c.at("reduction").get<std::string>());
    const bool refuses = c.at("expect").contains("error");
    const nlohmann::json* expect =
        refuses ? testing::expected(c, {"error"}) : testing::expected(c, {"output", "grad_input"});
    if (!expect) continue;

    // The kind is decided by shape; check it agrees with the file's label.
    const bool probabilities = target.shape() == input.shape();
    EXPECT_EQ(c.at("target_kind").get<std::string>(), probabilities ? "probabilities" : "index");

    if (refuses) {
      // Each refused case breaks one rule; the message must name that rule's argument.
      if (shapes_fit(input, target, options.weight))
        expect_error<ValueError>(
            [&] { cross_entropy(input, target, options); },
            {"cross_entropy: target[",
             "is out of range for " + std::to_string(input.size(1)) + " classes"});
      else
        expect_error<ShapeError>(
            [&] { cross_entropy(input, target, options); },
            {options.weight.defined() && options.weight.shape() != Shape{input.size(1)}
                 ? "cross_entropy: weight of shape " + fulcrum::to_string(options.weight.shape())
                 : "cross_entropy: target of shape " + fulcrum::to_string(target.shape())});
      ++refused;
      continue;
    }
    input.requires_grad_();
    const Tensor output = cross_entropy(input, target, options);
    // log-sum-exp, sums and means are computed in double, so kOpRtol holds.
    expect_close(output, expect->at("output"), kOpRtol, kOpAtol, name + " output");
    output.backward(Tensor::ones(output.shape()));  // d sum(output) / d input
    expect_close(input.grad(), expect->at("grad_input"), kOpRtol, kOpAtol, name + " grad_input");
    ++computed;
  }
  EXPECT_EQ(computed + refused, cases.size()) << "cases left unchecked";
  EXPECT_GT(computed, 0u);
  EXPECT_GT(refused, 0u);
}

}  // namespace
}  // namespace fulcrum::nn
