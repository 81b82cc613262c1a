#include "fulcrum/optim/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "fulcrum/core/error.hpp"

namespace fulcrum::optim {

double scheduled_lr(const ScheduleOptions& schedule, double base_lr, int64_t epoch,
                    int64_t epochs) {
  FULCRUM_CHECK(epoch >= 0 && epochs >= 1, "scheduled_lr: epoch {} of {} epochs is out of range",
                epoch, epochs);
  FULCRUM_CHECK(schedule.warmup_epochs >= 0, "scheduled_lr: warmup_epochs = {} must be >= 0",
                schedule.warmup_epochs);
  const int64_t warmup = schedule.warmup_epochs;
  if (epoch < warmup) {
    return base_lr * static_cast<double>(epoch + 1) / static_cast<double>(warmup + 1);
  }
  const int64_t t = epoch - warmup;
  switch (schedule.kind) {
    case ScheduleKind::Constant:
      return base_lr;
    case ScheduleKind::Step:
      FULCRUM_CHECK(schedule.step_size >= 1, "scheduled_lr: step_size = {} must be >= 1",
                    schedule.step_size);
      return base_lr * std::pow(schedule.gamma, static_cast<double>(t / schedule.step_size));
    case ScheduleKind::Cosine: {
      const int64_t span = std::max<int64_t>(1, epochs - warmup);
      const double progress = static_cast<double>(t) / static_cast<double>(span);
      return schedule.min_lr +
             (base_lr - schedule.min_lr) * (1.0 + std::cos(std::numbers::pi * progress)) / 2.0;
    }
  }
  throw_value_error(
      fmt::format("scheduled_lr: not a ScheduleKind ({})", static_cast<int>(schedule.kind)));
}

}  // namespace fulcrum::optim
