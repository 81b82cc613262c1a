#include "text_input.hpp"

#include <cerrno>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/ranges.h>

namespace fulcrum::data::detail {

std::string read_text_file(const std::filesystem::path& file) {
  // fopen/fread rather than iostreams: one read, and errno says why it failed.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) throw DataError(fmt::format("cannot open '{}': {}", file.string(), std::strerror(errno)));
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw DataError(fmt::format("cannot read '{}': it is a directory", file.string()));
  std::string text;
  char chunk[1 << 16];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) text.append(chunk, got);
  if (std::ferror(f.get()))
    throw DataError(fmt::format("cannot read '{}': {}", file.string(), std::strerror(errno)));
  return text;
}

void fail_at(const std::filesystem::path& file, int64_t line, std::string_view message) {
  if (line > 0) throw DataError(fmt::format("{}:{}: {}", file.string(), line, message));
  throw DataError(fmt::format("{}: {}", file.string(), message));
}

bool LineReader::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  line = text_.substr(pos_, end - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos_ = end + 1;
  ++line_number_;
  return true;
}

bool exceeds_elements(int64_t rows, int64_t last_column, int64_t max_elements) {
  // rows * (last_column + 1) > max  <=>  last_column + 1 > floor(max / rows).
  return rows > 0 && last_column >= max_elements / rows;
}

std::string dense_matrix(int64_t rows, int64_t last_column) {
  const uint64_t columns = static_cast<uint64_t>(last_column) + 1;
  const double bytes = static_cast<double>(rows) * static_cast<double>(columns) * sizeof(float);
  const bool gigabytes = bytes >= 1e9;
  return fmt::format("a {} x {} dense float32 matrix ({:.1f} {})", rows, columns,
                     bytes / (gigabytes ? 1e9 : 1e6), gigabytes ? "GB" : "MB");
}

std::string_view trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

namespace {

// The number's characters: trimmed, without a leading '+' (from_chars refuses it).
std::string_view number_text(std::string_view text) {
  text = trim(text);
  if (text.size() > 1 && text[0] == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  return text;
}

// from_chars into a double, then narrowed. Returns false for text that is not
// a number or lies outside the float32 range; values too small for float32
// become 0 or a subnormal, as a float32 cast would make them.
bool parse_double_in_float_range(std::string_view t, double& value) {
  const char* end = t.data() + t.size();
  const auto [ptr, ec] = std::from_chars(t.data(), end, value);
  if (ptr != end || ec == std::errc::invalid_argument) return false;
  if (ec == std::errc::result_out_of_range) {
    // Only when even a double cannot hold it (|x| > 1e308 or < 1e-308):
    // strtod tells underflow (0) from overflow (HUGE_VAL).
    const std::string copy(t);
    value = std::strtod(copy.c_str(), nullptr);
  }
  return std::isfinite(value) && std::fabs(value) <= static_cast<double>(FLT_MAX);
}

}  // namespace

bool parse_float(std::string_view text, float& out) {
  text = number_text(text);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec == std::errc() && ptr == end) return std::isfinite(out);
  if (ec != std::errc::result_out_of_range || ptr != end) return false;
  double value = 0.0;
  if (!parse_double_in_float_range(text, value)) return false;
  out = static_cast<float>(value);
  return true;
}

std::string number_problem(std::string_view text) {
  const std::string_view t = number_text(text);
  if (t.empty()) return "an empty field is not a number";
  double value = 0.0;
  const char* end = t.data() + t.size();
  const auto [ptr, ec] = std::from_chars(t.data(), end, value);
  if (ptr != end || ec == std::errc::invalid_argument)
    return fmt::format("'{}' is not a number", text);
  if (ec == std::errc() && !std::isfinite(value))
    return fmt::format("'{}' is not a finite number", text);
  return fmt::format("'{}' is out of the float32 range", text);
}

std::optional<int64_t> parse_int(std::string_view text) {
  text = number_text(text);
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string list_names(const std::vector<std::string>& names) {
  constexpr size_t kShown = 12;
  if (names.empty()) return "(none)";
  if (names.size() <= kShown) return fmt::format("{}", fmt::join(names, ", "));
  const std::vector<std::string> head(names.begin(), names.begin() + kShown / 2);
  const std::vector<std::string> tail(names.end() - 3, names.end());
  return fmt::format("{}, ..., {} ({} in all)", fmt::join(head, ", "), fmt::join(tail, ", "),
                     names.size());
}

std::optional<size_t> find_name(const std::vector<std::string>& names, std::string_view name) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return i;
  return std::nullopt;
}

}  // namespace fulcrum::data::detail
