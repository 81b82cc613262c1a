// Writing a report's CSV text to a file.
#include <fmt/format.h>

#include <fstream>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/report.hpp"

namespace fulcrum::metrics {
namespace {

void write_text(const std::filesystem::path& path, const std::string& text, const char* fn) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(fmt::format("{}: cannot open '{}' for writing", fn, path.string()));
  out << text;
  out.close();
  if (!out) throw Error(fmt::format("{}: writing '{}' failed", fn, path.string()));
}

}  // namespace

void write_csv(const std::filesystem::path& path, const MultiLabelMetrics& metrics,
               std::span<const std::string> label_names) {
  write_text(path, to_csv(metrics, label_names), "write_csv");
}

void write_csv(const std::filesystem::path& path, const MultiClassMetrics& metrics,
               std::span<const std::string> class_names) {
  write_text(path, to_csv(metrics, class_names), "write_csv");
}

}  // namespace fulcrum::metrics
