// MapReader and the typed conversions of YAML nodes.
#include "reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "fulcrum/core/error.hpp"
#include "text.hpp"

namespace fulcrum::config::detail {

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing (null)";
  return fmt::format("'{}'", node.Scalar());
}

namespace {

[[noreturn]] void fail_type(const YAML::Node& node, const std::string& key,
                            const SourceMap& sources, std::string_view expected) {
  sources.fail(key, fmt::format("expected {}, got {}", expected, describe(node)), node.Mark());
}

template <class Int>
Int to_integer(const YAML::Node& node, const std::string& key, const SourceMap& sources,
               std::string_view expected) {
  if (!node.IsScalar()) fail_type(node, key, sources, expected);
  std::string_view text = node.Scalar();
  if (text.starts_with('+')) text.remove_prefix(1);
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    fail_type(node, key, sources, expected);
  }
  return value;
}

bool to_bool(const YAML::Node& node, const std::string& key, const SourceMap& sources) {
  static const std::vector<std::string> kTrue{"true", "True", "TRUE", "yes", "Yes", "on", "On"};
  static const std::vector<std::string> kFalse{"false", "False", "FALSE", "no", "No", "off", "Off"};
  if (node.IsScalar() && is_one_of(node.Scalar(), kTrue)) return true;
  if (node.IsScalar() && is_one_of(node.Scalar(), kFalse)) return false;
  fail_type(node, key, sources, "true or false");
}

template <class T, class Convert>
std::vector<T> to_list(const YAML::Node& node, const std::string& key, const SourceMap& sources,
                       std::string_view expected, Convert convert) {
  if (!node.IsSequence()) fail_type(node, key, sources, expected);
  std::vector<T> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    out.push_back(convert(node[i], fmt::format("{}[{}]", key, i)));
  }
  return out;
}

}  // namespace

std::string to_string_value(const YAML::Node& node, const std::string& key,
                            const SourceMap& sources) {
  if (!node.IsScalar()) fail_type(node, key, sources, "a string");
  try {
    return expand_env(node.Scalar());
  } catch (const ValueError& error) {
    sources.fail(key, error.what(), node.Mark());
  }
}

double to_double(const YAML::Node& node, const std::string& key, const SourceMap& sources) {
  if (!node.IsScalar()) fail_type(node, key, sources, "a number");
  std::string_view text = node.Scalar();
  if (text.starts_with('+')) text.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    fail_type(node, key, sources, "a number");
  }
  if (!std::isfinite(value)) fail_type(node, key, sources, "a finite number");
  return value;
}

std::vector<double> to_double_list(const YAML::Node& node, const std::string& key,
                                   const SourceMap& sources) {
  return to_list<double>(node, key, sources, "a list of numbers",
                         [&](const YAML::Node& item, const std::string& item_key) {
                           return to_double(item, item_key, sources);
                         });
}

// -- MapReader -------------------------------------------------------------------

MapReader::MapReader(const YAML::Node& node, std::string key, SourceMap& sources)
    : node_(node), key_(std::move(key)), sources_(&sources) {
  if (!node_.IsDefined() || node_.IsNull()) return;
  if (!node_.IsMap()) {
    sources.fail(key_, fmt::format("expected a mapping of keys, got {}", describe(node_)),
                 node_.Mark());
  }
  // yaml-cpp keeps duplicate keys; a second value would be silently ignored.
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) {
      sources.fail(key_, fmt::format("expected a key name, got {}", describe(entry.first)),
                   entry.first.Mark());
    }
    const std::string& name = entry.first.Scalar();
    if (!seen.insert(name).second) {
      sources.fail(key_of(name), fmt::format("duplicate key '{}'", name), entry.first.Mark());
    }
  }
}

namespace {

// Where messages about a key point: at the key for a section (its value
// starts on the next line), at the value otherwise.
YAML::Mark position(const YAML::Node& key, const YAML::Node& value) {
  return value.IsMap() || value.Mark().is_null() ? key.Mark() : value.Mark();
}

}  // namespace

