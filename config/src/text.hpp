#pragma once
// Text helpers of the config loader: name lists, ${ENV} expansion and number
// formatting (the "did you mean" suggestions are core/names.hpp's).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/core/names.hpp"

namespace fulcrum::config::detail {

using fulcrum::did_you_mean;
using fulcrum::nearest_name;

/// "a, b, c".
std::string join_names(const std::vector<std::string>& names);

/// True when `name` is one of `valid`.
bool is_one_of(std::string_view name, const std::vector<std::string>& valid);

/// `text` with every ${NAME} or ${NAME:-default} replaced by the environment
/// variable NAME (the default when NAME is unset or empty, as in a POSIX
/// shell). A `$` not followed by `{` is kept as is.
/// Throws ValueError for an unset variable without default, an unclosed
/// `${`, or a bad variable name.
std::string expand_env(std::string_view text);

/// The offset of the first byte of `text` that does not start or continue a
/// valid UTF-8 sequence (overlong forms, surrogates and code points above
/// U+10FFFF are invalid), or nullopt when all of `text` is UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

/// The shortest decimal form that reads back as the same double ("0.001",
/// "1e-08", "20").
std::string format_number(double value);

}  // namespace fulcrum::config::detail
