// Forward values of the elementwise, activation, reduction and matmul ops on
// small tensors, against references worked out by hand (or, for the
// transcendental functions, their defining formulas evaluated in double).

#include <cmath>

#include <gtest/gtest.h>

#include "expect.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum {
namespace {

using testing::error_message;
using testing::expect_contains;
using testing::expect_tensor;

Tensor row_10_20_30() { return Tensor::from({3}, {10.0f, 20.0f, 30.0f}); }

Tensor matrix_2x3() { return Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6}); }

// -- elementwise, broadcasting ---------------------------------------------------

TEST(Forward, AddBroadcastsARow) {
  expect_tensor(add(matrix_2x3(), row_10_20_30()), {2, 3}, {11, 22, 33, 14, 25, 36});
  expect_tensor(add(row_10_20_30(), matrix_2x3()), {2, 3}, {11, 22, 33, 14, 25, 36});
}

TEST(Forward, SubOuterBroadcast) {
  const Tensor col = Tensor::from({3, 1}, {1, 2, 3});
  const Tensor row = Tensor::from({1, 2}, {10, 20});
  expect_tensor(sub(col, row), {3, 2}, {-9, -19, -8, -18, -7, -17});
}

TEST(Forward, MulAndDivWithScalars) {
  const Tensor x = Tensor::from({3}, {1, 2, 3});
  expect_tensor(mul(x, Tensor::scalar(2)), {3}, {2, 4, 6});
  expect_tensor(2.0f * x, {3}, {2, 4, 6});
  expect_tensor(x * 2.0f, {3}, {2, 4, 6});
  expect_tensor(div(x, Tensor::from({3}, {2, 4, 8})), {3}, {0.5f, 0.5f, 0.375f});
  expect_tensor(1.0f / x, {3}, {1.0f, 0.5f, 1.0f / 3.0f});
  expect_tensor(x - 1.0f, {3}, {0, 1, 2});
  expect_tensor(1.0f - x, {3}, {0, -1, -2});
  expect_tensor(x + 0.5f, {3}, {1.5f, 2.5f, 3.5f});
  expect_tensor(mul(Tensor::scalar(3), Tensor::scalar(4)), {}, {12});
}

TEST(Forward, ThreeDimensionalBroadcast) {
  // [2, 1, 2] * [3, 1] -> [2, 3, 2]: out[i, j, k] = a[i, 0, k] * b[j, 0].
  const Tensor a = Tensor::from({2, 1, 2}, {1, 2, 3, 4});
  const Tensor b = Tensor::from({3, 1}, {1, 10, 100});
  expect_tensor(mul(a, b), {2, 3, 2},
                {1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400});
}

TEST(Forward, Pow) {
  expect_tensor(pow(Tensor::from({3}, {1, 2, 3}), 2.0f), {3}, {1, 4, 9});
  expect_tensor(pow(Tensor::from({2}, {4, 9}), 0.5f), {2}, {2, 3});
  expect_tensor(pow(Tensor::from({2}, {2, 3}), Tensor::from({2}, {3, 2})), {2}, {8, 9});
  expect_tensor(pow(Tensor::from({2}, {2, 4}), Tensor::scalar(-1)), {2}, {0.5f, 0.25f});
  // Negative bases with integer exponents are defined.
  expect_tensor(pow(Tensor::from({2}, {-2, -3}), 3.0f), {2}, {-8, -27});
  expect_tensor(pow(Tensor::from({2}, {-2, -3}), 2.0f), {2}, {4, 9});
}

TEST(Forward, PowGradientAtZeroBaseIsFinite) {
  // d(x^2)/dx at 0 is 0, not NaN from 0 * 0^-1 style formulas.
  Tensor x = Tensor::from({2}, {0, 3}).requires_grad_();
  sum(pow(x, 2.0f)).backward();
  expect_tensor(x.grad(), {2}, {0, 6});
}

// -- elementwise, unary ------------------------------------------------------------

