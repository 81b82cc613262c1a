// Every case of tests/data/golden/bce_with_logits.json (PyTorch's
// BCEWithLogitsLoss in float64): the loss and the gradient of sum(loss) with
// respect to the input, or a ShapeError for arguments that do not fit.
// The file is read when the test runs, from $FULCRUM_GOLDEN_DIR if set; each
// failure names its case through SCOPED_TRACE.

#include <gtest/gtest.h>

#include <string>

#include "fulcrum/core/error.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "support/errors.hpp"
#include "support/failures.hpp"
#include "support/golden.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::expect_close;
using testing::kOpAtol;
using testing::kOpRtol;
using testing::load_golden;
using testing::tensor_from_json;

enum class Outcome { Computed, Refused, Unchecked };

// The argument whose shape does not fit, named with its shape as the error
// message names it: the check that fires first.
std::string refused_argument(const Tensor& input, const Tensor& target,
                             const BCEWithLogitsLossOptions& options) {
  if (target.shape() != input.shape())
    return "target of shape " + fulcrum::to_string(target.shape());
  if (options.weight.defined() && !broadcasts_to(options.weight.shape(), input.shape()))
    return "weight of shape " + fulcrum::to_string(options.weight.shape());
  return "pos_weight of shape " + fulcrum::to_string(options.pos_weight.shape());
}

Outcome check_case(const nlohmann::json& c, const std::string& name) {
  Tensor input = tensor_from_json(c.at("input"));
  const Tensor target = tensor_from_json(c.at("target"));
  const BCEWithLogitsLossOptions options{
      .weight = tensor_from_json(c.at("weight")),
      .pos_weight = tensor_from_json(c.at("pos_weight")),
      .reduction = parse_reduction(c.at("reduction").get<std::string>())};
  if (c.at("expect").contains("error")) {
    if (!testing::expected(c, {"error"})) return Outcome::Unchecked;
    expect_error<ShapeError>(
        [&] { binary_cross_entropy_with_logits(input, target, options); },
        {"binary_cross_entropy_with_logits: ", refused_argument(input, target, options),
         "input of shape " + fulcrum::to_string(input.shape())});
    return Outcome::Refused;
  }
  const nlohmann::json* expect = testing::expected(c, {"output", "grad_input"});
  if (!expect) return Outcome::Unchecked;
  input.requires_grad_();
  const Tensor output = binary_cross_entropy_with_logits(input, target, options);
  // Sums and means are accumulated in double, so kOpRtol holds for them too.
  expect_close(output, expect->at("output"), kOpRtol, kOpAtol, name + " output");
  output.backward(Tensor::ones(output.shape()));  // d sum(output) / d input
  expect_close(input.grad(), expect->at("grad_input"), kOpRtol, kOpAtol, name + " grad_input");
  return Outcome::Computed;
}

TEST(BceWithLogitsGolden, EveryCaseMatchesPyTorch) {
  const nlohmann::json golden = load_golden("bce_with_logits.json");
  const nlohmann::json& cases = golden.at("cases");
  ASSERT_GT(cases.size(), 0u);
  size_t computed = 0, refused = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const nlohmann::json& c = cases[i];
    const std::string name = "case " + std::to_string(i) + " \"" +
                             c.at("name").get<std::string>() + "\"";
    SCOPED_TRACE(name);
    const Outcome outcome = check_case(c, name);
    computed += outcome == Outcome::Computed;
    refused += outcome == Outcome::Refused;
  }
  // Every case was checked, and the file holds both kinds; a schema change
  // that hid either would show here.
  EXPECT_EQ(computed + refused, cases.size());
  EXPECT_GT(computed, 0u);
  EXPECT_GT(refused, 0u);
}

TEST(BceWithLogitsGolden, ACaseWithEmptiedOrMissingExpectedValuesFails) {
  const nlohmann::json golden = load_golden("bce_with_logits.json");
  nlohmann::json emptied = golden.at("cases").at(0);
  ASSERT_FALSE(emptied.at("expect").contains("error"));
  emptied["expect"] = nlohmann::json::object();
  auto failures = testing::failures_of([&] { check_case(emptied, "emptied"); });
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_NE(failures[0].find("has no expected 'output'"), std::string::npos) << failures[0];

  nlohmann::json hollow = golden.at("cases").at(0);
  hollow["expect"]["output"] = nlohmann::json::object();
  failures = testing::failures_of([&] { check_case(hollow, "hollow"); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("has an empty expected 'output'"), std::string::npos) << failures[0];
}

}  // namespace
}  // namespace fulcrum::nn
