#pragma once
// Learning-rate schedules, per epoch: the rate an epoch trains with.
//
// The trainer calls scheduled_lr at the start of every epoch and gives the
// result to Optimizer::set_lr, so the rate is a pure function of the epoch
// number: a run resumed from a checkpoint uses the same rates as one that was
// never stopped, with no scheduler state to save.

#include <cstdint>
#include <span>

#include "fulcrum/core/names.hpp"

namespace fulcrum::optim {

/// The shape of the learning rate over the epochs (after any warm-up).
enum class ScheduleKind { Constant, Step, Cosine };

inline std::span<const Named<ScheduleKind>> name_table(ScheduleKind) {
  static constexpr Named<ScheduleKind> kTable[] = {{ScheduleKind::Constant, "constant"},
                                                   {ScheduleKind::Step, "step"},
                                                   {ScheduleKind::Cosine, "cosine"}};
  return kTable;
}

/// A learning-rate schedule, with the defaults of PyTorch's StepLR (gamma 0.1)
/// and CosineAnnealingLR (eta_min 0).
struct ScheduleOptions {
  ScheduleKind kind = ScheduleKind::Constant;
  int64_t warmup_epochs = 0;  ///< linear warm-up from 0 (every kind)
  int64_t step_size = 30;     ///< Step: multiply by gamma every step_size epochs
  double gamma = 0.1;         ///< Step
  double min_lr = 0.0;        ///< Cosine: the floor
};

/// The learning rate of epoch `epoch` (0-based) of a run of `epochs` epochs
/// whose optimizer was configured with `base_lr`.
///
/// Warm-up (any schedule): epoch e < W = warmup_epochs trains at
///   base_lr * (e + 1) / (W + 1),
/// a linear rise from 0 that reaches base_lr at epoch W, where the schedule
/// proper starts with t = e - W epochs done of T = max(1, epochs - W):
///   constant: base_lr
///   step:     base_lr * gamma ^ floor(t / step_size)
///   cosine:   min_lr + (base_lr - min_lr) * (1 + cos(pi * t / T)) / 2
///             (PyTorch's CosineAnnealingLR with T_max = T: base_lr at t = 0,
///             approaching min_lr at the end).
/// Requires: 0 <= epoch; epochs >= 1; warmup_epochs >= 0; step_size >= 1
///   (a config's validation checks these); otherwise ValueError.
/// Ensures: a finite rate >= 0.
double scheduled_lr(const ScheduleOptions& schedule, double base_lr, int64_t epoch, int64_t epochs);

}  // namespace fulcrum::optim
