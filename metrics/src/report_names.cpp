// The label / class names of a report: given, or the indices.
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/report.hpp"

namespace fulcrum::metrics::detail {

std::vector<std::string> resolve_names(std::span<const std::string> names, int64_t count,
                                       const char* fn, const char* what) {
  if (names.empty()) {
    std::vector<std::string> indices;
    for (int64_t i = 0; i < count; ++i) indices.push_back(std::to_string(i));
    return indices;
  }
  const std::string plural = std::string(what) + (std::string(what).ends_with('s') ? "es" : "s");
  FULCRUM_CHECK(static_cast<int64_t>(names.size()) == count,
                "{}: {} {} but {} name(s) given; give one name per {}, or none to use "
                "indices",
                fn, count, plural, names.size(), what);
  return {names.begin(), names.end()};
}

}  // namespace fulcrum::metrics::detail
