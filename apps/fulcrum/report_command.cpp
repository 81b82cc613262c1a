// `fulcrum report RUN_DIR`: draws the run's report.html again from the files
// in its directory (train/run_report.hpp) and prints its path.
#include <fmt/format.h>

#include <cstdio>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "fulcrum/train/run_report.hpp"

namespace fulcrum::cli {

int run_report(const ReportOptions& options) {
  const std::filesystem::path page =
      train::write_run_report(options.run_dir, {.curve_labels = options.curve_labels});
  std::fputs(fmt::format("{}\n", page.string()).c_str(), stdout);
  return kExitOk;
}

}  // namespace fulcrum::cli
