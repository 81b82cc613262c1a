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
      FULCRUM_CHECK(!first_invalid_utf8(value),
                    "environment variable {} (in '{}') is not valid UTF-8; a config must be UTF-8",
                    name, text);
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

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence length and the range of the second byte (which excludes
    // overlong forms, UTF-16 surrogates and code points beyond U+10FFFF).
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    if (byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    i += length;
  }
  return std::nullopt;
}

std::string format_number(double value) { return fmt::format("{}", value); }

}  // namespace fulcrum::config::detail
