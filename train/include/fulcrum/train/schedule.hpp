#pragma once
// Learning-rate schedules, per epoch: the rate an epoch trains with.
//
// The trainer calls scheduled_lr at the start of every epoch and gives the
// result to Optimizer::set_lr, so the rate is a pure function of the epoch
// number: a run resumed from a checkpoint uses the same rates as one that was
// never stopped, with no scheduler state to save.

#include <cstdint>

#include "fulcrum/train/config.hpp"

namespace fulcrum::train {

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
/// Requires: 0 <= epoch; epochs >= 1; a schedule name from schedule_names();
///   step_size >= 1 (validate_config checks these); otherwise ValueError.
/// Ensures: a finite rate >= 0.
double scheduled_lr(const ScheduleConfig& schedule, double base_lr, int64_t epoch, int64_t epochs);

}  // namespace fulcrum::train
