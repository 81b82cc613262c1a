// Brier score and expected calibration error on hand-checkable cases.

#include "fulcrum/metrics/calibration.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "expect_error.hpp"
#include "fulcrum/core/error.hpp"

namespace fulcrum::metrics {
namespace {

using testing::expect_error;

using V = std::vector<double>;

TEST(BrierScore, MeanSquaredDifference) {
  // (0.1^2 + 0.2^2 + 0.7^2 + 0) / 4 = (0.01 + 0.04 + 0.49) / 4
  EXPECT_NEAR(brier_score(V{0, 1, 0, 1}, V{0.1, 0.8, 0.7, 1.0}), 0.54 / 4, 1e-15);
}

TEST(ExpectedCalibrationError, TwoOccupiedBins) {
  // 0.1 -> bin 1 (of 15): conf 0.1, acc 1/2, weight 2/4 -> 0.2
  // 0.9 -> bin 13:        conf 0.9, acc 1,   weight 2/4 -> 0.05
  EXPECT_NEAR(expected_calibration_error(V{0, 1, 1, 1}, V{0.1, 0.1, 0.9, 0.9}), 0.25, 1e-15);
}

TEST(ExpectedCalibrationError, MeanConfidenceWithinABin) {
  // 0.70 and 0.72 share bin 10 ([0.667, 0.733)): conf 0.71, acc 1/2 -> |0.5-0.71| = 0.21.
  EXPECT_NEAR(expected_calibration_error(V{1, 0}, V{0.70, 0.72}), 0.21, 1e-15);
  // In separate bins the errors add instead: 0.70 (bin 10) and 0.76 (bin 11).
  EXPECT_NEAR(expected_calibration_error(V{1, 0}, V{0.70, 0.76}), (0.3 + 0.76) / 2, 1e-15);
}

TEST(ExpectedCalibrationError, PerfectCalibrationIsZero) {
  EXPECT_NEAR(expected_calibration_error(V{0, 1, 0, 1}, V{0.5, 0.5, 0.5, 0.5}), 0.0, 1e-15);
  // 0 lands in the first bin and 1 in the last, both exactly right.
  EXPECT_DOUBLE_EQ(expected_calibration_error(V{0, 1}, V{0.0, 1.0}), 0.0);
}

TEST(ExpectedCalibrationError, ConfidentAndWrongIsOne) {
  EXPECT_DOUBLE_EQ(expected_calibration_error(V{0, 1}, V{1.0, 0.0}), 1.0);
}

TEST(ExpectedCalibrationError, OneBinIsTheGapOfTheMeans) {
  // |mean(p) - mean(y)| = |0.4 - 0.75|
  EXPECT_NEAR(expected_calibration_error(V{1, 1, 0, 1}, V{0.1, 0.3, 0.5, 0.7}, 1), 0.35, 1e-15);
}

TEST(ExpectedCalibrationError, BadInputThrows) {
  expect_error<ShapeError>(
      [] {
        expected_calibration_error(V{0, 1}, V{0.5});
      },
      {"expected_calibration_error: y_true has 2 values and y_prob 1"});
  expect_error<ShapeError>([] { expected_calibration_error(V{}, V{}); },
                           {"y_true has 0 values and y_prob 0", "non-zero"});
  expect_error<ValueError>([] { expected_calibration_error(V{0}, V{0.5}, 0); },
                           {"expected_calibration_error: bins is 0; it must be >= 1"});
  expect_error<ValueError>([] { expected_calibration_error(V{0}, V{1.5}); },
                           {"expected_calibration_error: y_prob[0] is 1.5"});
}

}  // namespace
}  // namespace fulcrum::metrics
