#pragma once
// Text helpers of the config loader: "did you mean" suggestions, name lists,
// ${ENV} expansion and number formatting. Internal to fulcrum_train.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fulcrum::train::detail {

/// Levenshtein distance: the fewest single-character insertions, deletions
/// and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The name in `valid` nearest to `typed`, or "" when none is near enough to
/// be a likely typo: an edit distance of at most 3 (and less than the length
/// of `typed`, so that "ab" does not suggest "lr"), or one being a prefix of
/// the other ("epoch" -> "epochs", "maximum" -> "max"). The smallest distance
/// wins; ties go to the earlier name.
std::string nearest_name(std::string_view typed, const std::vector<std::string>& valid);

/// "; did you mean 'x'?" for the nearest name, or "" when there is none.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& valid);

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

/// The shortest decimal form that reads back as the same double ("0.001",
/// "1e-08", "20").
std::string format_number(double value);

}  // namespace fulcrum::train::detail
