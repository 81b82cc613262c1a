// The graph an ONNX export holds, checked without ONNX: evaluated operator by
// operator (graph_interpreter.hpp) and compared with the model it came from,
// and the errors for what cannot be exported.

#include "fulcrum/onnx/inference_graph.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/onnx/onnx_file.hpp"
#include "graph_interpreter.hpp"
#include "support/errors.hpp"

namespace fulcrum::onnx {
namespace {

constexpr int64_t kFeatures = 3;
constexpr int64_t kRows = 7;

// Softplus is no activation fulcrum's configs have: a user's own module.
class Softplus : public nn::Module {
 public:
  Tensor forward(const Tensor& input) override { return input; }
  std::string type_name() const override { return "Softplus"; }
};

std::shared_ptr<nn::Sequential> backbone_of(std::vector<std::shared_ptr<nn::Module>> modules) {
  return std::make_shared<nn::Sequential>(modules);
}

// A two-hidden-layer backbone with dropout, a 2-label and a 3-class head.
std::shared_ptr<nn::MultiHead> two_head_model(nn::Activation activation, Generator& gen) {
  auto backbone = backbone_of(
      {std::make_shared<nn::Linear>(kFeatures, 5, gen), nn::make_activation(activation),
       std::make_shared<nn::Dropout>(0.5f, gen), std::make_shared<nn::Linear>(5, 4, gen),
       nn::make_activation(activation), std::make_shared<nn::Dropout>(0.5f, gen)});
  return std::make_shared<nn::MultiHead>(
      backbone, nn::MultiHead::Heads{{"tags", std::make_shared<nn::Linear>(4, 2, gen)},
                                     {"grade", std::make_shared<nn::Linear>(4, 3, gen)}});
}

ExportModel export_of(const nn::MultiHead& model, bool standardize = true) {
  ExportModel out;
  out.model = &model;
  out.feature_names = {"a", "b", "c"};
  if (standardize) {
    out.scaler.mean = Tensor::from({kFeatures}, {2.0f, -1.0f, 10.0f});
    out.scaler.scale = Tensor::from({kFeatures}, {0.5f, 3.0f, 4.0f});
  }
  out.heads = {{.name = "tags",
                .kind = TaskKind::MultiLabel,
                .labels = {"x", "y"},
                .thresholds = {0.5, 0.3},
                .recalibration_shift = Tensor::from({2}, {-1.5f, 0.25f})},
               {.name = "grade",
                .kind = TaskKind::MultiClass,
                .labels = {"lo", "mid", "hi"},
                .thresholds = {},
                .recalibration_shift = Tensor()}};
  return out;
}

const ExportOptions kAllOutputs{
    .outputs = {OnnxOutput::Logits, OnnxOutput::Probabilities, OnnxOutput::Recalibrated}};

// Raw features far from standardised, so that a missing or wrong scaler shows.
Tensor raw_rows() {
  Generator gen(11);
  const Tensor unit = normal({kRows, kFeatures}, 0.0f, 1.0f, gen);
  return add(mul(unit, Tensor::from({kFeatures}, {0.5f, 3.0f, 4.0f})),
             Tensor::from({kFeatures}, {2.0f, -1.0f, 10.0f}));
}

void expect_values_near(const testing::Value& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.rows, want.size(0)) << what;
  ASSERT_EQ(got.cols, want.size(1)) << what;
  for (int64_t i = 0; i < want.numel(); ++i)
    EXPECT_NEAR(got.data[static_cast<size_t>(i)], want.data()[i], 1e-5) << what << " element " << i;
}

class GraphMatchesModel : public ::testing::TestWithParam<nn::Activation> {};

TEST_P(GraphMatchesModel, OnEveryOutputOfEveryHead) {
  Generator gen(5);
  const auto model = two_head_model(GetParam(), gen);
  model->train();  // the export leaves dropout out whatever the mode
  const ExportModel exported = export_of(*model);
  const InferenceGraph graph = build_inference_graph(exported, kAllOutputs);

  const Tensor x = raw_rows();
  const auto values = testing::evaluate(graph, x.to_vector(), kRows);
  model->eval();
  NoGradGuard no_grad;
  const nn::HeadOutputs want = model->forward_heads(exported.scaler.transformed(x));
  const Tensor& tags = want.at("tags");
  const Tensor& grade = want.at("grade");
  expect_values_near(values.at("tags.logits"), tags, "tags.logits");
  expect_values_near(values.at("tags.probabilities"), sigmoid(tags), "tags.probabilities");
  expect_values_near(values.at("tags.recalibrated"),
                     sigmoid(add(tags, exported.heads[0].recalibration_shift)),
                     "tags.recalibrated");
  expect_values_near(values.at("grade.logits"), grade, "grade.logits");
  expect_values_near(values.at("grade.probabilities"), softmax(grade, 1), "grade.probabilities");
  // No shift stored: recalibration changes nothing.
  expect_values_near(values.at("grade.recalibrated"), softmax(grade, 1), "grade.recalibrated");
}

INSTANTIATE_TEST_SUITE_P(EveryActivation, GraphMatchesModel,
                         ::testing::Values(nn::Activation::ReLU, nn::Activation::LeakyReLU,
                                           nn::Activation::GELU, nn::Activation::Tanh,
                                           nn::Activation::Sigmoid, nn::Activation::Identity),
                         [](const auto& test) { return std::string(name_of(test.param)); });

TEST(InferenceGraph, OutputsAreNamedPerHeadInOptionOrder) {
  Generator gen(1);
  const auto model = two_head_model(nn::Activation::ReLU, gen);
  const InferenceGraph graph = build_inference_graph(
      export_of(*model), {.outputs = {OnnxOutput::Recalibrated, OnnxOutput::Logits}});
  std::vector<std::pair<std::string, int64_t>> outputs;
  for (const GraphOutput& output : graph.outputs) outputs.emplace_back(output.name, output.width);
  EXPECT_EQ(outputs, (std::vector<std::pair<std::string, int64_t>>{{"tags.recalibrated", 2},
                                                                   {"tags.logits", 2},
                                                                   {"grade.recalibrated", 3},
                                                                   {"grade.logits", 3}}));
  EXPECT_EQ(graph.input_width, kFeatures);
}

TEST(InferenceGraph, DefaultsToLogitsOnly) {
  Generator gen(1);
  const auto model = two_head_model(nn::Activation::ReLU, gen);
  const InferenceGraph graph = build_inference_graph(export_of(*model));
  ASSERT_EQ(graph.outputs.size(), 2u);
  EXPECT_EQ(graph.outputs[0].name, "tags.logits");
  EXPECT_EQ(graph.outputs[1].name, "grade.logits");
}

TEST(InferenceGraph, LeavesDropoutOutAndNamesConstantsAfterParameters) {
  Generator gen(2);
  const auto model = two_head_model(nn::Activation::GELU, gen);
  const InferenceGraph graph = build_inference_graph(export_of(*model), kAllOutputs);
  std::set<std::string> ops;
  std::set<std::string> node_names;
  for (const GraphNode& node : graph.nodes) {
    ops.insert(node.op_type);
    EXPECT_TRUE(node_names.insert(node.name).second) << "two nodes named " << node.name;
  }
  EXPECT_FALSE(ops.count("Dropout"));
  EXPECT_TRUE(ops.count("Erf"));  // GELU's exact form
  std::set<std::string> constants;
  for (const GraphConstant& c : graph.constants) constants.insert(c.name);
  for (const char* name :
       {"scaler.mean", "scaler.scale", "backbone.0.weight", "backbone.0.bias", "backbone.3.weight",
        "heads.tags.weight", "heads.grade.bias", "heads.tags.recalibration_shift"}) {
    EXPECT_TRUE(constants.count(name)) << name;
  }
  EXPECT_FALSE(constants.count("heads.grade.recalibration_shift"));
}

TEST(InferenceGraph, WithoutAScalerReadsTheFeaturesDirectly) {
  Generator gen(3);
  const auto model = two_head_model(nn::Activation::Tanh, gen);
  const ExportModel exported = export_of(*model, /*standardize=*/false);
  const InferenceGraph graph = build_inference_graph(exported);
  ASSERT_FALSE(graph.nodes.empty());
  EXPECT_EQ(graph.nodes[0].op_type, "Gemm");
  EXPECT_EQ(graph.nodes[0].inputs[0], kInputName);
  const Tensor x = raw_rows();
  const auto values = testing::evaluate(graph, x.to_vector(), kRows);
  model->eval();
  NoGradGuard no_grad;
  expect_values_near(values.at("tags.logits"), model->forward_heads(x).at("tags"), "tags.logits");
}

TEST(InferenceGraph, AnIdentityBackboneFeedsTheHeadsTheStandardisedFeatures) {
  Generator gen(4);
  nn::MultiHead model(std::make_shared<nn::Identity>(),
                      {{"tags", std::make_shared<nn::Linear>(kFeatures, 2, gen)},
                       {"grade", std::make_shared<nn::Linear>(kFeatures, 3, gen)}});
  const ExportModel exported = export_of(model);
  const InferenceGraph graph = build_inference_graph(exported, kAllOutputs);
  const Tensor x = raw_rows();
  const auto values = testing::evaluate(graph, x.to_vector(), kRows);
  NoGradGuard no_grad;
  const nn::HeadOutputs want = model.forward_heads(exported.scaler.transformed(x));
  expect_values_near(values.at("grade.probabilities"), softmax(want.at("grade"), 1),
                     "grade.probabilities");
}

// Raw rows with a missing value (NaN) in each column somewhere, one row with
// every value missing, and rows with none.
Tensor rows_with_gaps() {
  Tensor x = raw_rows();
  float* v = x.data();
  const float missing = std::numeric_limits<float>::quiet_NaN();
  for (int64_t r = 0; r < kRows; r += 3) v[r * kFeatures + (r / 3) % kFeatures] = missing;
  for (int64_t c = 0; c < kFeatures; ++c) v[(kRows - 1) * kFeatures + c] = missing;
  return x;
}

// One value per column, each unlike the others, so that a fill taken from the
// wrong column shows.
const std::vector<float> kFill{1.5f, -4.0f, 12.0f};

// With and without a scaler after the imputation.
class GraphImputes : public ::testing::TestWithParam<bool> {};

TEST_P(GraphImputes, AMissingValueAsTheImputerFillsIt) {
  const bool standardize = GetParam();
  Generator gen(6);
  const auto model = two_head_model(nn::Activation::GELU, gen);
  ExportModel exported = export_of(*model, standardize);
  exported.imputer.fill = kFill;
  const InferenceGraph graph = build_inference_graph(exported, kAllOutputs);
  ASSERT_GE(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.nodes[0].op_type, "IsNaN");
  EXPECT_EQ(graph.nodes[0].inputs, std::vector<std::string>{kInputName});
  EXPECT_EQ(graph.nodes[1].op_type, "Where");
  EXPECT_EQ(graph.nodes[1].inputs,
            (std::vector<std::string>{"imputer.missing", "imputer.fill", kInputName}));
  EXPECT_EQ(graph.nodes[2].op_type, standardize ? "Sub" : "Gemm");
  EXPECT_EQ(graph.nodes[2].inputs[0], "imputer.filled");

  const Tensor x = rows_with_gaps();
  const auto values = testing::evaluate(graph, x.to_vector(), kRows);
  model->eval();
  NoGradGuard no_grad;
  const Tensor filled = exported.imputer.transformed(x);
  ASSERT_NE(filled.data(), x.data()) << "the rows must have missing values to fill";
  const nn::HeadOutputs want =
      model->forward_heads(standardize ? exported.scaler.transformed(filled) : filled);
  expect_values_near(values.at("imputer.filled"), filled, "imputer.filled");
  expect_values_near(values.at("tags.recalibrated"),
                     sigmoid(add(want.at("tags"), exported.heads[0].recalibration_shift)),
                     "tags.recalibrated");
  expect_values_near(values.at("grade.probabilities"), softmax(want.at("grade"), 1),
                     "grade.probabilities");
  EXPECT_NE(graph.description.find("missing value (NaN)"), std::string::npos) << graph.description;
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutAScaler, GraphImputes, ::testing::Bool(),
                         [](const auto& test) {
                           return std::string(test.param ? "Standardized" : "Raw");
                         });

// Without an imputation the graph has no trace of one: taking the imputer's
// two nodes, its constant and its sentence out of an imputing graph leaves
// exactly the graph (and, serialised, the bytes) of the model without one.
TEST(InferenceGraph, WithoutAnImputationTheGraphIsTheOneWithItsImputationTakenOut) {
  Generator gen(7);
  const auto model = two_head_model(nn::Activation::ReLU, gen);
  const InferenceGraph plain = build_inference_graph(export_of(*model), kAllOutputs);
  for (const GraphNode& node : plain.nodes) {
    EXPECT_NE(node.op_type, "IsNaN");
    EXPECT_NE(node.op_type, "Where");
  }
  for (const GraphConstant& c : plain.constants) EXPECT_NE(c.name, "imputer.fill");
  EXPECT_EQ(plain.description.find("NaN"), std::string::npos) << plain.description;

  ExportModel exported = export_of(*model);
  exported.imputer.fill = kFill;
  InferenceGraph stripped = build_inference_graph(exported, kAllOutputs);
  ASSERT_GE(stripped.nodes.size(), 2u);
  ASSERT_EQ(stripped.nodes[1].op_type, "Where");
  stripped.nodes.erase(stripped.nodes.begin(), stripped.nodes.begin() + 2);
  std::erase_if(stripped.constants,
                [](const GraphConstant& c) { return c.name == "imputer.fill"; });
  for (GraphNode& node : stripped.nodes)
    std::replace(node.inputs.begin(), node.inputs.end(), std::string("imputer.filled"),
                 std::string(kInputName));
  const std::string sentence = "; a missing value (NaN) becomes the training split's imputed value";
  const size_t at = stripped.description.find(sentence);
  ASSERT_NE(at, std::string::npos) << stripped.description;
  stripped.description.erase(at, sentence.size());

  EXPECT_EQ(stripped.description, plain.description);
  EXPECT_EQ(stripped.metadata, plain.metadata);
  ASSERT_EQ(stripped.nodes.size(), plain.nodes.size());
  for (size_t i = 0; i < plain.nodes.size(); ++i) {
    EXPECT_EQ(stripped.nodes[i].name, plain.nodes[i].name);
    EXPECT_EQ(stripped.nodes[i].inputs, plain.nodes[i].inputs) << plain.nodes[i].name;
  }
  if (onnx_available()) {
    EXPECT_EQ(onnx_model_bytes(stripped), onnx_model_bytes(plain));
  }
}

TEST(InferenceGraph, DescribesFeaturesHeadsAndLabelsInItsMetadata) {
  Generator gen(1);
  const auto model = two_head_model(nn::Activation::ReLU, gen);
  const InferenceGraph graph = build_inference_graph(export_of(*model), kAllOutputs);
  std::map<std::string, std::string> metadata(graph.metadata.begin(), graph.metadata.end());
  EXPECT_EQ(nlohmann::json::parse(metadata.at("fulcrum.features")),
            nlohmann::json({"a", "b", "c"}));
  const nlohmann::json heads = nlohmann::json::parse(metadata.at("fulcrum.heads"));
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0]["name"], "tags");
  EXPECT_EQ(heads[0]["kind"], "multilabel");
  EXPECT_EQ(heads[0]["thresholds"], nlohmann::json({0.5, 0.3}));
  EXPECT_EQ(heads[1]["labels"], nlohmann::json({"lo", "mid", "hi"}));
  EXPECT_EQ(nlohmann::json::parse(metadata.at("fulcrum.outputs")),
            nlohmann::json({"logits", "probabilities", "recalibrated"}));
  EXPECT_NE(graph.description.find("features"), std::string::npos) << graph.description;
}

