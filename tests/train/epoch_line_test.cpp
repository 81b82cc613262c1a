// The trainer's per-epoch log line: each figure once, the time elapsed and an
// estimate of the time left, and under 100 columns with the log's prefix.
#include "epoch_line.hpp"

#include <gtest/gtest.h>

namespace fulcrum::train {
namespace {

EpochLine with_validation() {
  return {.epoch = 12,
          .epochs = 100,
          .train_loss = 0.34123,
          .monitor = "validation labels.f1_macro",
          .monitored = 0.43119,
          .improved = true,
          .epoch_seconds = 1.25,
          .samples_per_second = 830,
          .elapsed_seconds = 15,
          .epochs_run = 12};
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(EpochLine, ShowsTheLossTheMonitorAndTheTimeLeft) {
  const std::string line = format_epoch_line(with_validation(), kEpochLineColumns);
  // 15 s for 12 epochs: 1.25 s each, 88 to go = 110 s.
  EXPECT_EQ(line,
            "epoch 12/100  loss 0.3412  val labels.f1_macro 0.4312 *  0:15 elapsed, ~1:50 left");
  // With room, the epoch's time and throughput too.
  EXPECT_EQ(format_epoch_line(with_validation(), 120),
            "epoch 12/100  loss 0.3412  val labels.f1_macro 0.4312 *  1.2s (830/s)  0:15 elapsed, "
            "~1:50 left");
}

TEST(EpochLine, PrintsTheTrainingLossOnceWhenItIsTheMonitor) {
  EpochLine line = with_validation();
  line.monitor = "training loss";
  line.monitored = line.train_loss;
  const std::string text = format_epoch_line(line, kEpochLineColumns);
  EXPECT_EQ(count(text, "0.3412"), 1u) << text;
  EXPECT_NE(text.find("loss 0.3412 *"), std::string::npos) << text;
}

TEST(EpochLine, EstimatesFromThisInvocationsEpochsOnly) {
  // Resumed after 90 epochs: 3 run now in 6 s, 7 to go.
  EpochLine line = with_validation();
  line.epoch = 93;
  line.elapsed_seconds = 6;
  line.epochs_run = 3;
  EXPECT_NE(format_epoch_line(line, kEpochLineColumns).find("0:06 elapsed, ~0:14 left"),
            std::string::npos);
}

TEST(EpochLine, StaysUnderTheWidthByDroppingDetailFirst) {
  EpochLine line = with_validation();
  line.lr = 0.000123;
  line.monitor = "validation a_rather_long_head_name.average_precision_macro";
  const std::string text = format_epoch_line(line, kEpochLineColumns);
  EXPECT_LE(text.size(), kEpochLineColumns) << text;
  // The figures and the time left stay; the throughput, the lr, the epoch's
  // seconds, the head's name and the time elapsed go.
  EXPECT_EQ(text, "epoch 12/100  loss 0.3412  val average_precision_macro 0.4312 *  ~1:50 left");
  // With room, the lr of a schedule is shown.
  EXPECT_NE(format_epoch_line(line, 200).find("lr 0.000123"), std::string::npos);
  // Nothing left to drop: cut.
  EXPECT_EQ(format_epoch_line(line, 20).size(), 20u);
}

TEST(EpochLine, FormatsDurations) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(7.4), "0:07");
  EXPECT_EQ(format_duration(723), "12:03");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "0:00");
}

}  // namespace
}  // namespace fulcrum::train
