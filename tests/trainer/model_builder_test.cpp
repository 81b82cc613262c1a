// build_model: PyTorch's parameter names, shapes, and separate generators.
#include "fulcrum/config/model_builder.hpp"

#include <gtest/gtest.h>

#include "fulcrum/core/error.hpp"

namespace fulcrum::config {
namespace {

ModelConfig two_heads(std::vector<int64_t> sizes, double dropout) {
  ModelConfig config;
  config.backbone.sizes = std::move(sizes);
  config.backbone.dropout = dropout;
  HeadConfig a;
  a.name = "tags";
  a.outputs = 3;
  HeadConfig b;
  b.name = "rating";
  b.kind = TaskKind::MultiClass;
  b.outputs = 5;
  config.heads = {a, b};
  return config;
}

std::vector<std::pair<std::string, Shape>> names_and_shapes(const nn::Module& model) {
  std::vector<std::pair<std::string, Shape>> out;
  for (const auto& [name, tensor] : model.named_parameters())
    out.emplace_back(name, tensor.shape());
  return out;
}

TEST(ModelBuilder, NamesParametersAsPyTorchDoes) {
  Generator gen(1);
  const auto model = build_model(two_heads({16, 8}, 0.1), 6, gen);
  const std::vector<std::pair<std::string, Shape>> expected{
      {"backbone.0.weight", {16, 6}},  {"backbone.0.bias", {16}},  // Linear, ReLU, Dropout
      {"backbone.3.weight", {8, 16}},  {"backbone.3.bias", {8}},
      {"heads.tags.weight", {3, 8}},   {"heads.tags.bias", {3}},
      {"heads.rating.weight", {5, 8}}, {"heads.rating.bias", {5}}};
  EXPECT_EQ(names_and_shapes(*model), expected);
}

TEST(ModelBuilder, WithoutDropoutTheLinearsAreEveryOtherChild) {
  Generator gen(1);
  const auto model = build_model(two_heads({4, 4}, 0.0), 6, gen);
  EXPECT_EQ(names_and_shapes(*model)[2].first, "backbone.2.weight");
}

TEST(ModelBuilder, EmptySizesLetTheHeadsReadTheInput) {
  Generator gen(1);
  const auto model = build_model(two_heads({}, 0.0), 6, gen);
  const std::vector<std::pair<std::string, Shape>> expected{{"heads.tags.weight", {3, 6}},
                                                            {"heads.tags.bias", {3}},
                                                            {"heads.rating.weight", {5, 6}},
                                                            {"heads.rating.bias", {5}}};
  EXPECT_EQ(names_and_shapes(*model), expected);
  const auto outputs = model->forward_heads(Tensor::ones({2, 6}));
  EXPECT_EQ(outputs.at("tags").shape(), (Shape{2, 3}));
  EXPECT_EQ(outputs.at("rating").shape(), (Shape{2, 5}));
}

TEST(ModelBuilder, InitialWeightsDoNotDependOnTheDropoutRate) {
  Generator init_a(3), drop_a(4), init_b(3), drop_b(4);
  const auto a = build_model(two_heads({8}, 0.0), 5, init_a, drop_a);
  const auto b = build_model(two_heads({8}, 0.5), 5, init_b, drop_b);
  const auto pa = a->named_parameters();
  const auto pb = b->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i)
    EXPECT_EQ(pa[i].second.to_vector(), pb[i].second.to_vector());
}

TEST(ModelBuilder, DropoutDrawsFromItsOwnGenerator) {
  Generator init(3), dropout(4);
  const auto model = build_model(two_heads({64}, 0.5), 5, init, dropout);
  const std::string before = dropout.state();
  const std::string init_before = init.state();
  model->forward_heads(Tensor::ones({4, 5}));
  EXPECT_NE(dropout.state(), before);
  EXPECT_EQ(init.state(), init_before);
}

TEST(ModelBuilder, RefusesAHeadWithoutOutputs) {
  auto config = two_heads({8}, 0.0);
  config.heads[1].outputs = 0;
  Generator gen;
  try {
    build_model(config, 5, gen);
    FAIL() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("model.heads.rating.outputs"), std::string::npos);
  }
}

// The message of the ValueError build_model throws for `config` with
// `input_features` inputs, or "" (with a failure) if it throws none.
std::string build_error(const ModelConfig& config, int64_t input_features) {
  Generator gen;
  try {
    build_model(config, input_features, gen);
  } catch (const ValueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ValueError";
  return "";
}

// The input size is known only with the data: an input layer over
// kMaxParameters (2^31) is refused, naming the layer and its sizes, before a
// weight is allocated (the config alone passed validate()).
TEST(ModelBuilder, RefusesAnInputLayerOverTheParameterLimit) {
  EXPECT_EQ(kMaxParameters, int64_t{1} << 31);
  const std::string message = build_error(two_heads({1 << 20}, 0.0), 4096);
  EXPECT_NE(message.find("model.backbone.sizes[0]: layer backbone.0 (4096 -> 1048576) would have "
                         "4296015872 parameters, more than the 2147483648 (2^31)"),
            std::string::npos)
      << message;
}

TEST(ModelBuilder, RefusesAHeadOverTheParameterLimitAndNamesIt) {
  auto config = two_heads({}, 0.0);
  config.heads[0].outputs = int64_t{1} << 30;
  const std::string message = build_error(config, 2);
  EXPECT_NE(message.find("model.heads.tags.outputs: layer heads.tags (2 -> 1073741824) would have "
                         "3221225472 parameters"),
            std::string::npos)
      << message;
}

TEST(ModelBuilder, RefusesAModelWhoseLayersTogetherAreOverTheLimit) {
  // Two layers of 1.6e9 parameters each: each fits, the sum does not.
  const std::string message = build_error(two_heads({40000, 40000}, 0.0), 40000);
  EXPECT_NE(message.find("model: 40000 input features and model.backbone.sizes [40000, 40000] "
                         "make 3200400008 parameters, more than the 2147483648 (2^31)"),
            std::string::npos)
      << message;
}

TEST(ModelBuilder, RefusesMoreInputFeaturesThanALayerMayHave) {
  const std::string message = build_error(two_heads({8}, 0.0), int64_t{1} << 40);
  EXPECT_NE(message.find("the data has 1099511627776 features"), std::string::npos) << message;
}

}  // namespace
}  // namespace fulcrum::config
