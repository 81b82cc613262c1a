#include "fulcrum/core/names.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <numeric>

namespace fulcrum {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table at a time.
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string nearest_name(std::string_view typed, const std::vector<std::string>& valid) {
  constexpr std::size_t kMaxDistance = 3;
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& name : valid) {
    const std::size_t distance = edit_distance(typed, name);
    const bool typo = distance <= kMaxDistance && distance < typed.size();
    // "epoch" -> "epochs", and "maximum" -> "max".
    const bool prefix = (!typed.empty() && name.starts_with(typed)) ||
                        (name.size() >= 3 && typed.starts_with(name));
    if ((typo || prefix) && distance < best_distance) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& valid) {
  const std::string nearest = nearest_name(typed, valid);
  return nearest.empty() ? std::string{} : fmt::format("; did you mean '{}'?", nearest);
}

std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& valid) {
  return fmt::format("unknown {} '{}'{} (valid: {})", what, name, did_you_mean(name, valid),
                     fmt::join(valid, ", "));
}

}  // namespace fulcrum
