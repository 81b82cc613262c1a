#pragma once
// How many cores other processes keep busy, for the adaptive thread policy
// (parallel.cpp): read from Linux's /proc/stat for the CPUs this process may
// run on, minus this process's own CPU time.

#include <cstdint>
#include <optional>
#include <vector>

namespace fulcrum::detail {

class BusyCores {
 public:
  BusyCores();

  /// The CPUs this process may run on (its affinity mask).
  int cores() const { return static_cast<int>(cpus_.size()); }

  /// Cores' worth of CPU time other processes used on those CPUs since the
  /// previous call (0 to cores()); nothing on the first call or where
  /// /proc/stat cannot be read.
  std::optional<double> sample_others();

 private:
  struct Reading {
    double busy_seconds = 0;  // all processes, on our CPUs
    double own_seconds = 0;   // this process
    double wall_seconds = 0;
  };
  std::optional<Reading> read() const;

  std::vector<int> cpus_;
  std::optional<Reading> last_;
  double seconds_per_tick_ = 0.01;
};

}  // namespace fulcrum::detail
