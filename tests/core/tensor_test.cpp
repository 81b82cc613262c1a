// Tensor creation, data access, copies and the errors of misuse.

#include <gtest/gtest.h>

#include "expect.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum {
namespace {

using testing::error_message;
using testing::expect_contains;
using testing::expect_tensor;

TEST(Tensor, Factories) {
  expect_tensor(Tensor::zeros({2, 2}), {2, 2}, {0, 0, 0, 0});
  expect_tensor(Tensor::ones({3}), {3}, {1, 1, 1});
  expect_tensor(Tensor::full({2}, 2.5f), {2}, {2.5f, 2.5f});
  expect_tensor(Tensor::scalar(4), {}, {4});
  expect_tensor(Tensor::arange(4), {4}, {0, 1, 2, 3});
  expect_tensor(Tensor::from({2, 1}, {7, 8}), {2, 1}, {7, 8});
  const std::vector<float> values{1, 2, 3, 4, 5, 6};
  expect_tensor(Tensor::from({3, 2}, values), {3, 2}, values);
  EXPECT_EQ(Tensor::empty({0, 5}).numel(), 0);
}

TEST(Tensor, ShapeAccessors) {
  const Tensor t = Tensor::zeros({2, 3, 4});
  EXPECT_EQ(t.dim(), 3);
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.size(0), 2);
  EXPECT_EQ(t.size(-1), 4);
  EXPECT_EQ(Tensor::scalar(1).dim(), 0);
  EXPECT_EQ(Tensor::scalar(1).numel(), 1);
  expect_contains(error_message<ShapeError>([&] { (void)t.size(3); }),
                  {"size: dimension 3 is out of range for a tensor of 3 dimensions"});
}

TEST(Tensor, SizeOfAScalarIsAnError) {
  // A scalar has no dimensions (PyTorch: "tensor has no dimensions"); wrap_dim
  // accepts 0 for scalars, so size() must check on its own.
  const Tensor s = Tensor::scalar(1);
  expect_contains(error_message<ShapeError>([&] { (void)s.size(0); }),
                  {"size(0): a scalar tensor has no dimensions"});
  expect_contains(error_message<ShapeError>([&] { (void)s.size(-1); }),
                  {"size(-1): a scalar tensor has no dimensions"});
}

TEST(Tensor, FactoryErrors) {
  expect_contains(error_message<ShapeError>([] { Tensor::from({2, 2}, {1, 2, 3}); }),
                  {"3", "[2, 2]"});
  expect_contains(error_message<ShapeError>([] { Tensor::empty({2, -1}); }), {"[2, -1]"});
}

TEST(Tensor, ItemNeedsOneElement) {
  EXPECT_EQ(Tensor::scalar(3).item(), 3);
  EXPECT_EQ(Tensor::from({1, 1}, {5}).item(), 5);
  expect_contains(error_message<ValueError>([] { (void)Tensor::zeros({2}).item(); }), {"[2]"});
}

TEST(Tensor, UndefinedTensorsFailLoudly) {
  const Tensor t;
  EXPECT_FALSE(t.defined());
  expect_contains(error_message<ValueError>([&] { (void)t.shape(); }),
                  {"use of an undefined tensor"});
  EXPECT_EQ(t.to_string(), "Tensor(undefined)");
}

TEST(Tensor, CopiesAreHandlesUnlessCloned) {
  Tensor a = Tensor::from({2}, {1, 2});
  Tensor alias = a;
  EXPECT_TRUE(alias.same(a));
  alias.data()[0] = 9;
  EXPECT_EQ(a.data()[0], 9) << "copying a Tensor copies the handle, not the data";

  Tensor c = a.clone();
  EXPECT_FALSE(c.same(a));
  c.data()[1] = -1;
  EXPECT_EQ(a.data()[1], 2);
  EXPECT_FALSE(c.requires_grad());
}

TEST(Tensor, CloneOfAParameterIsOutsideTheGraph) {
  Tensor p = Tensor::from({2}, {1, 2}).requires_grad_();
  EXPECT_FALSE(p.clone().requires_grad());
  EXPECT_TRUE(p.clone().is_leaf());
}

TEST(Tensor, CopyAndFill) {
  Tensor a = Tensor::zeros({2, 2});
  a.copy_(Tensor::from({4}, {1, 2, 3, 4}));  // same numel is enough
  expect_tensor(a, {2, 2}, {1, 2, 3, 4});
  a.fill_(7);
  expect_tensor(a, {2, 2}, {7, 7, 7, 7});
  expect_contains(error_message<ShapeError>([&] { a.copy_(Tensor::zeros({3})); }),
                  {"[3]", "[2, 2]"});
  a.copy_(a);  // copying onto itself is harmless
  expect_tensor(a, {2, 2}, {7, 7, 7, 7});
}

TEST(Tensor, ToVectorAndToString) {
  const Tensor t = Tensor::from({2}, {1.5f, -2});
  EXPECT_EQ(t.to_vector(), (std::vector<float>{1.5f, -2}));
  EXPECT_EQ(t.to_string(), "Tensor(shape=[2], data=[1.5, -2])");
  const std::string long_form = Tensor::zeros({20}).to_string();
  EXPECT_NE(long_form.find("..."), std::string::npos) << long_form;
}

TEST(Tensor, RequiresGradOnLeaves) {
  Tensor p = Tensor::zeros({2});
  EXPECT_FALSE(p.requires_grad());
  p.requires_grad_();
  EXPECT_TRUE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
  EXPECT_STREQ(p.op_name(), "leaf");
  p.requires_grad_(false);
  EXPECT_FALSE(p.requires_grad());
}

}  // namespace
}  // namespace fulcrum
