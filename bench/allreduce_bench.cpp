// allreduce_bench: the all-reduce bandwidth and latency between the
// processes of an MPI job, for the scaling model of docs/distributed.md.
//
//   mpirun -np 2 build/bench/allreduce_bench [--max-mb 64] [--repeats 20]
//
// For buffers of 8 bytes to --max-mb MB of floats, times fulcrum's ring
// all-reduce (Communicator::allreduce_sum, the one training uses) and
// MPI_Allreduce, and prints per size the median time of one all-reduce and the
// bus bandwidth 2 (N - 1) / N * bytes / time, which a ring all-reduce keeps
// constant when the links are the limit. Then the step's gradient sum of the
// tmc2007-500 model (500 -> 256 -> 22: four tensors, 133,910 floats) as
// training does it, in place (GradientAllReduce), against a copy into one
// flat buffer and back into fresh gradients. Rank 0 prints.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fulcrum/distributed/gradients.hpp"
#include "fulcrum/distributed/session.hpp"

namespace {

using Clock = std::chrono::steady_clock;

template <typename Fn>
double median_seconds(int repeats, Fn&& fn) {
  std::vector<double> times;
  fn();  // warm-up: connections, buffers
  for (int r = 0; r < repeats; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = Clock::now();
    fn();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  // Every rank takes the slowest rank's time of each repeat.
  MPI_Allreduce(MPI_IN_PLACE, times.data(), repeats, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Parameters of the given shapes, each with a gradient of ones.
std::vector<fulcrum::Tensor> parameters_with_gradients(const std::vector<fulcrum::Shape>& shapes) {
  std::vector<fulcrum::Tensor> params;
  for (const fulcrum::Shape& shape : shapes) {
    fulcrum::Tensor param = fulcrum::Tensor::zeros(shape);
    param.requires_grad_();
    param.set_grad(fulcrum::Tensor::ones(shape));
    params.push_back(param);
  }
  return params;
}

// The gradient sum through one flat buffer: copy in, sum, copy out into fresh tensors.
void sum_through_flat(std::vector<fulcrum::Tensor>& params, std::vector<float>& flat,
                      fulcrum::distributed::Communicator& comm) {
  float* at = flat.data();
  for (const fulcrum::Tensor& p : params) at = std::copy_n(p.grad().data(), p.numel(), at);
  comm.allreduce_sum(std::span<float>(flat));
  const float* from = flat.data();
  for (fulcrum::Tensor& p : params) {
    fulcrum::Tensor grad = fulcrum::Tensor::empty(p.shape());
    std::copy_n(from, p.numel(), grad.data());
    p.set_grad(grad);
    from += p.numel();
  }
}

void gradient_sums(int repeats, const std::shared_ptr<fulcrum::distributed::Communicator>& world) {
  const std::vector<fulcrum::Shape> shapes{{256, 500}, {256}, {22, 256}, {22}};
  std::vector<fulcrum::Tensor> in_place = parameters_with_gradients(shapes);
  std::vector<fulcrum::Tensor> copied = parameters_with_gradients(shapes);
  int64_t total = 0;
  for (const fulcrum::Tensor& p : in_place) total += p.numel();
  fulcrum::distributed::GradientAllReduce reduce(in_place, world);
  std::vector<float> flat(static_cast<size_t>(total));
  // Alternated, so that other work on the machine slows both alike.
  std::vector<double> sums, flats;
  for (int round = 0; round < 5; ++round) {
    sums.push_back(median_seconds(repeats, [&] { reduce.sum(); }));
    flats.push_back(median_seconds(repeats, [&] { sum_through_flat(copied, flat, *world); }));
  }
  std::sort(sums.begin(), sums.end());
  std::sort(flats.begin(), flats.end());
  if (world->is_root()) {
    std::printf(
        "\ngradient sum of a tmc2007-500 model step (%lld floats in %zu tensors), median "
        "of 5 medians:\n  in place (GradientAllReduce) %.1f us, through a flat copy "
        "%.1f us\n",
        static_cast<long long>(total), shapes.size(), sums[2] * 1e6, flats[2] * 1e6);
  }
}

}  // namespace

int main(int argc, char** argv) {
  fulcrum::distributed::Session session(argc, argv);
  double max_mb = 64;
  int repeats = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--max-mb") == 0) max_mb = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::max(1, std::atoi(argv[i + 1]));
  }
  if (!session.active()) {
    std::fprintf(stderr, "allreduce_bench: run it under mpirun (-np 2 or more)\n");
    return 2;
  }
  const auto world = fulcrum::distributed::world();
  const int n = world->size();
  if (world->is_root()) {
    std::printf("%d processes; median of %d; bus bandwidth = 2(N-1)/N * bytes / time\n", n,
                repeats);
    std::printf("%12s  %14s %12s  %14s %12s\n", "bytes", "ring us", "ring GB/s", "MPI us",
                "MPI GB/s");
  }
  const auto max_floats = static_cast<size_t>(max_mb * 1024 * 1024 / sizeof(float));
  for (size_t floats = 2; floats <= max_floats; floats *= 4) {
    std::vector<float> values(floats, 1.0f);
    const double ring = median_seconds(repeats, [&] { world->allreduce_sum(std::span(values)); });
    const double mpi = median_seconds(repeats, [&] {
      MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(floats), MPI_FLOAT, MPI_SUM,
                    MPI_COMM_WORLD);
    });
    const double bytes = static_cast<double>(floats * sizeof(float));
    const double bus = 2.0 * (n - 1) / n * bytes;
    if (world->is_root()) {
      std::printf("%12.0f  %14.1f %12.3f  %14.1f %12.3f\n", bytes, ring * 1e6, bus / ring / 1e9,
                  mpi * 1e6, bus / mpi / 1e9);
    }
  }
  gradient_sums(repeats, world);
  return 0;
}
