#pragma once
// The header of an ARFF file (internal): @relation and the @attribute list.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text_input.hpp"

namespace fulcrum::data::detail {

/// One @attribute: numeric, or nominal with numeric values such as {0,1}.
struct ArffAttribute {
  std::string name;
  int64_t line = 0;                  ///< where it is declared
  bool nominal = false;
  std::vector<std::string> values;   ///< the nominal values, as written
  float sparse_default = 0.0f;       ///< value of an attribute a sparse row leaves out
};

struct ArffHeader {
  std::string relation;
  std::vector<ArffAttribute> attributes;
};

/// Reads lines up to and including "@data"; throws DataError naming the line
/// for an unknown keyword, an unsupported attribute type or a missing @data.
ArffHeader read_arff_header(LineReader& lines, const std::filesystem::path& file);

/// N from a MEKA "-C N" option in the relation name, if there is one.
std::optional<int64_t> meka_label_option(std::string_view relation);

/// Removes one pair of surrounding '...' or "..." quotes.
std::string_view unquote(std::string_view text);

}  // namespace fulcrum::data::detail
