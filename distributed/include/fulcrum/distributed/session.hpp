#pragma once
// Session: MPI's lifetime in a program that may run under `mpirun`.
//
// ```cpp
// int main(int argc, char** argv) {
//   fulcrum::distributed::Session session(argc, argv);  // MPI_Init only under mpirun
//   auto comm = fulcrum::distributed::world();
//   return comm->rank() == 0 ? 0 : 0;
// }
// ```

#include <memory>

#include "fulcrum/distributed/communicator.hpp"

namespace fulcrum::distributed {

/// Whether fulcrum was built with MPI (FULCRUM_MPI).
bool mpi_available();

/// Whether this process was started by an MPI launcher (mpirun, mpiexec,
/// srun with PMIx), read from the environment the launcher sets.
bool launched_by_mpi();

struct SessionOptions {
  /// Seconds a collective or a receive may wait before the job is ended
  /// (Communicator); the `distributed.timeout` config key.
  double timeout = 300.0;
};

/// Represents: MPI initialised for the lifetime of the object, when fulcrum
/// has MPI and the process was launched by an MPI launcher; otherwise
/// nothing (world() stays a single process). A plain `fulcrum train`, without
/// mpirun, therefore never touches MPI.
/// Requires: at most one Session per process, made before any other thread
/// uses MPI, and alive while world() is used.
/// Ensures: while it lives, world() is the job's communicator, whose waits
/// end the job after options.timeout seconds (set_timeout changes it). A
/// process that waits for the others in an MPI call gives its core away
/// between polls (Open MPI's mpi_yield_when_idle, unless the environment
/// sets OMPI_MCA_mpi_yield_when_idle), so that on a machine with other work
/// the rank being waited for gets the core sooner.
/// Throws DistributedError when launched by mpirun but built without MPI
/// with more than one process (each would train alone, unknowingly).
class Session {
 public:
  Session(int& argc, char**& argv, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Whether MPI is in use (false: a single process).
  bool active() const { return active_; }

 private:
  bool active_ = false;
};

/// Changes the timeout of the running Session's communicator (no effect
/// without one). Requires: seconds > 0.
void set_timeout(double seconds);

}  // namespace fulcrum::distributed
