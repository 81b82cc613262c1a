#include "busy_cores.hpp"

#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace fulcrum::detail {
namespace {

double clock_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

BusyCores::BusyCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set)) cpus_.push_back(cpu);
  }
  if (cpus_.empty()) cpus_.push_back(0);
  const long ticks = sysconf(_SC_CLK_TCK);
  if (ticks > 0) seconds_per_tick_ = 1.0 / static_cast<double>(ticks);
}

// "cpuN user nice system idle iowait irq softirq steal ...": busy is every
// field but idle and iowait.
std::optional<BusyCores::Reading> BusyCores::read() const {
  std::ifstream stat("/proc/stat");
  if (!stat) return std::nullopt;
  Reading reading;
  reading.wall_seconds = clock_seconds(CLOCK_MONOTONIC);
  reading.own_seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  std::string line;
  int64_t busy_ticks = 0;
  bool any = false;
  while (std::getline(stat, line)) {
    if (line.rfind("cpu", 0) != 0) break;
    if (line.size() < 4 || line[3] < '0' || line[3] > '9') continue;  // the "cpu" total
    std::istringstream fields(line.substr(3));
    int cpu = -1;
    int64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    fields >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
    if (cpu < 0 || !std::binary_search(cpus_.begin(), cpus_.end(), cpu)) continue;
    busy_ticks += user + nice + system + irq + softirq + steal;
    any = true;
  }
  if (!any) return std::nullopt;
  reading.busy_seconds = static_cast<double>(busy_ticks) * seconds_per_tick_;
  return reading;
}

std::optional<double> BusyCores::sample_others() {
  const std::optional<Reading> now = read();
  if (!now) return std::nullopt;
  const std::optional<Reading> before = std::exchange(last_, now);
  if (!before) return std::nullopt;
  const double wall = now->wall_seconds - before->wall_seconds;
  if (wall <= 0) return std::nullopt;
  const double others =
      (now->busy_seconds - before->busy_seconds) - (now->own_seconds - before->own_seconds);
  return std::clamp(others / wall, 0.0, static_cast<double>(cores()));
}

}  // namespace fulcrum::detail
