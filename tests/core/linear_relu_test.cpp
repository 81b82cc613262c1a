// linear_relu, the fused Linear + ReLU: the same bits as relu(linear(...)) in
// the forward pass and in every gradient, on one-block and threaded products,
// with and without bias, and a clear error for shapes that do not fit.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "support/errors.hpp"

namespace fulcrum {
namespace {

using testing::expect_error;

bool bit_identical(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)) == 0;
}

struct Layer {
  Shape input;
  int64_t out_features;
  bool bias = true;
  bool weight_trained = true;
};

// The output and the gradients of x, weight and bias of sum(output * r) for a
// fixed random r, computed through `fused` or through the two ops.
std::vector<Tensor> outputs_and_gradients(const Layer& layer, bool fused) {
  Generator gen(11);
  const int64_t in_features = layer.input.back();
  Tensor x = normal(layer.input, 0.0f, 1.0f, gen).requires_grad_();
  Tensor w = normal({layer.out_features, in_features}, 0.0f, 0.1f, gen);
  if (layer.weight_trained) w.requires_grad_();
  Tensor b = layer.bias ? normal({layer.out_features}, 0.0f, 0.5f, gen).requires_grad_() : Tensor();
  Shape out_shape = layer.input;
  out_shape.back() = layer.out_features;
  const Tensor r = normal(out_shape, 0.0f, 1.0f, gen);
  const Tensor y = fused ? linear_relu(x, w, b) : relu(linear(x, w, b));
  sum(mul(y, r)).backward();
  std::vector<Tensor> all = {y.detach().clone(), x.grad().clone()};
  if (layer.weight_trained) all.push_back(w.grad().clone());
  if (layer.bias) all.push_back(b.grad().clone());
  return all;
}

void expect_fused_equals_unfused(const Layer& layer, const std::string& what) {
  const std::vector<Tensor> fused = outputs_and_gradients(layer, true);
  const std::vector<Tensor> separate = outputs_and_gradients(layer, false);
  ASSERT_EQ(fused.size(), separate.size());
  const char* names[] = {"output", "x.grad", "weight.grad or bias.grad", "bias.grad"};
  for (size_t i = 0; i < fused.size(); ++i)
    EXPECT_TRUE(bit_identical(fused[i], separate[i])) << what << ": " << names[i] << " differs";
}

TEST(LinearRelu, GivesTheBitsOfReluOfLinear) {
  expect_fused_equals_unfused({{5, 7}, 4}, "one small block");
  expect_fused_equals_unfused({{2, 6, 7}, 3}, "3-d input");
  expect_fused_equals_unfused({{7}, 5}, "1-d input");
  expect_fused_equals_unfused({{9, 7}, 4, /*bias=*/false}, "no bias");
  expect_fused_equals_unfused({{9, 7}, 4, true, /*weight_trained=*/false}, "frozen weight");
  // Above the one-block size: the product is cut into blocks and threaded.
  expect_fused_equals_unfused({{512, 300}, 700}, "threaded product");
}

TEST(LinearRelu, GivesTheSameBitsWithAnyThreadCount) {
  set_num_threads(1);
  const std::vector<Tensor> one = outputs_and_gradients({{512, 300}, 700}, true);
  for (int threads : {2, 3}) {
    set_num_threads(threads);
    const std::vector<Tensor> many = outputs_and_gradients({{512, 300}, 700}, true);
    for (size_t i = 0; i < one.size(); ++i)
      EXPECT_TRUE(bit_identical(one[i], many[i]))
          << "tensor " << i << ", " << threads << " threads";
  }
  set_num_threads(0);
}

TEST(LinearRelu, PassesNaNThroughAsReluDoes) {
  Tensor x = Tensor::from({1, 2}, {std::numeric_limits<float>::quiet_NaN(), 1.0f});
  const Tensor w = Tensor::from({2, 2}, {1.0f, 0.0f, -1.0f, 0.0f});
  const Tensor y = linear_relu(x, w, Tensor());
  EXPECT_TRUE(std::isnan(y.data()[0]));
  EXPECT_TRUE(std::isnan(y.data()[1]));
}

TEST(LinearRelu, ShapesThatDoNotFitNameTheOpAndTheShapes) {
  const Tensor x = Tensor::zeros({4, 3});
  expect_error<ShapeError>(
      [&] {
        linear_relu(x, Tensor::zeros({5, 2}), Tensor());
      },
      {"linear_relu", "[4, 3]", "in_features = 2"});
  expect_error<ShapeError>(
      [&] {
        linear_relu(x, Tensor::zeros({5, 3}), Tensor::zeros({4}));
      },
      {"linear_relu", "bias of shape [4]", "expected [5]"});
}

}  // namespace
}  // namespace fulcrum
