// ThresholdObjective: parsing and printing the config text of a tuning goal.

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/thresholds.hpp"

namespace fulcrum::metrics {
namespace {

constexpr const char* kForms = "\"f1\", \"precision>=P\" or \"recall>=R\" with P, R in (0, 1]";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

ThresholdObjective parse_threshold_objective(std::string_view text) {
  const std::string_view body = trim(text);
  if (body == "f1") return {ObjectiveKind::F1, 0.0};
  const auto op = body.find(">=");
  FULCRUM_CHECK(op != std::string_view::npos, "threshold objective \"{}\" is not one of {}", text,
                kForms);
  const std::string_view kind = trim(body.substr(0, op));
  const std::string_view number = trim(body.substr(op + 2));
  const std::optional<ObjectiveKind> goal = find_name<ObjectiveKind>(kind);
  FULCRUM_CHECK(goal == ObjectiveKind::Precision || goal == ObjectiveKind::Recall,
                "threshold objective \"{}\": \"{}\" cannot have a target; expected {}", text, kind,
                kForms);
  double target = 0.0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), target);
  FULCRUM_CHECK(error == std::errc() && end == number.data() + number.size() && !number.empty(),
                "threshold objective \"{}\": target \"{}\" is not a number; expected {}", text,
                number, kForms);
  FULCRUM_CHECK(target > 0.0 && target <= 1.0,
                "threshold objective \"{}\": target {} is outside (0, 1]", text, target);
  return {*goal, target};
}

std::string format_threshold_objective(const ThresholdObjective& objective) {
  if (objective.kind == ObjectiveKind::F1) return "f1";
  return fmt::format("{}>={}", name_of(objective.kind), objective.target);
}

const char* threshold_status_name(ThresholdStatus status) {
  switch (status) {
    case ThresholdStatus::Tuned:
      return "tuned";
    case ThresholdStatus::TargetMissed:
      return "target missed";
    case ThresholdStatus::NoPositives:
      return "no positives";
  }
  return "unknown";
}

}  // namespace fulcrum::metrics
