// The per-epoch log line (epoch_line.hpp).
#include "epoch_line.hpp"

#include <fmt/format.h>

#include <cmath>

namespace fulcrum::train {

std::string format_duration(double seconds) {
  const auto total = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  const int64_t hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  return hours > 0 ? fmt::format("{}:{:02}:{:02}", hours, minutes, secs)
                   : fmt::format("{}:{:02}", minutes, secs);
}

std::string format_epoch_line(const EpochLine& line, size_t max_columns) {
  const auto value = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.4f}", *v) : std::string("n/a");
  };
  const bool monitors_training_loss = line.monitor == "training loss";
  const std::string mark = line.improved ? " *" : "";
  std::string elapsed, left;
  if (line.epochs_run > 0) {
    const double per_epoch = line.elapsed_seconds / static_cast<double>(line.epochs_run);
    const auto to_go = static_cast<double>(std::max<int64_t>(0, line.epochs - line.epoch));
    // fmt rather than string + string: GCC 12 reports a false -Wrestrict on
    // "literal" + std::string at -O3.
    elapsed = fmt::format("{} elapsed, ", format_duration(line.elapsed_seconds));
    left = fmt::format("~{} left", format_duration(per_epoch * to_go));
  }
  // Detail level 0 says everything; each level above leaves out one more
  // thing, least useful first.
  const auto compose = [&](int level) {
    std::string out = fmt::format("epoch {}/{}", line.epoch, line.epochs);
    if (level < 2 && line.lr) out += fmt::format("  lr {:.3g}", *line.lr);
    out += fmt::format("  loss {:.4f}", line.train_loss);
    if (monitors_training_loss) {
      out += mark;
    } else {
      std::string name = line.monitor;
      if (name.starts_with("validation ")) name = fmt::format("val {}", name.substr(11));
      const size_t dot = name.rfind('.');
      if (level >= 4 && dot != std::string::npos)
        name = fmt::format("val {}", name.substr(dot + 1));
      out += fmt::format("  {} {}{}", name, value(line.monitored), mark);
    }
    if (level < 3) out += fmt::format("  {:.1f}s", line.epoch_seconds);
    if (level < 1) out += fmt::format(" ({:.0f}/s)", line.samples_per_second);
    if (!left.empty()) out += fmt::format("  {}{}", level < 5 ? elapsed : std::string(), left);
    return out;
  };
  std::string out;
  for (int level = 0; level <= 5; ++level) {
    out = compose(level);
    if (out.size() <= max_columns) return out;
  }
  out.resize(max_columns);
  return out;
}

}  // namespace fulcrum::train
