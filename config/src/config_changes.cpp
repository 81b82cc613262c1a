// Setting-by-setting differences between two configs (config_changes.hpp).
#include "fulcrum/config/config_changes.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "fulcrum/config/config_error.hpp"

namespace fulcrum::config {

namespace {

constexpr const char* kNotSet = "(not set)";

using Leaves = std::vector<std::pair<std::string, std::string>>;

// A node as one line of YAML: lists and mappings in flow style.
std::string flow_text(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

void flatten(const YAML::Node& node, const std::string& prefix, Leaves& leaves) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      flatten(entry.second, prefix.empty() ? key : prefix + "." + key, leaves);
    }
    return;
  }
  leaves.emplace_back(prefix, flow_text(node));
}

Leaves leaves_of(const std::string& yaml, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: not valid YAML: {}", source, e.what()), source,
                      e.mark.line + 1, e.mark.column + 1, "");
  }
  Leaves leaves;
  flatten(root, "", leaves);
  return leaves;
}

const std::string* find(const Leaves& leaves, const std::string& key) {
  const auto it = std::find_if(leaves.begin(), leaves.end(),
                               [&](const auto& leaf) { return leaf.first == key; });
  return it == leaves.end() ? nullptr : &it->second;
}

bool starts_with_key(std::string_view key, std::string_view prefix) {
  return key == prefix ||
         (key.starts_with(prefix) && key.size() > prefix.size() && key[prefix.size()] == '.');
}

}  // namespace

std::vector<ConfigChange> config_changes(const std::string& before_yaml,
                                         const std::string& after_yaml,
                                         const std::string& before_source,
                                         const std::string& after_source) {
  const Leaves before = leaves_of(before_yaml, before_source);
  const Leaves after = leaves_of(after_yaml, after_source);
  std::vector<ConfigChange> changes;
  for (const auto& [key, value] : after) {
    const std::string* old = find(before, key);
    if (old == nullptr || *old != value) changes.push_back({key, old ? *old : kNotSet, value});
  }
  for (const auto& [key, value] : before) {
    if (find(after, key) == nullptr) changes.push_back({key, value, kNotSet});
  }
  return changes;
}

bool may_change_on_resume(const std::string& key) {
  // Whole subtrees that fix the model's inputs and outputs or the data split.
  static constexpr std::array<std::string_view, 14> kFixed{
      "seed",
      "model.backbone.sizes",
      "model.backbone.activation",
      "data.source",
      "data.synthetic",
      "data.features",
      "data.targets",
      "data.label_count",
      "data.labels_xml",
      "data.drop",
      "data.header",
      "data.validation_fraction",
      "data.test_fraction",
      "training.optimizer.name",
  };
  for (const std::string_view prefix : kFixed) {
    if (starts_with_key(key, prefix)) return false;
  }
  // model.heads.NAME.kind / outputs, and a head added or removed (then its
  // every key changes, kind included).
  if (key.starts_with("model.heads.")) {
    const std::string_view rest =
        std::string_view(key).substr(std::string_view("model.heads.").size());
    const size_t dot = rest.find('.');
    const std::string_view setting = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
    return setting != "" && setting != "kind" && setting != "outputs";
  }
  return true;
}

std::string format_changes(const std::vector<ConfigChange>& changes) {
  std::string out;
  for (const ConfigChange& change : changes) {
    out += fmt::format("  {}: {} -> {}\n", change.key, change.before, change.after);
  }
  return out;
}

}  // namespace fulcrum::config
