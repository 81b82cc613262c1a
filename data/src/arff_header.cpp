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

bool is_quote(char c) { return c == '\'' || c == '"'; }

// Splits "name type" where the name may be quoted (with escapes and spaces);
// a bare name ends at a space, a tab or the '{' of a nominal type.
std::pair<std::string, std::string_view> name_and_rest(std::string_view text, int64_t line,
                                                       const std::filesystem::path& file) {
  text = trim(text);
  size_t end = 0;
  if (!text.empty() && is_quote(text[0])) {
    end = quoted_end(text);
    if (end == std::string_view::npos)
      fail_at(file, line, "unterminated quote in attribute name {}", text);
  } else {
    end = std::min(text.find_first_of(" \t{"), text.size());
  }
  std::string buffer;
  return {std::string(unquote(text.substr(0, end), buffer)), trim(text.substr(end))};
}

// The values of "{a, 'b c', \"d,e\"}", unquoted, split at the commas outside quotes.
std::vector<std::string> nominal_values(std::string_view list, const std::string& name,
                                        int64_t line, const std::filesystem::path& file) {
  std::vector<std::string> values;
  std::string buffer;
  size_t begin = 0;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size() && is_quote(list[i])) {
      const size_t close = quoted_end(list.substr(i));
      if (close == std::string_view::npos)
        fail_at(file, line, "attribute '{}': unterminated quote in its nominal values", name);
      i += close - 1;
      continue;
    }
    if (i < list.size() && list[i] != ',') continue;
    const std::string_view token = trim(list.substr(begin, i - begin));
    if (token.empty())
      fail_at(file, line, "attribute '{}': an empty nominal value in {{{}}}", name, list);
    values.emplace_back(unquote(token, buffer));
    begin = i + 1;
  }
  return values;
}

ArffAttribute parse_attribute(std::string_view text, int64_t line,
                              const std::filesystem::path& file) {
  auto [name, type] = name_and_rest(text, line, file);
  if (name.empty() || type.empty())
    fail_at(file, line, "expected '@attribute <name> <type>'");
  ArffAttribute attribute;
  attribute.name = std::move(name);
  attribute.line = line;
  attribute.type_text = std::string(type);
  const std::string kind = lower(type);
  if (kind == "numeric" || kind == "real" || kind == "integer") return attribute;
  if (kind == "string") {
    attribute.type = ArffType::String;
    return attribute;
  }
  if (kind == "date" || starts_with_keyword(kind, "date")) {
    attribute.type = ArffType::Date;
    return attribute;
  }
  if (type.front() != '{' || type.back() != '}')
    fail_at(file, line, "attribute '{}': type '{}' is not supported (numeric, real, integer, "
            "{{...}}, or string and date when dropped)", attribute.name, type);
  attribute.type = ArffType::Nominal;
  attribute.values = nominal_values(type.substr(1, type.size() - 2), attribute.name, line, file);
  attribute.numeric_values = true;
  for (size_t i = 0; i < attribute.values.size(); ++i) {
    const std::string& value = attribute.values[i];
    if (!attribute.index.emplace(value, i).second)
      fail_at(file, line, "attribute '{}': nominal value '{}' is declared twice", attribute.name,
              value);
    float number = 0.0f;
    attribute.numeric_values = attribute.numeric_values && parse_float(value, number);
    attribute.numbers.push_back(number);
  }
  if (!attribute.numeric_values) attribute.numbers.clear();
  return attribute;
}

}  // namespace

size_t quoted_end(std::string_view text) {
  const char quote = text[0];
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string_view unquote(std::string_view text, std::string& buffer) {
  text = trim(text);
  if (text.size() < 2 || !is_quote(text.front()) || text.back() != text.front()) return text;
  const std::string_view inner = text.substr(1, text.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner;
  buffer.clear();
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (c == '\\' && i + 1 < inner.size()) {
      c = inner[++i];
      if (c == 'n') c = '\n';
      if (c == 't') c = '\t';
      if (c == 'r') c = '\r';
    }
    buffer.push_back(c);
  }
  return buffer;
}

ArffHeader read_arff_header(LineReader& lines, const std::filesystem::path& file) {
  ArffHeader header;
  std::string_view raw;
  std::string buffer;
  while (lines.next(raw)) {
    const std::string_view line = trim(raw);
    if (line.empty() || line[0] == '%') continue;
    if (starts_with_keyword(line, "@relation")) {
      header.relation = std::string(unquote(line.substr(9), buffer));
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
