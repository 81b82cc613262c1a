// StandardScaler: sklearn's population statistics and its constant-column rule.

#include "fulcrum/data/scaler.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

TEST(StandardScaler, MatchesHandComputedValues) {
  // Column 0: 1, 3, 5 -> mean 3, population std sqrt(8/3).
  // Column 1: constant 10 -> mean 10, scale 1, so it becomes 0.
  // Column 2: 5, 7, 0 -> mean 4, population std sqrt(26/3).
  const Tensor x = Tensor::from({3, 3}, {1, 10, 5, 3, 10, 7, 5, 10, 0});
  StandardScaler scaler;
  EXPECT_FALSE(scaler.fitted());
  scaler.fit(x);
  EXPECT_TRUE(scaler.fitted());
  const double s0 = std::sqrt(8.0 / 3.0), s2 = std::sqrt(26.0 / 3.0);
  EXPECT_EQ(scaler.mean.to_vector(), (std::vector<float>{3, 10, 4}));
  EXPECT_FLOAT_EQ(scaler.scale.data()[0], static_cast<float>(s0));
  EXPECT_EQ(scaler.scale.data()[1], 1.0f);
  EXPECT_FLOAT_EQ(scaler.scale.data()[2], static_cast<float>(s2));

  const Tensor z = scaler.transformed(x);
  const double want[] = {-2 / s0, 0, 1 / s2, 0, 0, 3 / s2, 2 / s0, 0, -4 / s2};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(z.data()[i], want[i], 1e-6) << "element " << i;
  EXPECT_EQ(x.data()[0], 1.0f) << "transformed() must not change its input";
}

TEST(StandardScaler, TransformUsesTheTrainingStatistics) {
  StandardScaler scaler;
  scaler.fit(Tensor::from({2, 1}, {0, 2}));  // mean 1, scale 1
  Tensor other = Tensor::from({2, 1}, {5, -1});
  scaler.transform(other);
  EXPECT_EQ(other.to_vector(), (std::vector<float>{4, -2}));
}

TEST(StandardScaler, LargeConstantColumnsCountAsConstant) {
  // The mean of a constant 0.1 is not exactly 0.1 in floating point; the
  // variance must still be recognised as zero.
  std::vector<float> values(1000, 0.1f);
  StandardScaler scaler;
  scaler.fit(Tensor::from({1000, 1}, values));
  EXPECT_EQ(scaler.scale.data()[0], 1.0f);
  const Tensor z = scaler.transformed(Tensor::from({1, 1}, {0.1f}));
  EXPECT_NEAR(z.data()[0], 0.0f, 1e-7);
}

TEST(StandardScaler, WrongShapesThrow) {
  StandardScaler scaler;
  Tensor x = Tensor::zeros({2, 3});
  expect_error<ValueError>([&] { scaler.transform(x); }, {"StandardScaler::transform before fit"});
  expect_error<ShapeError>([&] { scaler.fit(Tensor::zeros({3})); },
                           {"StandardScaler::fit: expected features [N, F] with N >= 1, got [3]"});
  expect_error<ShapeError>(
      [&] {
        scaler.fit(Tensor::zeros({0, 3}));
      },
      {"StandardScaler::fit: expected features [N, F] with N >= 1, got [0, 3]"});
  scaler.fit(x);
  Tensor wrong = Tensor::zeros({2, 4});
  expect_error<ShapeError>([&] { scaler.transform(wrong); },
                           {"StandardScaler::transform: expected features [N, 3], got [2, 4]"});
}

}  // namespace
}  // namespace fulcrum::data
