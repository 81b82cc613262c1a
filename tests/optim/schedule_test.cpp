// Learning-rate schedules against values worked out by hand.
#include "fulcrum/optim/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"

namespace fulcrum::optim {
namespace {

using fulcrum::testing::expect_error;

ScheduleOptions schedule(const char* name, int64_t warmup = 0) {
  return {.kind = parse_name<ScheduleKind>(name, "schedule"), .warmup_epochs = warmup};
}

TEST(Schedule, ConstantIsTheBaseRate) {
  for (int64_t e = 0; e < 5; ++e)
    EXPECT_DOUBLE_EQ(scheduled_lr(schedule("constant"), 0.01, e, 5), 0.01);
}

TEST(Schedule, WarmupRisesLinearlyToTheBaseRate) {
  // W = 3: rates 1/4, 2/4, 3/4 of the base, then the base.
  const auto s = schedule("constant", 3);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 0.2, 0, 10), 0.05);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 0.2, 1, 10), 0.1);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 0.2, 2, 10), 0.15);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 0.2, 3, 10), 0.2);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 0.2, 9, 10), 0.2);
}

TEST(Schedule, StepMultipliesByGammaEveryStepSizeEpochs) {
  auto s = schedule("step");
  s.step_size = 2;
  s.gamma = 0.5;
  const double expected[] = {1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125};
  for (int64_t e = 0; e < 7; ++e) EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, e, 7), expected[e]) << e;
}

TEST(Schedule, StepCountsFromTheEndOfWarmup) {
  auto s = schedule("step", 1);
  s.step_size = 2;
  s.gamma = 0.1;
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 0, 6), 0.5);     // warm-up: 1/2
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 1, 6), 1.0);     // t = 0
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 2, 6), 1.0);     // t = 1
  EXPECT_NEAR(scheduled_lr(s, 1.0, 3, 6), 0.1, 1e-15);   // t = 2
  EXPECT_NEAR(scheduled_lr(s, 1.0, 5, 6), 0.01, 1e-15);  // t = 4
}

TEST(Schedule, CosineFallsFromTheBaseRateTowardsMinLr) {
  // T = 4 epochs, min 0.1: 0.1 + 0.9 (1 + cos(pi t / 4)) / 2.
  auto s = schedule("cosine");
  s.min_lr = 0.1;
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 0, 4), 1.0);
  EXPECT_NEAR(scheduled_lr(s, 1.0, 1, 4), 0.1 + 0.9 * (1 + std::sqrt(0.5)) / 2, 1e-15);
  EXPECT_NEAR(scheduled_lr(s, 1.0, 2, 4), 0.55, 1e-15);
  EXPECT_NEAR(scheduled_lr(s, 1.0, 3, 4), 0.1 + 0.9 * (1 - std::sqrt(0.5)) / 2, 1e-15);
}

TEST(Schedule, CosineWithWarmupSpansTheEpochsAfterIt) {
  // W = 2, 6 epochs: warm-up 1/3, 2/3, then cosine over T = 4 from the base to 0.
  auto s = schedule("cosine", 2);
  EXPECT_NEAR(scheduled_lr(s, 0.3, 0, 6), 0.1, 1e-15);
  EXPECT_NEAR(scheduled_lr(s, 0.3, 1, 6), 0.2, 1e-15);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 0.3, 2, 6), 0.3);
  EXPECT_NEAR(scheduled_lr(s, 0.3, 4, 6), 0.15, 1e-15);
  EXPECT_NEAR(scheduled_lr(s, 0.3, 5, 6), 0.3 * (1 - std::sqrt(0.5)) / 2, 1e-15);
}

TEST(Schedule, RejectsAnUnknownNameAndBadEpochs) {
  expect_error<ValueError>([] { schedule("linear"); }, {"unknown schedule 'linear'", "(valid: "});
  expect_error<ValueError>([] { scheduled_lr({.kind = static_cast<ScheduleKind>(7)}, 1.0, 0, 3); },
                           {"scheduled_lr: not a ScheduleKind (7)"});
  expect_error<ValueError>([] { scheduled_lr(schedule("constant"), 1.0, -1, 3); },
                           {"scheduled_lr: epoch -1 of 3 epochs is out of range"});
  expect_error<ValueError>([] { scheduled_lr(schedule("constant"), 1.0, 0, 0); },
                           {"scheduled_lr: epoch 0 of 0 epochs is out of range"});
}

}  // namespace
}  // namespace fulcrum::optim
