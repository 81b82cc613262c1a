#pragma once
// Closed sets of choices are enums; their names exist only where text is read
// or written (configs, the command line, checkpoints, messages). Each enum has
// one table of names, found by argument-dependent lookup:
//
//   namespace fulcrum::nn {
//   enum class Reduction { None, Mean, Sum };
//   inline std::span<const Named<Reduction>> name_table(Reduction) {
//     static constexpr Named<Reduction> kTable[] = {
//         {Reduction::None, "none"}, {Reduction::Mean, "mean"}, {Reduction::Sum, "sum"}};
//     return kTable;
//   }
//   }
//
// and the same table reads a name (with a "did you mean" suggestion for a
// typo), writes it, and lists the valid ones for messages and documentation:
//
// ```cpp
// using namespace fulcrum;
// nn::Reduction r = parse_name<nn::Reduction>("sum", "reduction");
// std::string_view text = name_of(nn::Reduction::Mean);  // "mean"
// parse_name<nn::Reduction>("mena", "reduction");
//   // ValueError: unknown reduction 'mena'; did you mean 'mean'? (valid: none, mean, sum)
// ```

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "fulcrum/core/error.hpp"

namespace fulcrum {

/// One row of an enum's name table.
template <typename E>
struct Named {
  E value;
  std::string_view name;
};

/// The table of E, in the order messages and docs list the names.
template <typename E>
std::span<const Named<E>> names_table() {
  return name_table(E{});
}

/// The name of `value`. Requires: `value` is in its table (an enumerator).
template <typename E>
std::string_view name_of(E value) {
  for (const Named<E>& row : names_table<E>()) {
    if (row.value == value) return row.name;
  }
  throw_value_error(fmt::format("name_of: enumerator {} has no name", static_cast<int>(value)));
}

/// Every name of E, in table order.
template <typename E>
std::vector<std::string> names_of() {
  std::vector<std::string> names;
  for (const Named<E>& row : names_table<E>()) names.emplace_back(row.name);
  return names;
}

/// The enumerator called `name`, or nullopt.
template <typename E>
std::optional<E> find_name(std::string_view name) {
  for (const Named<E>& row : names_table<E>()) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

/// "; did you mean 'x'?" for the nearest of `valid` to `typed` when it is a
/// likely typo (an edit distance of at most 3 and less than the length of
/// `typed`, or one a prefix of the other: "epoch" -> "epochs"), else "".
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& valid);

/// The nearest name did_you_mean would suggest, or "" for none.
std::string nearest_name(std::string_view typed, const std::vector<std::string>& valid);

/// Levenshtein distance: the fewest single-character insertions, deletions
/// and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// "unknown WHAT 'NAME'; did you mean 'X'? (valid: a, b, c)": the message of
/// every refused name, wherever it was read.
std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& valid);

/// The enumerator called `name`; ValueError with unknown_name_message for any
/// other text. `what` names the setting ("reduction", "activation").
template <typename E>
E parse_name(std::string_view name, std::string_view what) {
  if (const std::optional<E> value = find_name<E>(name)) return *value;
  throw_value_error(unknown_name_message(what, name, names_of<E>()));
}

}  // namespace fulcrum

namespace fulcrum {

/// An enum with a name table (found by argument-dependent lookup).
template <typename E>
concept NamedEnum = std::is_enum_v<E> && requires(E value) {
  name_table(value);
};

}  // namespace fulcrum

/// An enum with a name table formats as its name: fmt::format("{}", kind) is
/// "multilabel".
template <fulcrum::NamedEnum E>
struct fmt::formatter<E, char, void> : fmt::formatter<std::string_view> {
  auto format(E value, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(fulcrum::name_of(value), ctx);
  }
};
