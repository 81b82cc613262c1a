// Every case of tests/data/generated/imbalance_losses.json (made by
// make_imbalance_golden.py next to it, PyTorch in float64): the sigmoid focal
// loss, the asymmetric loss and the logit-adjusted cross-entropy with the
// gradient of sum(output), post-hoc logit adjustment, and effective-number
// class weights. The file is read from the path CMake compiles in
// (FULCRUM_GENERATED_DATA_DIR); each failure names its case.
//
// Tolerances: kOpRtol / kOpAtol throughout. Every loss sums in double, and
// the inputs are exact float32 values, so the only float32 rounding is that
// of the results (and of the shifted logits of the logit-adjusted loss, about
// 6e-8 * |logit|, well below kOpAtol for the logits used).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/losses/asymmetric_loss.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/focal_loss.hpp"
#include "fulcrum/losses/logit_adjustment.hpp"
#include "support/errors.hpp"
#include "support/golden.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::expect_close;
using testing::kOpAtol;
using testing::kOpRtol;
using testing::tensor_from_json;

const nlohmann::json& golden() {
  static const nlohmann::json file = [] {
    const auto path = std::filesystem::path(FULCRUM_GENERATED_DATA_DIR) / "imbalance_losses.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("generated golden file not found: " + path.string());
    return nlohmann::json::parse(in);
  }();
  return file;
}

// The cases of one op, each with a readable name for the failure messages.
std::vector<std::pair<std::string, nlohmann::json>> cases_of(const std::string& op) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  const nlohmann::json& cases = golden().at("cases");
  for (size_t i = 0; i < cases.size(); ++i)
    if (cases[i].at("op") == op)
      out.emplace_back(
          "case " + std::to_string(i) + " \"" + cases[i].at("name").get<std::string>() + "\"",
          cases[i]);
  return out;
}

float number(const nlohmann::json& c, const char* key) { return c.at(key).get<float>(); }

// Runs every case of `op` through `loss(input, case)`: compares the output
// and the gradient of sum(output), or expects a ShapeError. Returns how many
// cases were computed and refused, so each test can check the file had both.
template <typename Loss>
std::pair<size_t, size_t> check_loss_cases(const std::string& op, const Loss& loss) {
  size_t computed = 0, refused = 0;
  for (const auto& [name, c] : cases_of(op)) {
    SCOPED_TRACE(name);
    Tensor input = tensor_from_json(c.at("input"));
    const nlohmann::json& expect = c.at("expect");
    if (expect.contains("error")) {
      // Every refused case of the file gives a target whose shape differs from the input's.
      expect_error<ShapeError>(
          [&, &this_case = c] { loss(input, this_case); },
          {"target of shape " + fulcrum::to_string(tensor_from_json(c.at("target")).shape()),
           "does not match input of shape " + fulcrum::to_string(input.shape())});
      ++refused;
      continue;
    }
    input.requires_grad_();
    const Tensor output = loss(input, c);
    expect_close(output, expect.at("output"), kOpRtol, kOpAtol, name + " output");
    output.backward(Tensor::ones(output.shape()));  // d sum(output) / d input
    expect_close(input.grad(), expect.at("grad_input"), kOpRtol, kOpAtol, name + " grad_input");
    ++computed;
  }
  return {computed, refused};
}

TEST(ImbalanceGolden, FileNamesItsGenerator) {
  EXPECT_EQ(golden().at("format"), "golden-v1");
  EXPECT_NE(golden().at("generator").get<std::string>().find("PyTorch"), std::string::npos);
}

TEST(ImbalanceGolden, SigmoidFocalLossMatchesTorchvisionFormula) {
  const auto [computed, refused] =
      check_loss_cases("sigmoid_focal_loss", [](const Tensor& input, const nlohmann::json& c) {
        SigmoidFocalLossOptions options;
        options.alpha = number(c, "alpha");
        options.gamma = number(c, "gamma");
        options.reduction = parse_reduction(c.at("reduction").get<std::string>());
        return sigmoid_focal_loss(input, tensor_from_json(c.at("target")), options);
      });
  EXPECT_GE(computed, 40u);
  EXPECT_GT(refused, 0u);
}

TEST(ImbalanceGolden, AsymmetricLossMatchesReferenceImplementation) {
  const auto [computed, refused] =
      check_loss_cases("asymmetric_loss", [](const Tensor& input, const nlohmann::json& c) {
        AsymmetricLossOptions options;
        options.gamma_pos = number(c, "gamma_pos");
        options.gamma_neg = number(c, "gamma_neg");
        options.clip = number(c, "clip");
        options.eps = number(c, "eps");
        options.reduction = parse_reduction(c.at("reduction").get<std::string>());
        return asymmetric_loss(input, tensor_from_json(c.at("target")), options);
      });
  EXPECT_GE(computed, 35u);
  EXPECT_GT(refused, 0u);
}

TEST(ImbalanceGolden, LogitAdjustedCrossEntropyMatchesShiftedCrossEntropy) {
  const auto [computed, refused] = check_loss_cases(
      "logit_adjusted_cross_entropy", [](const Tensor& input, const nlohmann::json& c) {
        CrossEntropyLossOptions options;
        options.weight = tensor_from_json(c.at("weight"));
        options.ignore_index = c.at("ignore_index").get<int64_t>();
        options.label_smoothing = number(c, "label_smoothing");
        options.reduction = parse_reduction(c.at("reduction").get<std::string>());
        return logit_adjusted_cross_entropy(input, tensor_from_json(c.at("target")),
                                            tensor_from_json(c.at("class_priors")),
                                            number(c, "tau"), options);
      });
  EXPECT_GE(computed, 10u);
  EXPECT_EQ(refused, 0u);
}

// class_priors(counts) gives the priors the file uses (counts / sum in float32).
TEST(ImbalanceGolden, ClassPriorsFromCountsMatchTheFile) {
  const auto cases = cases_of("logit_adjusted_cross_entropy");
  ASSERT_FALSE(cases.empty());
  for (const auto& [name, c] : cases) {
    SCOPED_TRACE(name);
    const Tensor priors = class_priors(c.at("counts").get<std::vector<int64_t>>());
    expect_close(priors, c.at("class_priors"), 0.0, 0.0, name + " class_priors");
  }
}

TEST(ImbalanceGolden, PostHocLogitAdjustmentSubtractsTauLogPriors) {
  const auto cases = cases_of("logit_adjust");
  ASSERT_FALSE(cases.empty());
  for (const auto& [name, c] : cases) {
    SCOPED_TRACE(name);
    const Tensor out = logit_adjust(tensor_from_json(c.at("input")),
                                    tensor_from_json(c.at("class_priors")), number(c, "tau"));
    expect_close(out, c.at("expect").at("output"), kOpRtol, kOpAtol, name + " output");
  }
}

TEST(ImbalanceGolden, EffectiveNumberWeightsMatchCuiEtAl) {
  const auto cases = cases_of("effective_number_weight");
  ASSERT_GE(cases.size(), 10u);
  for (const auto& [name, c] : cases) {
    SCOPED_TRACE(name);
    const auto counts = c.at("counts").get<std::vector<int64_t>>();
    const Tensor w = effective_number_weight(counts, c.at("beta").get<double>());
    expect_close(w, c.at("expect").at("weights"), kOpRtol, kOpAtol, name + " weights");
  }
}

}  // namespace
}  // namespace fulcrum::nn