TEST(InferenceGraphErrors, AnUnsupportedActivationIsNamedWithWhereItIs) {
  Generator gen(1);
  nn::MultiHead model(
      backbone_of({std::make_shared<nn::Linear>(kFeatures, 4, gen), std::make_shared<Softplus>()}),
      {{"tags", std::make_shared<nn::Linear>(4, 2, gen)},
       {"grade", std::make_shared<nn::Linear>(4, 3, gen)}});
  fulcrum::testing::expect_error<ValueError>(
      [&] { build_inference_graph(export_of(model)); },
      {"backbone.1 is a Softplus", "cannot be exported", "supported modules: Linear, ReLU"});
}

TEST(InferenceGraphErrors, AHeadThatIsNotALinearIsNamed) {
  Generator gen(1);
  nn::MultiHead model(std::make_shared<nn::Identity>(),
                      {{"tags", backbone_of({std::make_shared<nn::Linear>(kFeatures, 2, gen)})},
                       {"grade", std::make_shared<nn::Linear>(kFeatures, 3, gen)}});
  fulcrum::testing::expect_error<ValueError>([&] { build_inference_graph(export_of(model)); },
                                             {"heads.tags is a Sequential", "must be a Linear"});
}

TEST(InferenceGraphErrors, RefusesNoOutputsAndAnOutputChosenTwice) {
  Generator gen(1);
  const auto model = two_head_model(nn::Activation::ReLU, gen);
  fulcrum::testing::expect_error<ValueError>(
      [&] { build_inference_graph(export_of(*model), {.outputs = {}}); },
      {"no outputs chosen", "logits, probabilities, recalibrated"});
  fulcrum::testing::expect_error<ValueError>(
      [&] {
        build_inference_graph(export_of(*model),
                              {.outputs = {OnnxOutput::Logits, OnnxOutput::Logits}});
      },
      {"'logits' is chosen twice"});
}

