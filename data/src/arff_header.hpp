#pragma once
// The header of an ARFF file (internal): @relation and the @attribute list,
// and the quoting rules names and values share.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text_input.hpp"

namespace fulcrum::data::detail {

enum class ArffType { Numeric, Nominal, String, Date };

/// One @attribute.
struct ArffAttribute {
  std::string name;
  int64_t line = 0;                ///< where it is declared
  ArffType type = ArffType::Numeric;
  std::string type_text;           ///< the type as written, for messages
  std::vector<std::string> values; ///< nominal values, unquoted, in declaration order
  /// Nominal: every value is a number (MULAN's {0,1}); `numbers` holds them.
  bool numeric_values = false;
  std::vector<float> numbers;
  std::map<std::string, size_t, std::less<>> index;  ///< nominal value -> position
};

struct ArffHeader {
  std::string relation;
  std::vector<ArffAttribute> attributes;
};

/// Reads lines up to and including "@data"; throws DataError naming the line
/// for an unknown keyword, a malformed declaration or a missing @data.
ArffHeader read_arff_header(LineReader& lines, const std::filesystem::path& file);

/// N from a MEKA "-C N" option in the relation name, if there is one.
std::optional<int64_t> meka_label_option(std::string_view relation);

/// The end of the quoted token that starts at text[0] (a quote): the index
/// just past the closing quote, a backslash escaping the next character;
/// npos if it is never closed.
size_t quoted_end(std::string_view text);

/// `text` (trimmed) without its quotes and escapes: a bare token as it is, a
/// '...' or "..." token decoded into `buffer` (\n, \t, \r as control
/// characters, a backslash before anything else that character).
/// Allocation-free for bare tokens.
std::string_view unquote(std::string_view text, std::string& buffer);

}  // namespace fulcrum::data::detail