TEST(Forward, UnaryMaps) {
  const float e = 2.718281828459045f;
  expect_tensor(neg(Tensor::from({3}, {1, -2, 0})), {3}, {-1, 2, 0});
  expect_tensor(exp(Tensor::from({3}, {0, 1, -1})), {3}, {1, e, 1 / e});
  expect_tensor(log(Tensor::from({3}, {1, e, 0.5f})), {3}, {0, 1, -0.6931471805599453f});
  expect_tensor(abs(Tensor::from({3}, {-2, 0, 3})), {3}, {2, 0, 3});
  expect_tensor(sqrt(Tensor::from({3}, {4, 2.25f, 0})), {3}, {2, 1.5f, 0});
}

TEST(Forward, Log1pIsAccurateNearZero) {
  // log(1 + 1e-8) would round 1 + 1e-8 to 1 and give 0.
  expect_tensor(log1p(Tensor::from({3}, {0, 1e-8f, 1.718281828f})), {3}, {0, 1e-8f, 1},
                1e-12, 1e-6);
}

TEST(Forward, AbsGradientIsSignAndZeroAtZero) {
  Tensor x = Tensor::from({3}, {-2, 0, 3}).requires_grad_();
  sum(abs(x)).backward();
  expect_tensor(x.grad(), {3}, {-1, 0, 1});
}

TEST(Forward, Clamp) {
  const Tensor x = Tensor::from({5}, {-2, -0.5f, 0, 0.5f, 2});
  expect_tensor(clamp(x, -1.0f, 1.0f), {5}, {-1, -0.5f, 0, 0.5f, 1});
  expect_tensor(clamp(x, 0.0f, std::nullopt), {5}, {0, 0, 0, 0.5f, 2});
  expect_tensor(clamp(x, std::nullopt, 0.0f), {5}, {-2, -0.5f, 0, 0, 0});
  expect_tensor(clamp(x, std::nullopt, std::nullopt), {5}, {-2, -0.5f, 0, 0.5f, 2});
}

TEST(Forward, ClampGradientIsOneOnTheClosedInterval) {
  Tensor x = Tensor::from({5}, {-2, -1, 0, 1, 2}).requires_grad_();
  sum(clamp(x, -1.0f, 1.0f)).backward();
  expect_tensor(x.grad(), {5}, {0, 1, 1, 1, 0});
}

TEST(Forward, ClampRejectsMinAboveMax) {
  const std::string msg =
      error_message<ValueError>([] { clamp(Tensor::zeros({2}), 1.0f, -1.0f); });
  expect_contains(msg, {"clamp"});
}

// -- activations ---------------------------------------------------------------------

TEST(Forward, ReluAndLeakyRelu) {
  const Tensor x = Tensor::from({3}, {-1, 0, 2});
  expect_tensor(relu(x), {3}, {0, 0, 2});
  expect_tensor(leaky_relu(x), {3}, {-0.01f, 0, 2});
  expect_tensor(leaky_relu(x, 0.1f), {3}, {-0.1f, 0, 2});
}

TEST(Forward, ActivationsPropagateNan) {
  // A NaN must stay visible (PyTorch's relu(nan) is nan), not be turned into 0.
  const Tensor x = Tensor::from({1}, {std::nanf("")});
  EXPECT_TRUE(std::isnan(relu(x).item()));
  EXPECT_TRUE(std::isnan(leaky_relu(x).item()));
  EXPECT_TRUE(std::isnan(gelu(x).item()));
  EXPECT_TRUE(std::isnan(sigmoid(x).item()));
  EXPECT_TRUE(std::isnan(clamp(x, 0.0f, 1.0f).item()));
}

TEST(Forward, ReluGradientAtZeroIsZero) {
  // PyTorch's convention: relu'(0) = 0.
  Tensor x = Tensor::from({3}, {-1, 0, 2}).requires_grad_();
  sum(relu(x)).backward();
  expect_tensor(x.grad(), {3}, {0, 0, 1});
}

TEST(Forward, GeluIsTheExactErfForm) {
  // x * Phi(x); the tanh approximation differs from these in the 4th digit.
  expect_tensor(gelu(Tensor::from({4}, {0, 1, -1, 2})), {4},
                {0, 0.8413447460685429f, -0.15865525393145707f, 1.9544997361036416f}, 1e-6,
                1e-6);
}

TEST(Forward, TanhSigmoidLogSigmoid) {
  const Tensor x = Tensor::from({3}, {0, 2, -2});
  expect_tensor(tanh(x), {3}, {0, 0.9640275800758169f, -0.9640275800758169f});
  expect_tensor(sigmoid(x), {3}, {0.5f, 0.8807970779778823f, 0.11920292202211755f});
  expect_tensor(log_sigmoid(x), {3},
                {-0.6931471805599453f, -0.12692801104297263f, -2.1269280110429727f});
}