TEST(InferenceGraphErrors, HeadsThatDoNotMatchTheModelAreRefused) {
  Generator gen(1);
  const auto model = two_head_model(nn::Activation::ReLU, gen);
  ExportModel exported = export_of(*model);
  exported.heads.pop_back();
  fulcrum::testing::expect_error<ValueError>([&] { build_inference_graph(exported); },
                                             {"2 heads (tags, grade)", "describes 1"});
  exported = export_of(*model);
  exported.heads[1].labels.pop_back();
  fulcrum::testing::expect_error<ValueError>([&] { build_inference_graph(exported); },
                                             {"heads.grade has 3 outputs but 2 labels"});
  exported = export_of(*model);
  exported.imputer.fill = {0.0f, 1.0f};
  fulcrum::testing::expect_error<ShapeError>([&] { build_inference_graph(exported); },
                                             {"imputation's 2 values", "3 features"});
  exported = export_of(*model);
  exported.scaler.mean = Tensor::from({2}, {0.0f, 0.0f});
  fulcrum::testing::expect_error<ShapeError>([&] { build_inference_graph(exported); },
                                             {"scaler's mean [2]", "3 features"});
}

TEST(OnnxFile, SerialisesOrSaysTheBuildCannot) {
  Generator gen(1);
  const auto model = two_head_model(nn::Activation::ReLU, gen);
  const InferenceGraph graph = build_inference_graph(export_of(*model));
  if (!onnx_available()) {
    fulcrum::testing::expect_error<Error>([&] { onnx_model_bytes(graph); },
                                          {"ONNX export is disabled", "libonnx-dev"});
    return;
  }
  const std::string bytes = onnx_model_bytes(graph);
  // ModelProto field 1 (ir_version, a varint) comes first: 0x08, then 7.
  ASSERT_GT(bytes.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x08);
  EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 7);
  // Every weight is in the file: at least 4 bytes per value.
  size_t values = 0;
  for (const GraphConstant& c : graph.constants) values += c.values.size();
  EXPECT_GE(bytes.size(), 4 * values);
}

}  // namespace
}  // namespace fulcrum::onnx
