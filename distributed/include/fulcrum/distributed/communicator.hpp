#pragma once
// Communicator: what data-parallel training and distributed experiments need
// from the processes of a job (MPI's names): each process's rank, sums over
// all of them, broadcasts, barriers and small messages.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fulcrum/core/error.hpp"

namespace fulcrum::distributed {

/// A collective or a message did not complete: another process of the job
/// ended or stopped answering. The MPI communicator does not throw it (it
/// ends the whole job instead, see Communicator); it is for the callers'
/// own checks.
class DistributedError : public Error {
 public:
  using Error::Error;
};

/// Represents: the `size()` processes of one job, this one being `rank()`.
/// Every collective (allreduce_sum, broadcast, barrier) must be called by all
/// processes in the same order with buffers of the same length.
/// Ensures: allreduce_sum adds the processes' values in an order fixed by
/// size() alone, so a job repeats bit for bit with the same number of
/// processes, and every process gets the same bits. A collective or receive
/// that waits longer than the job's timeout (Session) means a process died
/// or hangs: the communicator then prints which rank waited for what and ends
/// every process of the job with exit code 1, rather than waiting forever.
class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }

  /// values <- the element-wise sum of every process's values.
  virtual void allreduce_sum(std::span<float> values) = 0;
  virtual void allreduce_sum(std::span<double> values) = 0;
  /// The same sum over the concatenation of `segments`, in place (e.g. each
  /// parameter's gradient where it lies), with the bits of allreduce_sum on
  /// the concatenated values.
  /// Requires: every process passes segments of the same lengths.
  /// This default copies through one flat buffer; a communicator that can
  /// send from and receive into the segments themselves overrides it.
  virtual void allreduce_sum(std::span<const std::span<float>> segments);
  /// values <- root's values.
  virtual void broadcast(std::span<float> values, int root) = 0;
  /// text <- root's text (any length).
  virtual void broadcast(std::string& text, int root) = 0;
  virtual void barrier() = 0;

  /// Point to point, for work queues: sends `message` to `destination`.
  virtual void send(int destination, std::span<const int64_t> message) = 0;
  /// The rank of a process whose message waits to be received, if any (does
  /// not wait).
  virtual std::optional<int> probe() = 0;
  /// Receives the next message from `source` into `message` (its length must
  /// be the sent one's).
  virtual void receive(int source, std::span<int64_t> message) = 0;

  /// Prints `message` and ends every process of the job with `exit_code`.
  [[noreturn]] virtual void abort(int exit_code, std::string_view message) = 0;
};

/// Represents: a job of one process (rank 0 of 1): sums and broadcasts leave
/// the values as they are; messages are an error (there is no one to talk to).
class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allreduce_sum(std::span<float>) override {}
  void allreduce_sum(std::span<double>) override {}
  void allreduce_sum(std::span<const std::span<float>>) override {}
  void broadcast(std::span<float>, int root) override;
  void broadcast(std::string&, int root) override;
  void barrier() override {}
  void send(int destination, std::span<const int64_t> message) override;
  std::optional<int> probe() override { return std::nullopt; }
  void receive(int source, std::span<int64_t> message) override;
  [[noreturn]] void abort(int exit_code, std::string_view message) override;
};

/// The communicator of every process of the job: the MPI one while a
/// Session with MPI is alive, else a SingleProcess.
std::shared_ptr<Communicator> world();

}  // namespace fulcrum::distributed
