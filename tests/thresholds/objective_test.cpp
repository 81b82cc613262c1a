// parse_threshold_objective / format_threshold_objective: the accepted config forms, the round
// trip, and messages that quote the bad text.

#include <gtest/gtest.h>

#include <string>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/thresholds.hpp"

namespace fulcrum::metrics {
namespace {

TEST(ThresholdObjective, ParsesTheThreeForms) {
  const ThresholdObjective f1 = parse_threshold_objective("f1");
  EXPECT_EQ(f1.kind, ObjectiveKind::F1);
  const ThresholdObjective p = parse_threshold_objective("precision>=0.8");
  EXPECT_EQ(p.kind, ObjectiveKind::Precision);
  EXPECT_DOUBLE_EQ(p.target, 0.8);
  const ThresholdObjective r = parse_threshold_objective("  recall >= 0.6 ");
  EXPECT_EQ(r.kind, ObjectiveKind::Recall);
  EXPECT_DOUBLE_EQ(r.target, 0.6);
  EXPECT_DOUBLE_EQ(parse_threshold_objective("recall>=1").target, 1.0);
}

TEST(ThresholdObjective, RoundTripsThroughText) {
  for (const char* text : {"f1", "precision>=0.8", "recall>=0.65", "precision>=1"}) {
    EXPECT_EQ(format_threshold_objective(parse_threshold_objective(text)), text);
  }
  EXPECT_EQ(format_threshold_objective(ThresholdObjective{}), "f1")
      << "the default objective is F1";
}

std::string error_of(const char* text) {
  try {
    parse_threshold_objective(text);
  } catch (const ValueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "\"" << text << "\" was accepted";
  return "";
}

TEST(ThresholdObjective, RejectsOtherTextClearly) {
  for (const char* text :
       {"", "F1", "accuracy", "precision", "precision>0.8", "f1>=0.5", "recall>=", "recall>=abc",
        "recall>=0.5x", "precision>=0", "precision>=1.5", "recall>=-0.2", "recall>=nan"}) {
    const std::string message = error_of(text);
    EXPECT_NE(message.find(std::string("\"") + text + "\""), std::string::npos)
        << "the message quotes the text: " << message;
  }
  EXPECT_NE(error_of("accuracy").find("\"precision>=P\""), std::string::npos)
      << "the message lists the accepted forms";
  EXPECT_NE(error_of("precision>=1.5").find("outside (0, 1]"), std::string::npos);
}

TEST(ThresholdStatus, HasNames) {
  EXPECT_STREQ(threshold_status_name(ThresholdStatus::Tuned), "tuned");
  EXPECT_STREQ(threshold_status_name(ThresholdStatus::TargetMissed), "target missed");
  EXPECT_STREQ(threshold_status_name(ThresholdStatus::NoPositives), "no positives");
}

}  // namespace
}  // namespace fulcrum::metrics