std::optional<YAML::Node> MapReader::lookup(std::string_view name) {
  if (std::find(accepted_.begin(), accepted_.end(), name) == accepted_.end()) {
    accepted_.emplace_back(name);
  }
  if (!node_.IsMap()) return std::nullopt;
  for (const auto& entry : node_) {
    if (entry.first.Scalar() != name) continue;
    sources_->record(key_of(name), position(entry.first, entry.second));
    if (entry.second.IsNull()) return std::nullopt;
    return entry.second;
  }
  return std::nullopt;
}

void MapReader::read(std::string_view name, std::string& out) {
  if (auto node = lookup(name)) out = to_string_value(*node, key_of(name), *sources_);
}

void MapReader::read(std::string_view name, bool& out) {
  if (auto node = lookup(name)) out = to_bool(*node, key_of(name), *sources_);
}

void MapReader::read(std::string_view name, int64_t& out) {
  if (auto node = lookup(name)) {
    out = to_integer<int64_t>(*node, key_of(name), *sources_, "an integer");
  }
}

void MapReader::read(std::string_view name, uint64_t& out) {
  if (auto node = lookup(name)) {
    out = to_integer<uint64_t>(*node, key_of(name), *sources_, "a non-negative integer");
  }
}

void MapReader::read(std::string_view name, double& out) {
  if (auto node = lookup(name)) out = to_double(*node, key_of(name), *sources_);
}

void MapReader::read(std::string_view name, std::vector<int64_t>& out) {
  if (auto node = lookup(name)) {
    out = to_list<int64_t>(*node, key_of(name), *sources_, "a list of integers",
                           [&](const YAML::Node& item, const std::string& item_key) {
                             return to_integer<int64_t>(item, item_key, *sources_, "an integer");
                           });
  }
}

void MapReader::read(std::string_view name, std::vector<double>& out) {
  if (auto node = lookup(name)) out = to_double_list(*node, key_of(name), *sources_);
}

void MapReader::read(std::string_view name, std::vector<std::string>& out) {
  if (auto node = lookup(name)) {
    out = to_list<std::string>(*node, key_of(name), *sources_, "a list of strings",
                               [&](const YAML::Node& item, const std::string& item_key) {
                                 return to_string_value(item, item_key, *sources_);
                               });
  }
}

void MapReader::read_path(std::string_view name, std::string& out) {
  std::string text;
  read(name, text);
  if (text.empty()) return;
  std::filesystem::path path(text);
  if (path.is_relative()) path = sources_->base_dir_for(key_of(name)) / path;
  out = path.lexically_normal().string();
}

MapReader MapReader::section(std::string_view name) {
  auto node = lookup(name);
  return MapReader(node ? *node : YAML::Node(YAML::NodeType::Undefined), key_of(name), *sources_);
}

std::optional<YAML::Node> MapReader::take(std::string_view name) { return lookup(name); }

std::vector<std::pair<std::string, YAML::Node>> MapReader::entries() {
  accept_all_ = true;
  std::vector<std::pair<std::string, YAML::Node>> out;
  if (!node_.IsMap()) return out;
  for (const auto& entry : node_) {
    const std::string& name = entry.first.Scalar();
    sources_->record(key_of(name), position(entry.first, entry.second));
    out.emplace_back(name, entry.second);
  }
  return out;
}

void MapReader::finish() const {
  if (accept_all_ || !node_.IsMap()) return;
  for (const auto& entry : node_) {
    const std::string& name = entry.first.Scalar();
    if (is_one_of(name, accepted_)) continue;
    const std::string where =
        key_.empty() ? std::string("at the top level") : fmt::format("in '{}'", key_);
    sources_->fail(key_of(name),
                   fmt::format("unknown key '{}' {}{} (valid keys: {})", name, where,
                               did_you_mean(name, accepted_), join_names(accepted_)),
                   entry.first.Mark(), /*name_key=*/false);
  }
}

}  // namespace fulcrum::config::detail
