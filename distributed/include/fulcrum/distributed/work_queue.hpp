#pragma once
// WorkQueue: tasks handed out to the processes of a job one at a time, on
// request, so that a process that finishes early takes more (dynamic
// assignment). Rank 0 keeps the queue and works on tasks too.

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "fulcrum/distributed/communicator.hpp"

namespace fulcrum::distributed {

/// What a process reports about a finished task: its index and two numbers
/// the caller defines (e.g. a status and a duration).
struct TaskReport {
  int64_t task = 0;
  int64_t status = 0;
  int64_t value = 0;
};

/// Represents: the tasks of a job (given to rank 0; the others' lists are
/// ignored), each handed to exactly one process, in order.
/// Every process calls next() until it returns nullopt (or stops early), and
/// then done(); rank 0 calls serve() often while it works on a task (each
/// call answers the waiting requests without waiting itself), and its done()
/// returns once every other process has called done().
/// Ensures: on rank 0, on_report sees every report() of every process, in
/// the order each process sent them.
class WorkQueue {
 public:
  WorkQueue(std::vector<int64_t> tasks, std::shared_ptr<Communicator> comm,
            std::function<void(int rank, const TaskReport&)> on_report = nullptr);

  /// The next task for this process; nullopt once there is none left. On
  /// rank 0 it does not wait; elsewhere it waits for rank 0's answer.
  std::optional<int64_t> next();
  /// Tells rank 0 (on_report) about a finished task; rank 0's own reports go
  /// to on_report directly.
  void report(const TaskReport& report);
  /// Rank 0: answers every request waiting now. Elsewhere: nothing.
  void serve();
  /// This process takes no more tasks. Rank 0: answers requests (with "none
  /// left" once the queue is empty) until every other process said done().
  void done();

 private:
  using Message = std::array<int64_t, 4>;  // kind, then the kind's values
  void handle(int source, const Message& message);

  std::shared_ptr<Communicator> comm_;
  std::deque<int64_t> queue_;
  std::function<void(int, const TaskReport&)> on_report_;
  int finished_ranks_ = 0;  // rank 0: the others that called done()
};

}  // namespace fulcrum::distributed
