#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <numeric>

#include "fulcrum/core/error.hpp"

namespace fulcrum::config::detail {

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

}  // namespace fulcrum::config::detail
