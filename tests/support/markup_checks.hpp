#pragma once
// Checks on the SVG and HTML that reports write: a small XML well-formedness
// check, counting occurrences, and EXPECT_CONTAINS / EXPECT_NOT_CONTAINS.

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace fulcrum::testing {

/// "" when `text` is well-formed XML as far as the report needs: tags nest
/// and close in order, there is one root element, attribute values are
/// quoted and contain no '<', and every '&' starts an entity. <!...>
/// declarations are skipped. Otherwise a description of the first problem.
inline std::string xml_problem(const std::string& text) {
  std::vector<std::string> open;
  int roots = 0;
  const auto entity_ok = [&](size_t at) {
    const size_t end = text.find(';', at);
    if (end == std::string::npos || end - at > 8) return false;
    const std::string name = text.substr(at + 1, end - at - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
      return true;
    }
    if (name.size() >= 2 && name[0] == '#') {
      for (size_t k = 1; k < name.size(); ++k) {
        if (!std::isdigit(static_cast<unsigned char>(name[k]))) return false;
      }
      return true;
    }
    return false;
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '&') {
      if (!entity_ok(i)) return "bad entity at offset " + std::to_string(i);
      ++i;
      continue;
    }
    if (c != '<') {
      if (c == '>') return "stray '>' at offset " + std::to_string(i);
      ++i;
      continue;
    }
    if (text.compare(i, 2, "<!") == 0) {
      const size_t end = text.find('>', i);
      if (end == std::string::npos) return "unclosed declaration";
      i = end + 1;
      continue;
    }
    const bool closing = text.compare(i, 2, "</") == 0;
    size_t j = i + (closing ? 2 : 1);
    const size_t name_start = j;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) ||
                               text[j] == '-' || text[j] == ':' || text[j] == '_')) {
      ++j;
    }
    const std::string name = text.substr(name_start, j - name_start);
    if (name.empty()) return "a tag without a name at offset " + std::to_string(i);
    if (closing) {
      if (j >= text.size() || text[j] != '>') return "malformed closing tag </" + name;
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes " +
               (open.empty() ? std::string("nothing") : "<" + open.back() + ">");
      }
      open.pop_back();
      i = j + 1;
      continue;
    }
    while (true) {
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j >= text.size()) return "unclosed tag <" + name;
      if (text[j] == '>' || text.compare(j, 2, "/>") == 0) break;
      const size_t attr_start = j;
      while (j < text.size() && text[j] != '=' &&
             !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != '>') {
        ++j;
      }
      if (j == attr_start || j >= text.size() || text[j] != '=')
        return "attribute without value in <" + name;
      ++j;
      if (j >= text.size() || text[j] != '"') return "unquoted attribute in <" + name;
      const size_t value_end = text.find('"', j + 1);
      if (value_end == std::string::npos) return "unclosed attribute in <" + name;
      for (size_t k = j + 1; k < value_end; ++k) {
        if (text[k] == '<') return "'<' in an attribute of <" + name;
        if (text[k] == '&' && !entity_ok(k)) return "bad entity in an attribute of <" + name;
      }
      j = value_end + 1;
    }
    if (open.empty()) ++roots;
    if (text[j] == '>') {
      open.push_back(name);
      i = j + 1;
    } else {
      i = j + 2;
    }
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (roots != 1) return std::to_string(roots) + " root elements";
  return {};
}

/// How many times `needle` occurs in `text`.
inline size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace fulcrum::testing

#define EXPECT_CONTAINS(text, part)                          \
  EXPECT_NE(std::string(text).find(part), std::string::npos) \
      << "expected to find \"" << (part) << "\" in:\n  " << (text)

#define EXPECT_NOT_CONTAINS(text, part)                      \
  EXPECT_EQ(std::string(text).find(part), std::string::npos) \
      << "did not expect \"" << (part) << "\" in:\n  " << (text)