TEST(Forward, SoftmaxAndLogSoftmaxOfAVector) {
  const Tensor x = Tensor::from({3}, {1, 2, 3});
  expect_tensor(softmax(x, 0), {3}, {0.09003057317038046f, 0.24472847105479767f,
                                     0.6652409557748219f});
  expect_tensor(log_softmax(x, -1), {3},
                {-2.4076059644443806f, -1.4076059644443806f, -0.4076059644443806f});
}

TEST(Forward, SoftmaxAlongTheFirstDimension) {
  // Columns [1, 3] and [2, 4] each have the softmax [s(-2), s(2)].
  const Tensor x = Tensor::from({2, 2}, {1, 2, 3, 4});
  const float lo = 0.11920292202211755f, hi = 0.8807970779778823f;
  expect_tensor(softmax(x, 0), {2, 2}, {lo, lo, hi, hi});
  expect_tensor(softmax(x, 1), {2, 2}, {0.2689414213699951f, 0.7310585786300049f,
                                        0.2689414213699951f, 0.7310585786300049f});
}

TEST(Forward, SoftmaxOf3dSumsToOneAlongEachDimension) {
  const Tensor x = Tensor::from({2, 3, 4}, {0.1f, -1, 2, 0.5f, 3, 0, -2, 1, 0.3f, 0.7f, -0.4f, 1.5f,
                                             2, -3, 0.2f, 1, -1, 4, 0, 0.6f, 1.1f, -0.8f, 0.9f, 0});
  for (int64_t dim : {0, 1, 2, -1}) {
    const Tensor s = softmax(x, dim);
    const Tensor totals = sum(s, dim);
    for (float t : totals.values()) EXPECT_NEAR(t, 1.0f, 1e-6f) << "dim " << dim;
    // log_softmax is the log of softmax.
    const Tensor ls = log_softmax(x, dim);
    for (int64_t i = 0; i < x.numel(); ++i)
      EXPECT_NEAR(ls.data()[i], std::log(s.data()[i]), 1e-5f) << "dim " << dim << " i " << i;
  }
}

// -- reductions ------------------------------------------------------------------------

TEST(Forward, SumAndMeanOverAll) {
  expect_tensor(sum(matrix_2x3()), {}, {21});
  expect_tensor(mean(matrix_2x3()), {}, {3.5f});
  expect_tensor(sum(Tensor::scalar(4)), {}, {4});
}

TEST(Forward, SumAndMeanOverOneDimension) {
  const Tensor x = matrix_2x3();
  expect_tensor(sum(x, 0), {3}, {5, 7, 9});
  expect_tensor(sum(x, 1), {2}, {6, 15});
  expect_tensor(sum(x, -1, true), {2, 1}, {6, 15});
  expect_tensor(sum(x, 0, true), {1, 3}, {5, 7, 9});
  expect_tensor(mean(x, 0), {3}, {2.5f, 3.5f, 4.5f});
  expect_tensor(mean(x, 1, true), {2, 1}, {2, 5});
}

TEST(Forward, SumOverTheMiddleOf3d) {
  // x[i, j, k] = 100 i + 10 j + k over [2, 3, 2]; sum over j = 300 i + 30 + 3 k.
  Tensor x = Tensor::empty({2, 3, 2});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 2; ++k)
        x.data()[(i * 3 + j) * 2 + k] = static_cast<float>(100 * i + 10 * j + k);
  expect_tensor(sum(x, 1), {2, 2}, {30, 33, 330, 333});
  expect_tensor(mean(x, 1, true), {2, 1, 2}, {10, 11, 110, 111});
}

TEST(Forward, ReductionsRejectBadDimensions) {
  const std::string msg = error_message<ShapeError>([] { sum(matrix_2x3(), 2); });
  expect_contains(msg, {"sum", "2"});
  expect_contains(error_message<ShapeError>([] { mean(matrix_2x3(), -3); }),
                  {"dimension -3 is out of range"});
  expect_contains(error_message<ShapeError>([] { softmax(matrix_2x3(), 5); }),
                  {"softmax", "dimension 5 is out of range"});
}

