#pragma once
// MpiCommunicator: Communicator over MPI_COMM_WORLD. Built only with
// FULCRUM_MPI; mpi.h stays inside this library's sources.

#include <mpi.h>

#include <vector>

#include "fulcrum/distributed/communicator.hpp"
#include "watchdog.hpp"

namespace fulcrum::distributed::detail {

/// Requires: MPI initialised (with MPI_THREAD_MULTIPLE or less: only the
/// watchdog's MPI_Abort comes from another thread) and not finalised while
/// the object lives.
class MpiCommunicator final : public Communicator {
 public:
  explicit MpiCommunicator(double timeout_seconds);

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allreduce_sum(std::span<float> values) override;
  void allreduce_sum(std::span<double> values) override;
  void allreduce_sum(std::span<const std::span<float>> segments) override;
  void broadcast(std::span<float> values, int root) override;
  void broadcast(std::string& text, int root) override;
  void barrier() override;
  void send(int destination, std::span<const int64_t> message) override;
  std::optional<int> probe() override;
  void receive(int source, std::span<int64_t> message) override;
  [[noreturn]] void abort(int exit_code, std::string_view message) override;

  void set_timeout(double seconds) { watchdog_.set_timeout(seconds); }

 private:
  template <typename T>
  void ring_allreduce(std::span<T> values, MPI_Datatype type, std::vector<T>& scratch);

  int rank_ = 0;
  int size_ = 1;
  std::vector<float> float_scratch_;
  std::vector<double> double_scratch_;
  std::vector<MPI_Request> requests_;  // the segmented sum's messages of one ring step
  Watchdog watchdog_;
};

}  // namespace fulcrum::distributed::detail
