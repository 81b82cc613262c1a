#pragma once
// The pieces the config loader reads YAML with: SourceMap (where each key came
// from, to put file:line:column or the --set in messages) and MapReader (typed
// reads of one mapping, with unknown-key detection). Not installed.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/core/names.hpp"

namespace fulcrum::config::detail {

/// The parent of a dotted key path: "a.b.c" -> "a.b", "a.b[2]" -> "a.b", "a" -> "".
std::string parent_key(const std::string& key);

/// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string child_key(const std::string& parent, std::string_view name);

/// Represents: where the keys of one config came from: the source (file) name,
/// the position of every key the file gave, and the keys a --set override
/// set or created (with the override's text). Empty for a hand-made RunConfig,
/// whose errors then name only the key.
class SourceMap {
 public:
  explicit SourceMap(std::string source = {}, std::filesystem::path base_dir = {});

  const std::string& source() const { return source_; }

  /// `key` was given in the file, its value at `mark`.
  void record(const std::string& key, const YAML::Mark& mark);
  /// `key` was set (or created) by the override `text` ("training.epochs=5").
  void record_override(const std::string& key, const std::string& text);

  /// True when the file or an override gave `key` (with any value, even null).
  bool given(const std::string& key) const;
  /// The override that set `key` or one of its ancestors, or nullptr.
  const std::string* override_for(const std::string& key) const;
  /// The directory a relative path under `key` is relative to: the config
  /// file's, or the working directory for a value given with --set.
  std::filesystem::path base_dir_for(const std::string& key) const;

  /// Throws ConfigError for `key`, located at the override that set it, else at
  /// `mark` when it is not null, else at the recorded position of `key` or of
  /// its nearest recorded ancestor, else at the source alone.
  /// The message is "location: key: message", or "location: message" when
  /// `name_key` is false (the message names the key itself).
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const YAML::Mark& mark = YAML::Mark::null_mark(),
                         bool name_key = true) const;

 private:
  std::string source_;
  std::filesystem::path base_dir_;
  std::map<std::string, YAML::Mark> marks_;
  std::map<std::string, std::string> overrides_;
};

/// "'abc'", "a list", "a mapping": what a node holds, for "expected X, got Y".
std::string describe(const YAML::Node& node);

/// Typed conversions of one node (at key path `key`), failing with
/// "expected ..., got ..." at the node's position.
std::string to_string_value(const YAML::Node& node, const std::string& key,
                            const SourceMap& sources);
double to_double(const YAML::Node& node, const std::string& key, const SourceMap& sources);
std::vector<double> to_double_list(const YAML::Node& node, const std::string& key,
                                   const SourceMap& sources);

/// Represents: the reading of one YAML mapping at key path `key`.
/// Every read names the key it accepts; finish() then rejects any other key
/// in the mapping, suggesting the nearest accepted one. A key that is absent or
/// null leaves the output at its default.
/// Requires: `node` is a mapping, null or undefined (else fails "expected a
/// mapping"); `sources` outlives the reader.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string key, SourceMap& sources);

  const std::string& key() const { return key_; }
  SourceMap& sources() const { return *sources_; }
  /// The full key path of the entry `name`.
  std::string key_of(std::string_view name) const { return child_key(key_, name); }

  void read(std::string_view name, std::string& out);  ///< ${ENV} expanded
  void read(std::string_view name, bool& out);
  void read(std::string_view name, int64_t& out);
  void read(std::string_view name, uint64_t& out);
  void read(std::string_view name, double& out);
  void read(std::string_view name, std::vector<int64_t>& out);
  void read(std::string_view name, std::vector<double>& out);
  void read(std::string_view name, std::vector<std::string>& out);
  /// A name from E's table (core/names.hpp); any other text fails with
  /// "unknown WHAT 'x'; did you mean 'y'? (valid: ...)". ${ENV} expanded.
  template <typename E>
  requires std::is_enum_v<E>
  void read(std::string_view name, E& out, std::string_view what) {
    if (auto node = lookup(name)) out = to_name<E>(*node, key_of(name), what);
  }
  template <typename E>
  requires std::is_enum_v<E>
  void read(std::string_view name, std::optional<E>& out, std::string_view what) {
    if (auto node = lookup(name)) out = to_name<E>(*node, key_of(name), what);
  }
  /// A file path: a string, made absolute against SourceMap::base_dir_for.
  void read_path(std::string_view name, std::string& out);
  /// The sub-mapping `name` (empty when absent).
  MapReader section(std::string_view name);
  /// The raw node of `name` (nullopt when absent or null), for values with
  /// several forms.
  std::optional<YAML::Node> take(std::string_view name);
  /// Every entry in file order, for mappings whose keys the user names (heads).
  /// Marks them all as accepted.
  std::vector<std::pair<std::string, YAML::Node>> entries();

  /// Fails on the first key no read, section or take accepted.
  void finish() const;

 private:
  // The value of `name` when present and not null; records `name` as accepted
  // and (when present) as given.
  std::optional<YAML::Node> lookup(std::string_view name);

  template <typename E>
  E to_name(const YAML::Node& node, const std::string& key, std::string_view what) const {
    const std::string text = to_string_value(node, key, *sources_);
    if (const std::optional<E> value = find_name<E>(text)) return *value;
    sources_->fail(key, unknown_name_message(what, text, names_of<E>()));
  }

  YAML::Node node_;
  std::string key_;
  SourceMap* sources_;
  std::vector<std::string> accepted_;
  bool accept_all_ = false;
};

// -- what the other sources of config/ provide to each other --------------------

/// The YAML tree of `yaml_text`; a syntax error is a ConfigError at
/// source_name:line:column.
YAML::Node load_yaml(const std::string& yaml_text, const std::string& source_name);

/// Applies the --set overrides ("key.path=value", value parsed as YAML) to
/// `root`, a mapping, recording them in `sources`.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides,
                     SourceMap& sources);

/// Reads the whole tree into a RunConfig (types and unknown keys; no ranges).
RunConfig read_run_config(const YAML::Node& root, SourceMap& sources);

/// A `model` section on its own (backbone, heads): what a checkpoint stores.
ModelConfig read_model_config(const YAML::Node& root, SourceMap& sources);

/// Checks ranges, names and consistency, failing through `sources`.
void validate(const RunConfig& config, const SourceMap& sources);
/// The checks of the model section alone.
void validate_model(const ModelConfig& model, const SourceMap& sources);

}  // namespace fulcrum::config::detail
