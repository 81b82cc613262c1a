#include "config_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "fulcrum/core/error.hpp"

namespace fulcrum::train::detail {

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

std::string join_names(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

bool is_one_of(std::string_view name, const std::vector<std::string>& valid) {
  return std::find(valid.begin(), valid.end(), name) != valid.end();
}

namespace {

bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

std::string expand_env(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = text.find("${", pos);
    if (start == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, start - pos));
    const std::size_t end = text.find('}', start);
    FULCRUM_CHECK(end != std::string_view::npos, "unclosed '${{' in '{}'", text);
    const std::string_view inside = text.substr(start + 2, end - start - 2);
    const std::size_t colon = inside.find(":-");
    const std::string_view name = inside.substr(0, colon);
    FULCRUM_CHECK(is_variable_name(name),
                  "'${{{}}}' in '{}': expected ${{NAME}} or ${{NAME:-default}} with NAME made "
                  "of letters, digits and '_'",
                  inside, text);
    const char* value = std::getenv(std::string(name).c_str());
    if (value != nullptr && *value != '\0') {
      out.append(value);
    } else {
      FULCRUM_CHECK(colon != std::string_view::npos,
                    "environment variable {} is not set (in '{}'; write ${{{}:-default}} to "
                    "give a default)",
                    name, text, name);
      out.append(inside.substr(colon + 2));
    }
    pos = end + 1;
  }
  return out;
}

std::string format_number(double value) { return fmt::format("{}", value); }

}  // namespace fulcrum::train::detail
