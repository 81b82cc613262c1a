#pragma once
// TaskKind: what a head predicts, and so which loss, metrics and decisions
// apply to it. The one enum for it across fulcrum (data targets, losses,
// metrics, configs, checkpoints).

#include <span>

#include "fulcrum/core/names.hpp"

namespace fulcrum {

/// MultiLabel: each example has any subset of L labels (sigmoid outputs).
/// MultiClass: each example has exactly one of K classes (softmax outputs).
enum class TaskKind { MultiLabel, MultiClass };

/// "multilabel", "multiclass": the names configs and checkpoints use.
inline std::span<const Named<TaskKind>> name_table(TaskKind) {
  static constexpr Named<TaskKind> kTable[] = {{TaskKind::MultiLabel, "multilabel"},
                                               {TaskKind::MultiClass, "multiclass"}};
  return kTable;
}

}  // namespace fulcrum
