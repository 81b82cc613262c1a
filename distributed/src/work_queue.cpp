// WorkQueue: requests, answers, reports and "done" as 4-integer messages.
#include "fulcrum/distributed/work_queue.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>

namespace fulcrum::distributed {

namespace {

enum Kind : int64_t { kRequest = 1, kAnswer = 2, kReport = 3, kDone = 4 };
constexpr int64_t kNoTask = -1;

}  // namespace

WorkQueue::WorkQueue(std::vector<int64_t> tasks, std::shared_ptr<Communicator> comm,
                     std::function<void(int, const TaskReport&)> on_report)
    : comm_(std::move(comm)), on_report_(std::move(on_report)) {
  FULCRUM_CHECK(comm_ != nullptr, "WorkQueue: no communicator");
  if (comm_->is_root()) queue_.assign(tasks.begin(), tasks.end());
}

std::optional<int64_t> WorkQueue::next() {
  if (comm_->is_root()) {
    serve();
    if (queue_.empty()) return std::nullopt;
    const int64_t task = queue_.front();
    queue_.pop_front();
    return task;
  }
  comm_->send(0, Message{kRequest, 0, 0, 0});
  Message answer{};
  comm_->receive(0, answer);
  FULCRUM_CHECK(answer[0] == kAnswer, "WorkQueue: rank 0 answered with message kind {}", answer[0]);
  if (answer[1] == kNoTask) return std::nullopt;
  return answer[1];
}

void WorkQueue::report(const TaskReport& report) {
  if (comm_->is_root()) {
    if (on_report_) on_report_(0, report);
    return;
  }
  comm_->send(0, Message{kReport, report.task, report.status, report.value});
}

void WorkQueue::handle(int source, const Message& message) {
  switch (message[0]) {
    case kRequest: {
      int64_t task = kNoTask;
      if (!queue_.empty()) {
        task = queue_.front();
        queue_.pop_front();
      }
      comm_->send(source, Message{kAnswer, task, 0, 0});
      break;
    }
    case kReport:
      if (on_report_) on_report_(source, TaskReport{message[1], message[2], message[3]});
      break;
    case kDone:
      ++finished_ranks_;
      break;
    default:
      throw DistributedError(
          fmt::format("WorkQueue: rank {} sent a message of unknown kind {}", source, message[0]));
  }
}

void WorkQueue::serve() {
  if (!comm_->is_root()) return;
  while (const std::optional<int> source = comm_->probe()) {
    Message message{};
    comm_->receive(*source, message);
    handle(*source, message);
  }
}

void WorkQueue::done() {
  if (!comm_->is_root()) {
    comm_->send(0, Message{kDone, 0, 0, 0});
    return;
  }
  // No more tasks for rank 0 itself; the others may still ask and report.
  while (finished_ranks_ < comm_->size() - 1) {
    serve();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace fulcrum::distributed
