#include "arff_header.hpp"

#include <algorithm>
#include <cctype>

namespace fulcrum::data::detail {
namespace {

bool starts_with_keyword(std::string_view line, std::string_view keyword) {
  if (line.size() < keyword.size()) return false;
  for (size_t i = 0; i < keyword.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != keyword[i]) return false;
  return line.size() == keyword.size() || line[keyword.size()] == ' ' ||
         line[keyword.size()] == '\t';
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits "name type" where the name may be quoted and hold spaces.
std::pair<std::string_view, std::string_view> name_and_rest(std::string_view text) {
  text = trim(text);
  size_t end = 0;
  if (!text.empty() && (text[0] == '\'' || text[0] == '"')) {
    end = text.find(text[0], 1);
    end = end == std::string_view::npos ? text.size() : end + 1;
  } else {
    end = std::min(text.find_first_of(" \t"), text.size());
  }
  return {unquote(text.substr(0, end)), trim(text.substr(end))};
}

ArffAttribute parse_attribute(std::string_view text, int64_t line,
                              const std::filesystem::path& file) {
  const auto [name, type] = name_and_rest(text);
  if (name.empty() || type.empty())
    fail_at(file, line, "expected '@attribute <name> <type>'");
  ArffAttribute attribute;
  attribute.name = std::string(name);
  attribute.line = line;
  const std::string kind = lower(type);
  if (kind == "numeric" || kind == "real" || kind == "integer") return attribute;
  if (type.front() != '{' || type.back() != '}')
    fail_at(file, line, "attribute '{}': type '{}' is not supported (numeric, real, integer or "
            "{{...}} with numeric values)", name, type);
  attribute.nominal = true;
  const std::string_view list = type.substr(1, type.size() - 2);
  for (size_t begin = 0; begin <= list.size();) {
    size_t end = std::min(list.find(',', begin), list.size());
    const std::string_view value = unquote(trim(list.substr(begin, end - begin)));
    float number = 0.0f;
    if (!parse_float(value, number))
      fail_at(file, line, "attribute '{}': nominal value '{}' is not a number; only numeric "
              "nominal values such as {{0,1}} are supported", name, value);
    if (attribute.values.empty()) attribute.sparse_default = number;
    attribute.values.emplace_back(value);
    begin = end + 1;
  }
  return attribute;
}

}  // namespace

std::string_view unquote(std::string_view text) {
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
      text.back() == text.front())
    return text.substr(1, text.size() - 2);
  return text;
}

ArffHeader read_arff_header(LineReader& lines, const std::filesystem::path& file) {
  ArffHeader header;
  std::string_view raw;
  while (lines.next(raw)) {
    const std::string_view line = trim(raw);
    if (line.empty() || line[0] == '%') continue;
    if (starts_with_keyword(line, "@relation")) {
      header.relation = std::string(unquote(trim(line.substr(9))));
    } else if (starts_with_keyword(line, "@attribute")) {
      header.attributes.push_back(parse_attribute(line.substr(10), lines.line_number(), file));
    } else if (starts_with_keyword(line, "@data")) {
      if (header.attributes.empty()) fail_at(file, lines.line_number(), "@data before any @attribute");
      return header;
    } else {
      fail_at(file, lines.line_number(), "expected @relation, @attribute or @data, found '{}'",
              line.substr(0, 40));
    }
  }
  fail_at(file, 0, "no @data section");
}

std::optional<int64_t> meka_label_option(std::string_view relation) {
  for (size_t at = relation.find("-C"); at != std::string_view::npos;
       at = relation.find("-C", at + 2)) {
    const bool separate = at == 0 || relation[at - 1] == ' ' || relation[at - 1] == ':' ||
                          relation[at - 1] == '\t' || relation[at - 1] == '\'';
    if (!separate) continue;
    std::string_view rest = trim(relation.substr(at + 2));
    const size_t end = std::min(rest.find_first_of(" \t'\""), rest.size());
    if (auto n = parse_int(rest.substr(0, end))) return n;
  }
  return std::nullopt;
}

}  // namespace fulcrum::data::detail
