#pragma once
// Shared pieces of the file readers (internal): reading a file whole, walking
// its lines, parsing numbers without allocating, and errors that say where.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data::detail {

/// The whole file as text; throws DataError naming the path if it cannot be read.
std::string read_text_file(const std::filesystem::path& file);

/// Throws DataError "file:line: message" (line 0 leaves the line out).
[[noreturn]] void fail_at(const std::filesystem::path& file, int64_t line,
                          std::string_view message);

template <typename... Args>
[[noreturn]] void fail_at(const std::filesystem::path& file, int64_t line,
                          fmt::format_string<Args...> format, Args&&... args) {
  fail_at(file, line, std::string_view(fmt::format(format, std::forward<Args>(args)...)));
}

/// Splits text into lines ('\n' or "\r\n"), counting from 1.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  /// The next line without its end-of-line characters; false at the end.
  bool next(std::string_view& line);
  /// The number of the line last returned.
  int64_t line_number() const { return line_number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_number_ = 0;
};

/// Whether a dense matrix of `rows` rows whose last column is `last_column`
/// (0-based, so rows x (last_column + 1)) would hold more than `max_elements`
/// elements. Exact and without overflow for rows >= 1, last_column >= 0.
bool exceeds_elements(int64_t rows, int64_t last_column, int64_t max_elements);

/// "a 100 x 3000001 dense float32 matrix (1.2 GB)" for rows x (last_column + 1),
/// for errors about sizes.
std::string dense_matrix(int64_t rows, int64_t last_column);

/// text without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text);

/// Parses a finite decimal number (surrounding spaces and a leading '+' allowed)
/// into `out`; false if the text is anything else. Allocation-free (from_chars).
bool parse_float(std::string_view text, float& out);
/// Why parse_float refused `text`: "'abc' is not a number", "'nan' is not a
/// finite number", "'1e99' is out of the float32 range".
std::string number_problem(std::string_view text);

/// Parses an integer (surrounding spaces and a leading '+' allowed).
std::optional<int64_t> parse_int(std::string_view text);

/// "a, b, c" or, for long lists, the first and last few names and the count.
std::string list_names(const std::vector<std::string>& names);

/// The index of `name` in `names`, if present.
std::optional<size_t> find_name(const std::vector<std::string>& names, std::string_view name);

}  // namespace fulcrum::data::detail
