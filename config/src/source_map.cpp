// SourceMap: where each key of a config came from, for error messages.
#include <fmt/format.h>

#include "fulcrum/config/config_error.hpp"
#include "reader.hpp"

namespace fulcrum::config::detail {

std::string parent_key(const std::string& key) {
  const std::size_t cut = key.find_last_of(".[");
  return cut == std::string::npos ? std::string{} : key.substr(0, cut);
}

std::string child_key(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : fmt::format("{}.{}", parent, name);
}

SourceMap::SourceMap(std::string source, std::filesystem::path base_dir)
    : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

void SourceMap::record(const std::string& key, const YAML::Mark& mark) { marks_[key] = mark; }

void SourceMap::record_override(const std::string& key, const std::string& text) {
  overrides_[key] = text;
}

bool SourceMap::given(const std::string& key) const {
  return marks_.count(key) != 0 || overrides_.count(key) != 0;
}

const std::string* SourceMap::override_for(const std::string& key) const {
  for (std::string k = key; !k.empty(); k = parent_key(k)) {
    const auto it = overrides_.find(k);
    if (it != overrides_.end()) return &it->second;
  }
  return nullptr;
}

std::filesystem::path SourceMap::base_dir_for(const std::string& key) const {
  if (override_for(key) != nullptr || base_dir_.empty()) return std::filesystem::current_path();
  return base_dir_;
}

void SourceMap::fail(const std::string& key, const std::string& message, const YAML::Mark& mark,
                     bool name_key) const {
  if (const std::string* text = override_for(key)) {
    // The override names its own key; name the key only when it is another
    // (a key inside the value the override set).
    const std::string override_key = text->substr(0, text->find('='));
    const bool say_key = name_key && key != override_key;
    throw ConfigError(say_key ? fmt::format("--set {}: {}: {}", *text, key, message)
                              : fmt::format("--set {}: {}", *text, message),
                      source_, 0, 0, key, *text);
  }
  YAML::Mark where = mark;
  for (std::string k = key; where.is_null() && !k.empty(); k = parent_key(k)) {
    const auto it = marks_.find(k);
    if (it != marks_.end()) where = it->second;
  }
  const int line = where.is_null() ? 0 : where.line + 1;
  const int column = where.is_null() ? 0 : where.column + 1;
  std::string location = source_;
  if (!location.empty() && line > 0) location += fmt::format(":{}:{}", line, column);
  std::string what;
  if (!location.empty()) what = location + ": ";
  if (name_key && !key.empty()) what += key + ": ";
  what += message;
  throw ConfigError(what, source_, line, column, key);
}

}  // namespace fulcrum::config::detail
