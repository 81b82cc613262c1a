// Session and world(): MPI_Init / MPI_Finalize when launched by mpirun and
// built with MPI; a single process otherwise.
#include "fulcrum/distributed/session.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <string>

#ifdef FULCRUM_MPI
#include <mpi.h>

#include "mpi_communicator.hpp"
#endif

namespace fulcrum::distributed {

namespace {

std::shared_ptr<Communicator>& world_slot() {
  static std::shared_ptr<Communicator> world;
  return world;
}

#ifndef FULCRUM_MPI
// The job's size as the launcher says it, 0 if it does not.
int launcher_world_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", "SLURM_NTASKS"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 0;
}
#endif

}  // namespace

bool mpi_available() {
#ifdef FULCRUM_MPI
  return true;
#else
  return false;
#endif
}

bool launched_by_mpi() {
  // Open MPI's mpirun, PMIx launchers (srun --mpi=pmix), PMI-1/2 launchers.
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

std::shared_ptr<Communicator> world() {
  std::shared_ptr<Communicator>& world = world_slot();
  if (!world) world = std::make_shared<SingleProcess>();
  return world;
}

Session::Session([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv,
                 [[maybe_unused]] SessionOptions options) {
  if (!launched_by_mpi()) return;
#ifdef FULCRUM_MPI
  // Open MPI spins in a wait by default. A rank spinning beside other work
  // keeps the core from the rank it waits for (on a loaded 2-core machine a
  // 2-process epoch took twice as long); yielding between polls costs an
  // idle machine well under a microsecond per wait (bench/allreduce_bench).
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", /*overwrite=*/0);
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  world_slot() = std::make_shared<detail::MpiCommunicator>(options.timeout);
  active_ = true;
#else
  const int size = launcher_world_size();
  if (size > 1) {
    throw DistributedError(fmt::format(
        "started by an MPI launcher as one of {} processes, but this fulcrum was built without "
        "MPI (FULCRUM_MPI=OFF): each process would train alone; rebuild with libopenmpi-dev "
        "installed, or run without mpirun",
        size));
  }
#endif
}

Session::~Session() {
  if (!active_) return;
  world_slot().reset();
#ifdef FULCRUM_MPI
  MPI_Finalize();
#endif
}

void set_timeout([[maybe_unused]] double seconds) {
  FULCRUM_CHECK(seconds > 0, "distributed timeout must be > 0 seconds, got {}", seconds);
#ifdef FULCRUM_MPI
  if (auto* mpi = dynamic_cast<detail::MpiCommunicator*>(world_slot().get())) {
    mpi->set_timeout(seconds);
  }
#endif
}

}  // namespace fulcrum::distributed