TEST(Forward, SumTo) {
  const Tensor x = matrix_2x3();
  expect_tensor(sum_to(x, {3}), {3}, {5, 7, 9});
  expect_tensor(sum_to(x, {1, 3}), {1, 3}, {5, 7, 9});
  expect_tensor(sum_to(x, {2, 1}), {2, 1}, {6, 15});
  expect_tensor(sum_to(x, {}), {}, {21});
  expect_tensor(sum_to(x, {2, 3}), {2, 3}, {1, 2, 3, 4, 5, 6});
}

TEST(Forward, SumToRejectsShapesThatDoNotBroadcast) {
  const std::string msg = error_message<ShapeError>([] { sum_to(matrix_2x3(), {2}); });
  expect_contains(msg, {"[2]", "[2, 3]"});
  expect_contains(error_message<ShapeError>([] {
                    sum_to(matrix_2x3(), {1, 2, 3, 1});
                  }),
                  {"sum_to: shape [1, 2, 3, 1] does not broadcast to [2, 3]"});
}

// -- linear algebra ---------------------------------------------------------------------

TEST(Forward, Matmul) {
  const Tensor a = Tensor::from({2, 2}, {1, 2, 3, 4});
  const Tensor b = Tensor::from({2, 2}, {5, 6, 7, 8});
  expect_tensor(matmul(a, b), {2, 2}, {19, 22, 43, 50});
  expect_tensor(matmul(Tensor::from({2}, {1, 2}), b), {2}, {19, 22});
  expect_tensor(matmul(a, Tensor::from({2}, {5, 6})), {2}, {17, 39});
  expect_tensor(matmul(Tensor::from({2}, {1, 2}), Tensor::from({2}, {3, 4})), {}, {11});
  // Non-square: [2, 3] @ [3, 1].
  expect_tensor(matmul(matrix_2x3(), Tensor::from({3, 1}, {1, 0, -1})), {2, 1}, {-2, -2});
}

TEST(Forward, MatmulRejectsMismatchedInnerSizes) {
  const std::string msg = error_message<ShapeError>([] { matmul(matrix_2x3(), matrix_2x3()); });
  expect_contains(msg, {"matmul", "[2, 3]"});
}

TEST(Forward, Linear) {
  const Tensor x = Tensor::from({1, 2}, {1, 2});
  const Tensor w = Tensor::from({3, 2}, {1, 0, 0, 1, 1, 1});
  const Tensor b = Tensor::from({3}, {10, 20, 30});
  expect_tensor(linear(x, w, b), {1, 3}, {11, 22, 33});
  expect_tensor(linear(x, w, Tensor()), {1, 3}, {1, 2, 3});
  expect_tensor(linear(Tensor::from({2}, {1, 2}), w, b), {3}, {11, 22, 33});
  // Leading dimensions are kept: [2, 1, 2] -> [2, 1, 3].
  expect_tensor(linear(Tensor::from({2, 1, 2}, {1, 2, -1, 0}), w, b), {2, 1, 3},
                {11, 22, 33, 9, 20, 29});
}

TEST(Forward, LinearEqualsMatmulWithTransposedWeightPlusBias) {
  const Tensor x = Tensor::from({2, 3}, {0.5f, -1, 2, 1.5f, 0.25f, -0.75f});
  const Tensor w = Tensor::from({2, 3}, {1, 2, 3, -1, 0.5f, 0});
  const Tensor b = Tensor::from({2}, {0.1f, -0.2f});
  const Tensor fused = linear(x, w, b);
  const Tensor composed = add(matmul(x, transpose(w, 0, 1)), b);
  expect_tensor(fused, {2, 2}, composed.to_vector(), 1e-6, 1e-6);
}

TEST(Forward, LinearRejectsBadShapes) {
  const Tensor w = Tensor::zeros({3, 2});
  expect_contains(error_message<ShapeError>([&] { linear(Tensor::zeros({4, 3}), w, Tensor()); }),
                  {"[4, 3]", "[3, 2]"});
  expect_contains(error_message<ShapeError>(
                      [&] { linear(Tensor::zeros({4, 2}), w, Tensor::zeros({2})); }),
                  {"[2]"});
}

}  // namespace
}  // namespace fulcrum
