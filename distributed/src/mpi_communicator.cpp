// MpiCommunicator: sums as a ring all-reduce whose order of additions depends
// on the number of processes only (MPI_Allreduce may pick its algorithm, and
// so its rounding, at run time), broadcasts, messages, all watched by a
// Watchdog.
#include "mpi_communicator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace fulcrum::distributed::detail {

namespace {

// Tags keep the ring's messages apart from the work-queue messages.
constexpr int kRingTag = 1;
constexpr int kMessageTag = 2;

[[noreturn]] void end_job(int rank, int exit_code, std::string_view message) {
  std::fflush(stdout);
  std::fputs(fmt::format("fulcrum: error: rank {}: {}\n", rank, message).c_str(), stderr);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);  // MPI_Abort does not return; this is for the compiler
}

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

}  // namespace

MpiCommunicator::MpiCommunicator(double timeout_seconds)
    : rank_(world_rank()),
      watchdog_(timeout_seconds, [rank = rank_](const char* what, double waited) {
        end_job(rank, 1,
                fmt::format("{} waited {:.0f} s for the other ranks (distributed.timeout): a "
                            "rank died or hangs; ending the job",
                            what, waited));
      }) {
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

// Chunk c of n is [count * c / n, count * (c + 1) / n). Reduce-scatter: at
// step s, rank r sends chunk r - s to r + 1 and adds chunk r - s - 1 from
// r - 1 to its own, so chunk c is summed as ((x_c + x_{c+1}) + x_{c+2}) + ...
// and ends, complete, on rank c - 1; the all-gather then passes the complete
// chunks around the ring. Each rank sends 2 (n - 1) / n of the buffer.
template <typename T>
void MpiCommunicator::ring_allreduce(std::span<T> values, MPI_Datatype type,
                                     std::vector<T>& scratch) {
  const int n = size_;
  if (n == 1 || values.empty()) return;
  const Watchdog::Wait wait(watchdog_, "an all-reduce");
  const auto count = static_cast<int64_t>(values.size());
  const auto begin = [&](int c) { return count * c / n; };
  const auto length = [&](int c) { return static_cast<int>(begin(c + 1) - begin(c)); };
  const auto chunk = [&](int c) { return ((c % n) + n) % n; };
  const int next = (rank_ + 1) % n;
  const int previous = (rank_ + n - 1) % n;
  scratch.resize(static_cast<size_t>(count / n + 1));
  T* data = values.data();
  for (int step = 0; step < n - 1; ++step) {
    const int out = chunk(rank_ - step);
    const int in = chunk(rank_ - step - 1);
    MPI_Sendrecv(data + begin(out), length(out), type, next, kRingTag, scratch.data(), length(in),
                 type, previous, kRingTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    T* own = data + begin(in);
    for (int i = 0, m = length(in); i < m; ++i) own[i] = scratch[static_cast<size_t>(i)] + own[i];
  }
  for (int step = 0; step < n - 1; ++step) {
    const int out = chunk(rank_ + 1 - step);
    const int in = chunk(rank_ - step);
    MPI_Sendrecv(data + begin(out), length(out), type, next, kRingTag, data + begin(in), length(in),
                 type, previous, kRingTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
}

void MpiCommunicator::allreduce_sum(std::span<float> values) {
  ring_allreduce(values, MPI_FLOAT, float_scratch_);
}

void MpiCommunicator::allreduce_sum(std::span<double> values) {
  ring_allreduce(values, MPI_DOUBLE, double_scratch_);
}

// The ring of ring_allreduce over the concatenation of the segments, without
// copying them into one buffer: a chunk that spans several segments travels
// as one message per piece. Every process has the same segment lengths, so
// the pieces of a chunk are the same on the sender and the receiver, and the
// additions are the flat ring's, bit for bit.
void MpiCommunicator::allreduce_sum(std::span<const std::span<float>> segments) {
  const int n = size_;
  int64_t count = 0;
  for (const std::span<float> segment : segments) count += static_cast<int64_t>(segment.size());
  if (n == 1 || count == 0) return;
  const Watchdog::Wait wait(watchdog_, "an all-reduce");
  const auto begin = [&](int c) { return count * c / n; };
  const auto chunk = [&](int c) { return ((c % n) + n) % n; };
  // Calls visit(data, length, offset in the chunk) for each non-empty piece
  // of chunk c, in order.
  const auto for_each_piece = [&](int c, auto&& visit) {
    const int64_t first = begin(c), last = begin(c + 1);
    int64_t at = 0;
    for (const std::span<float> segment : segments) {
      const auto size = static_cast<int64_t>(segment.size());
      const int64_t from = std::max(first, at), to = std::min(last, at + size);
      if (from < to) visit(segment.data() + (from - at), static_cast<int>(to - from), from - first);
      at += size;
      if (at >= last) break;
    }
  };
  const int next = (rank_ + 1) % n;
  const int previous = (rank_ + n - 1) % n;
  const auto exchange = [&](int out, int in, float* into) {
    requests_.clear();
    for_each_piece(in, [&](float* data, int length, int64_t offset) {
      requests_.emplace_back();
      MPI_Irecv(into != nullptr ? into + offset : data, length, MPI_FLOAT, previous, kRingTag,
                MPI_COMM_WORLD, &requests_.back());
    });
    for_each_piece(out, [&](float* data, int length, int64_t) {
      requests_.emplace_back();
      MPI_Isend(data, length, MPI_FLOAT, next, kRingTag, MPI_COMM_WORLD, &requests_.back());
    });
    MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);
  };
  float_scratch_.resize(static_cast<size_t>(count / n + 1));
  for (int step = 0; step < n - 1; ++step) {
    const int in = chunk(rank_ - step - 1);
    exchange(chunk(rank_ - step), in, float_scratch_.data());
    for_each_piece(in, [&](float* own, int length, int64_t offset) {
      const float* theirs = float_scratch_.data() + offset;
      for (int i = 0; i < length; ++i) own[i] = theirs[i] + own[i];
    });
  }
  for (int step = 0; step < n - 1; ++step) {
    exchange(chunk(rank_ + 1 - step), chunk(rank_ - step), nullptr);
  }
}

void MpiCommunicator::broadcast(std::span<float> values, int root) {
  const Watchdog::Wait wait(watchdog_, "a broadcast");
  MPI_Bcast(values.data(), static_cast<int>(values.size()), MPI_FLOAT, root, MPI_COMM_WORLD);
}

void MpiCommunicator::broadcast(std::string& text, int root) {
  const Watchdog::Wait wait(watchdog_, "a broadcast");
  auto length = static_cast<int64_t>(text.size());
  MPI_Bcast(&length, 1, MPI_INT64_T, root, MPI_COMM_WORLD);
  text.resize(static_cast<size_t>(length));
  MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, root, MPI_COMM_WORLD);
}

void MpiCommunicator::barrier() {
  const Watchdog::Wait wait(watchdog_, "a barrier");
  MPI_Barrier(MPI_COMM_WORLD);
}

void MpiCommunicator::send(int destination, std::span<const int64_t> message) {
  const Watchdog::Wait wait(watchdog_, "a send");
  MPI_Send(message.data(), static_cast<int>(message.size()), MPI_INT64_T, destination, kMessageTag,
           MPI_COMM_WORLD);
}

std::optional<int> MpiCommunicator::probe() {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, kMessageTag, MPI_COMM_WORLD, &flag, &status);
  if (flag == 0) return std::nullopt;
  return status.MPI_SOURCE;
}

void MpiCommunicator::receive(int source, std::span<int64_t> message) {
  const Watchdog::Wait wait(watchdog_, "a receive");
  MPI_Recv(message.data(), static_cast<int>(message.size()), MPI_INT64_T, source, kMessageTag,
           MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

void MpiCommunicator::abort(int exit_code, std::string_view message) {
  end_job(rank_, exit_code, message);
}

}  // namespace fulcrum::distributed::detail
