// Forward values and errors of the shape ops (reshape, transpose, concat,
// slice, broadcast_to) and of argmax_last / all_finite.

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "expect.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum {
namespace {

using testing::error_message;
using testing::expect_contains;
using testing::expect_tensor;

// 0, 1, ..., numel-1 in the given shape: every element says where it came from.
Tensor iota(const Shape& shape) { return reshape(Tensor::arange(numel(shape)), shape); }

// -- reshape -----------------------------------------------------------------------

TEST(Reshape, KeepsTheRowMajorOrder) {
  expect_tensor(reshape(iota({2, 3}), {3, 2}), {3, 2}, {0, 1, 2, 3, 4, 5});
  expect_tensor(reshape(iota({6}), {1, 6, 1}), {1, 6, 1}, {0, 1, 2, 3, 4, 5});
  expect_tensor(reshape(Tensor::scalar(7), {1, 1}), {1, 1}, {7});
  expect_tensor(reshape(Tensor::from({1}, {7}), {}), {}, {7});
}

TEST(Reshape, InfersOneMinusOne) {
  EXPECT_EQ(reshape(iota({2, 3, 4}), {-1}).shape(), (Shape{24}));
  EXPECT_EQ(reshape(iota({2, 3, 4}), {4, -1}).shape(), (Shape{4, 6}));
  EXPECT_EQ(reshape(iota({2, 3, 4}), {2, -1, 3}).shape(), (Shape{2, 4, 3}));
  EXPECT_EQ(reshape(Tensor::zeros({0, 3}), {-1, 3}).shape(), (Shape{0, 3}));
}

TEST(Reshape, SharesStorageWithItsInput) {
  Tensor x = iota({2, 3});
  Tensor y = reshape(x, {6});
  EXPECT_EQ(y.data(), x.data());
  EXPECT_EQ(x.shape(), (Shape{2, 3})) << "reshape must not change its input's shape";
}

TEST(Reshape, RejectsAMismatchNamingBothShapes) {
  const std::string msg = error_message<ShapeError>([] { reshape(iota({2, 3}), {4, 2}); });
  expect_contains(msg, {"reshape", "[2, 3]", "[4, 2]"});
  expect_contains(error_message<ShapeError>([] { reshape(iota({2, 3}), {4, -1}); }),
                  {"[2, 3]", "[4, -1]"});
}

TEST(Reshape, RejectsTwoMinusOnesAndNegativeSizes) {
  expect_contains(error_message<ShapeError>([] { reshape(iota({2, 3}), {-1, -1}); }),
                  {"[-1, -1]"});
  expect_contains(error_message<ShapeError>([] {
                    reshape(iota({2, 3}), {-2, -3});
                  }),
                  {"reshape: shape [-2, -3] has a negative size -2"});
  // -1 next to a 0 could be anything.
  expect_contains(error_message<ShapeError>([] {
                    reshape(Tensor::zeros({0, 3}), {0, -1});
                  }),
                  {"cannot reshape a tensor of shape [0, 3]", "[0, -1]"});
}

// -- transpose ---------------------------------------------------------------------

TEST(Transpose, TwoDimensional) {
  expect_tensor(transpose(iota({2, 3}), 0, 1), {3, 2}, {0, 3, 1, 4, 2, 5});
  expect_tensor(transpose(iota({2, 3}), -1, -2), {3, 2}, {0, 3, 1, 4, 2, 5});
}

TEST(Transpose, ThreeDimensionalMatchesIndexDefinition) {
  const Shape shape{2, 3, 4};
  const Tensor x = iota(shape);
  const Tensor y = transpose(x, 0, 2);  // y[k, j, i] = x[i, j, k]
  ASSERT_EQ(y.shape(), (Shape{4, 3, 2}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k)
        EXPECT_EQ(y.data()[(k * 3 + j) * 2 + i], x.data()[(i * 3 + j) * 4 + k]);
  const Tensor z = transpose(x, 1, 2);  // z[i, k, j] = x[i, j, k]
  ASSERT_EQ(z.shape(), (Shape{2, 4, 3}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k)
        EXPECT_EQ(z.data()[(i * 4 + k) * 3 + j], x.data()[(i * 3 + j) * 4 + k]);
}

TEST(Transpose, IsItsOwnInverseAndCopies) {
  const Tensor x = iota({3, 1, 5, 2});
  const Tensor y = transpose(transpose(x, 1, 3), 1, 3);
  expect_tensor(y, x.shape(), x.to_vector());
  EXPECT_NE(y.data(), x.data());
  expect_tensor(transpose(x, 2, 2), x.shape(), x.to_vector());
}

TEST(Transpose, LargeTensorMatchesIndexDefinition) {
  // Large enough to run on several threads.
  const Tensor x = iota({300, 257});
  const Tensor y = transpose(x, 0, 1);
  for (int64_t i = 0; i < 300; i += 7)
    for (int64_t j = 0; j < 257; ++j) ASSERT_EQ(y.data()[j * 300 + i], x.data()[i * 257 + j]);
}

TEST(Transpose, OfAScalarIsTheScalar) {
  // As in PyTorch, a 0-d tensor accepts dims 0 and -1.
  expect_tensor(transpose(Tensor::scalar(3), 0, -1), {}, {3});
}

TEST(Transpose, RejectsBadDimensions) {
  expect_contains(error_message<ShapeError>([] { transpose(iota({2, 3}), 0, 2); }),
                  {"transpose", "2"});
}

// -- concat ------------------------------------------------------------------------

TEST(Concat, AlongEachDimension) {
  const Tensor a = iota({2, 2});
  const Tensor b = Tensor::from({2, 1}, {10, 11});
  expect_tensor(concat({a, b}, 1), {2, 3}, {0, 1, 10, 2, 3, 11});
  expect_tensor(concat({a, b}, -1), {2, 3}, {0, 1, 10, 2, 3, 11});
  const Tensor c = Tensor::from({1, 2}, {20, 21});
  expect_tensor(concat({a, c, a}, 0), {5, 2}, {0, 1, 2, 3, 20, 21, 0, 1, 2, 3});
  expect_tensor(concat({a}, 0), {2, 2}, {0, 1, 2, 3});
}

TEST(Concat, ThreeDimensionalMiddle) {
  const Tensor a = iota({2, 1, 2});                          // 0 1 | 2 3
  const Tensor b = add(iota({2, 2, 2}), Tensor::scalar(10));  // 10..13 | 14..17
  expect_tensor(concat({a, b}, 1), {2, 3, 2}, {0, 1, 10, 11, 12, 13, 2, 3, 14, 15, 16, 17});
}

TEST(Concat, AcceptsEmptyPieces) {
  expect_tensor(concat({iota({2, 0}), iota({2, 2})}, 1), {2, 2}, {0, 1, 2, 3});
}

TEST(Concat, RejectsMismatchNamingTheTensorAndShapes) {
  const std::string msg = error_message<ShapeError>(
      [] { concat({iota({2, 3}), iota({2, 1}), iota({3, 2})}, 1); });
  expect_contains(msg, {"tensor 2", "[3, 2]", "[2, 3]"});
  expect_contains(error_message<ShapeError>([] { concat({iota({2, 3}), iota({6})}, 0); }),
                  {"tensor 1", "[6]"});
  expect_contains(error_message<ValueError>([] { concat({}, 0); }),
                  {"concat: needs at least one tensor"});
  expect_contains(error_message<ShapeError>([] { concat({iota({2})}, 1); }),
                  {"concat: dimension 1 is out of range"});
}

// -- slice -------------------------------------------------------------------------

TEST(Slice, FollowsPythonRules) {
  const Tensor x = iota({5});
  expect_tensor(slice(x, 0, 1, 4), {3}, {1, 2, 3});
  expect_tensor(slice(x, 0, -3, -1), {2}, {2, 3});
  expect_tensor(slice(x, 0, 2, 100), {3}, {2, 3, 4});
  expect_tensor(slice(x, 0, -100, 2), {2}, {0, 1});
  expect_tensor(slice(x, 0, 4, 2), {0}, {});
  expect_tensor(slice(x, 0, 7, 9), {0}, {});
  expect_tensor(slice(x, 0, 0, 5), {5}, {0, 1, 2, 3, 4});
}

TEST(Slice, AlongInnerDimensions) {
  const Tensor x = iota({2, 3, 4});
  expect_tensor(slice(x, 1, 1, 2), {2, 1, 4}, {4, 5, 6, 7, 16, 17, 18, 19});
  expect_tensor(slice(x, -1, -1, 4), {2, 3, 1}, {3, 7, 11, 15, 19, 23});
  expect_tensor(slice(x, 0, 1, 2), {1, 3, 4},
                {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23});
}

TEST(Slice, ConcatOfSlicesRebuildsTheTensor) {
  const Tensor x = iota({3, 7});
  const Tensor rebuilt = concat({slice(x, 1, 0, 2), slice(x, 1, 2, 5), slice(x, 1, 5, 7)}, 1);
  expect_tensor(rebuilt, x.shape(), x.to_vector());
}

TEST(Slice, RejectsBadDimensionsAndScalars) {
  expect_contains(error_message<ShapeError>([] {
                    slice(iota({2, 3}), 2, 0, 1);
                  }),
                  {"slice: dimension 2 is out of range"});
  expect_contains(error_message<ShapeError>([] { slice(Tensor::scalar(1), 0, 0, 1); }),
                  {"slice: cannot slice a scalar"});
}

TEST(Slice, GradientIsZeroOutsideTheSlice) {
  Tensor x = iota({2, 4}).clone().requires_grad_();
  sum(slice(x, 1, 1, 3)).backward();
  expect_tensor(x.grad(), {2, 4}, {0, 1, 1, 0, 0, 1, 1, 0});
}

// -- broadcast_to ------------------------------------------------------------------

TEST(BroadcastTo, RepeatsAlongBroadcastDimensions) {
  expect_tensor(broadcast_to(Tensor::from({3}, {1, 2, 3}), {2, 3}), {2, 3}, {1, 2, 3, 1, 2, 3});
  expect_tensor(broadcast_to(Tensor::from({2, 1}, {1, 2}), {2, 3}), {2, 3}, {1, 1, 1, 2, 2, 2});
  expect_tensor(broadcast_to(Tensor::scalar(5), {2, 2}), {2, 2}, {5, 5, 5, 5});
  expect_tensor(broadcast_to(Tensor::from({2, 1, 2}, {1, 2, 3, 4}), {2, 2, 2}), {2, 2, 2},
                {1, 2, 1, 2, 3, 4, 3, 4});
  expect_tensor(broadcast_to(iota({2, 2}), {1, 2, 2}), {1, 2, 2}, {0, 1, 2, 3});
}

TEST(BroadcastTo, RejectsShapesThatDoNotBroadcast) {
  const std::string msg =
      error_message<ShapeError>([] { broadcast_to(iota({3}), {2, 4}); });
  expect_contains(msg, {"broadcast_to", "[3]", "[2, 4]"});
  // Broadcasting never shrinks or drops dimensions.
  expect_contains(error_message<ShapeError>([] {
                    broadcast_to(iota({2, 3}), {3});
                  }),
                  {"broadcast_to: a tensor of shape [2, 3] does not broadcast to shape [3]"});
  expect_contains(error_message<ShapeError>([] {
                    broadcast_to(iota({2, 1}), {1, 3});
                  }),
                  {"broadcast_to: a tensor of shape [2, 1] does not broadcast to shape [1, 3]"});
}

TEST(BroadcastTo, GradientSumsTheCopies) {
  Tensor x = Tensor::from({2, 1}, {1, 2}).requires_grad_();
  Tensor y = broadcast_to(x, {3, 2, 4});
  sum(y).backward();
  expect_tensor(x.grad(), {2, 1}, {12, 12});
}

// -- argmax_last and all_finite --------------------------------------------------------

TEST(ArgmaxLast, PicksTheLargestOfEachRow) {
  const Tensor x = Tensor::from({2, 3}, {0.1f, 0.9f, 0.3f, 5, -1, 2});
  expect_tensor(argmax_last(x), {2}, {1, 0});
  expect_tensor(argmax_last(Tensor::from({3}, {-3, -1, -2})), {}, {1});
  expect_tensor(argmax_last(reshape(x, {2, 1, 3})), {2, 1}, {1, 0});
}

TEST(ArgmaxLast, TiesGoToTheFirst) {
  expect_tensor(argmax_last(Tensor::from({4}, {1, 3, 3, 0})), {}, {1});
}

TEST(ArgmaxLast, RejectsScalarsAndEmptyRows) {
  expect_contains(error_message<ShapeError>([] { argmax_last(Tensor::scalar(1)); }),
                  {"argmax_last: needs a non-empty last dimension, got shape []"});
  expect_contains(error_message<ShapeError>([] {
                    argmax_last(Tensor::zeros({2, 0}));
                  }),
                  {"argmax_last: needs a non-empty last dimension, got shape [2, 0]"});
}

TEST(AllFinite, DetectsNanAndInfinity) {
  EXPECT_TRUE(all_finite(iota({3, 3})));
  EXPECT_TRUE(all_finite(Tensor::zeros({0})));
  Tensor x = iota({4}).clone();
  x.data()[2] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(all_finite(x));
  x.data()[2] = -std::numeric_limits<float>::infinity();
  EXPECT_FALSE(all_finite(x));
  x.data()[2] = std::numeric_limits<float>::max();
  EXPECT_TRUE(all_finite(x));
}

}  // namespace
}  // namespace fulcrum
