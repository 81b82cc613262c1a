// load_config / parse_config: text -> YAML tree -> overrides -> RunConfig -> checks.
#include "fulcrum/config/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "reader.hpp"
#include "text.hpp"

namespace fulcrum::config {

namespace {

std::filesystem::path base_dir_of(const std::string& source_name) {
  const std::filesystem::path parent = std::filesystem::path(source_name).parent_path();
  return parent.empty() ? std::filesystem::current_path() : std::filesystem::absolute(parent);
}

}  // namespace

namespace detail {

YAML::Node load_yaml(const std::string& yaml_text, const std::string& source_name) {
  // YAML is Unicode text. yaml-cpp passes stray bytes of a plain scalar
  // through but turns those of a quoted one into U+FFFD, so such a config
  // would not read back as written, and the checkpoint metadata that stores
  // it (JSON) refuses it at the end of the training.
  if (const auto bad = first_invalid_utf8(yaml_text)) {
    const std::string_view before = std::string_view(yaml_text).substr(0, *bad);
    const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n') + 1);
    const auto column = static_cast<int>(*bad - (before.rfind('\n') + 1) + 1);
    throw ConfigError(
        fmt::format("{}:{}:{}: the text is not valid UTF-8 (byte 0x{:02X}); a config must be "
                    "UTF-8",
                    source_name, line, column, static_cast<unsigned char>(yaml_text[*bad])),
        source_name, line, column, "");
  }
  try {
    return YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    const int line = error.mark.is_null() ? 0 : error.mark.line + 1;
    const int column = error.mark.is_null() ? 0 : error.mark.column + 1;
    throw ConfigError(
        fmt::format("{}:{}:{}: YAML syntax error: {}", source_name, line, column, error.msg),
        source_name, line, column, "");
  }
}

}  // namespace detail

RunConfig parse_config(const std::string& yaml_text, const std::string& source_name,
                       const std::vector<std::string>& overrides) {
  detail::SourceMap sources(source_name, base_dir_of(source_name));
  YAML::Node root = detail::load_yaml(yaml_text, source_name);
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    sources.fail("",
                 fmt::format("a config is a mapping of keys (name, data, model, training, "
                             "...), got {}",
                             detail::describe(root)),
                 root.Mark());
  }
  detail::apply_overrides(root, overrides, sources);

  RunConfig config = detail::read_run_config(root, sources);
  config.source_path = source_name;
  const std::filesystem::path source_path(source_name);
  const std::string extension = source_path.extension().string();
  if (!sources.given("name") && (extension == ".yaml" || extension == ".yml")) {
    config.name = source_path.stem().string();
  }
  if (!sources.given("output_dir")) {
    config.output_dir = "runs/" + config.name;
  } else {
    // An absolute output_dir says where it goes; a relative one must not
    // climb out of the working directory through "..".
    const std::filesystem::path dir(config.output_dir);
    const std::filesystem::path normal = dir.lexically_normal();
    if (dir.is_relative() && !normal.empty() && *normal.begin() == "..") {
      sources.fail("output_dir", fmt::format("'{}' leaves the working directory through '..'; "
                                             "give an absolute path to write elsewhere",
                                             config.output_dir));
    }
  }
  detail::validate(config, sources);
  return config;
}

ModelConfig parse_model_config(const std::string& yaml_text, const std::string& source_name) {
  detail::SourceMap sources(source_name, base_dir_of(source_name));
  const YAML::Node root = detail::load_yaml(yaml_text, source_name);
  if (!root.IsMap()) {
    sources.fail(
        "",
        fmt::format("a model is a mapping of backbone and heads, got {}", detail::describe(root)),
        root.Mark());
  }
  ModelConfig model = detail::read_model_config(root, sources);
  detail::validate_model(model, sources);
  return model;
}

RunConfig load_config(const std::filesystem::path& file,
                      const std::vector<std::string>& overrides) {
  const std::string name = file.string();
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    throw ConfigError(fmt::format("config file not found: {}", name), name, 0, 0, "");
  }
  if (!std::filesystem::is_regular_file(file, error)) {
    throw ConfigError(fmt::format("config path is not a file: {}", name), name, 0, 0, "");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw ConfigError(fmt::format("cannot read config file: {}", name), name, 0, 0, "");
  return parse_config(text.str(), name, overrides);
}

void check_files_exist(const RunConfig& config) {
  if (config.data.source == data::DataSource::Synthetic) return;
  const std::pair<const char*, const std::string*> files[] = {
      {"data.train", &config.data.train},
      {"data.test", &config.data.test},
      {"data.labels_xml", &config.data.labels_xml}};
  for (const auto& [key, path] : files) {
    if (path->empty()) continue;
    std::error_code error;
    if (std::filesystem::is_regular_file(*path, error)) continue;
    const bool exists = std::filesystem::exists(*path, error);
    const std::string prefix =
        config.source_path.empty() ? std::string{} : config.source_path + ": ";
    throw ConfigError(fmt::format("{}{}: {}: {}", prefix, key,
                                  exists ? "not a regular file" : "file not found", *path),
                      config.source_path, 0, 0, key);
  }
}

}  // namespace fulcrum::config
