// --set key.path=value: changes to the YAML tree, applied before it is read.
#include <fmt/format.h>

#include "fulcrum/config/config_error.hpp"
#include "reader.hpp"
#include "text.hpp"

namespace fulcrum::config::detail {

namespace {

std::string trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides,
                     SourceMap& sources) {
  for (const std::string& raw : overrides) {
    const std::size_t equals = raw.find('=');
    const std::string key = trim(std::string_view(raw).substr(0, equals));
    const auto fail = [&](const std::string& message) {
      throw ConfigError(fmt::format("--set {}: {}", raw, message), sources.source(), 0, 0, key,
                        raw);
    };
    if (equals == std::string::npos) fail("expected key.path=value, e.g. training.epochs=5");
    const std::vector<std::string> parts = split_key(key);
    for (const auto& part : parts) {
      if (part.empty()) fail(fmt::format("the key path '{}' has an empty part", key));
    }
    // The text messages show; it starts with the trimmed key (SourceMap::fail relies on it).
    const std::string text = key + "=" + raw.substr(equals + 1);

    if (const auto bad = first_invalid_utf8(raw))
      fail(fmt::format("not valid UTF-8 (byte 0x{:02X} at offset {}); a config must be UTF-8",
                       static_cast<unsigned char>(raw[*bad]), *bad));
    YAML::Node value;
    try {
      value = YAML::Load(raw.substr(equals + 1));
    } catch (const YAML::Exception& error) {
      fail(fmt::format("the value is not valid YAML: {}", error.msg));
    }

    // Walk to the parent mapping, creating the sections the file does not have.
    // (Node handles alias the tree: rebind them with reset(), never assign.)
    YAML::Node current;
    current.reset(root);
    std::string path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (!current.IsMap()) {
        fail(fmt::format("'{}' is {}, not a section with keys", path, describe(current)));
      }
      path = child_key(path, parts[i]);
      YAML::Node child = current[parts[i]];
      if (!child.IsDefined() || child.IsNull()) {
        current[parts[i]] = YAML::Node(YAML::NodeType::Map);
        child.reset(current[parts[i]]);
        sources.record_override(path, text);
      }
      current.reset(child);
    }
    if (!current.IsMap()) {
      fail(fmt::format("'{}' is {}, not a section with keys", path, describe(current)));
    }
    current[parts.back()] = value;
    sources.record_override(key, text);
  }
}

}  // namespace fulcrum::config::detail
