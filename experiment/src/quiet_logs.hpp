#pragma once
// QuietTrainerLogs: the experiment runs many trainers; their per-epoch info
// lines would bury the experiment's own progress, so they are silenced while
// a trainer runs inside the experiment's process.

#include <spdlog/spdlog.h>

namespace fulcrum::experiment {

/// Represents: for its lifetime, the default spdlog logger at warn or above
/// (a logger already quieter keeps its level); the level is restored after.
class QuietTrainerLogs {
 public:
  QuietTrainerLogs() : previous_(spdlog::default_logger()->level()) {
    if (previous_ < spdlog::level::warn) spdlog::default_logger()->set_level(spdlog::level::warn);
  }
  ~QuietTrainerLogs() { spdlog::default_logger()->set_level(previous_); }
  QuietTrainerLogs(const QuietTrainerLogs&) = delete;
  QuietTrainerLogs& operator=(const QuietTrainerLogs&) = delete;

 private:
  spdlog::level::level_enum previous_;
};

}  // namespace fulcrum::experiment
