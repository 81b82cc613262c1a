// load_experiment / parse_experiment: the experiment YAML, read with the run
// config loader's MapReader so that its errors look the same (file:line:column,
// key path, "did you mean"), then each strategy's run config built once.
#include "fulcrum/experiment/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "fulcrum/config/loader.hpp"
#include "reader.hpp"

namespace fulcrum::experiment {

namespace {

// Keys a strategy may not override: the experiment sets them for every run.
const std::vector<std::string>& reserved_keys() {
  static const std::vector<std::string> keys{"seed", "threads", "output_dir"};
  return keys;
}

std::string trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

// "key.path = value" -> "key.path=value": how ConfigError::override_text()
// spells an override, to find which list item a loader error came from.
std::string normalized_override(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) return trim(text);
  return trim(std::string_view(text).substr(0, equals)) + "=" + text.substr(equals + 1);
}

std::string override_key(const std::string& text) {
  return trim(std::string_view(text).substr(0, text.find('=')));
}

bool safe_file_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

// The key of the list item that holds `text` among the experiment's `set`
// and the strategy's, or "" when neither does.
std::string override_item_key(const ExperimentConfig& config, size_t strategy_index,
                              const std::string& text) {
  const std::string wanted = normalized_override(text);
  for (size_t i = 0; i < config.overrides.size(); ++i) {
    if (normalized_override(config.overrides[i]) == wanted) return fmt::format("set[{}]", i);
  }
  const auto& own = config.strategies[strategy_index].overrides;
  for (size_t i = 0; i < own.size(); ++i) {
    if (normalized_override(own[i]) == wanted) {
      return fmt::format("strategies[{}].set[{}]", strategy_index, i);
    }
  }
  return {};
}

// Builds the base config with the experiment's `set`, then every strategy's
// run config once; a ConfigError is re-thrown at the experiment key it came
// from (the override's list item when there is one), naming the strategy.
void check_runs(const ExperimentConfig& config, const config::detail::SourceMap& sources) {
  config::RunConfig base;
  try {
    std::vector<std::string> overrides = config.overrides;
    overrides.push_back(fmt::format("seed={}", config.seeds.front()));
    base = config::load_config(config.base, overrides);
  } catch (const config::ConfigError& error) {
    std::string key = "base";
    if (!error.override_text().empty()) {
      for (size_t i = 0; i < config.overrides.size(); ++i) {
        if (normalized_override(config.overrides[i]) ==
            normalized_override(error.override_text())) {
          key = fmt::format("set[{}]", i);
        }
      }
    }
    sources.fail(key, error.what());
  }
  if (base.data.test.empty() && base.data.test_fraction <= 0.0) {
    sources.fail("base", fmt::format("{} has no test split, and an experiment compares "
                                     "strategies on it: give data.test or "
                                     "data.test_fraction > 0",
                                     config.base.string()));
  }
  config::check_files_exist(base);

  for (size_t s = 0; s < config.strategies.size(); ++s) {
    const StrategyConfig& strategy = config.strategies[s];
    try {
      config::load_config(config.base, run_overrides(config, strategy, config.seeds.front()));
    } catch (const config::ConfigError& error) {
      std::string key = fmt::format("strategies[{}]", s);
      if (!error.override_text().empty()) {
        const std::string item = override_item_key(config, s, error.override_text());
        if (!item.empty()) key = item;
      }
      sources.fail(key, fmt::format("strategy '{}': {}", strategy.name, error.what()));
    }
  }
}

// The `set` list at `key`, each item checked for a reserved key.
std::vector<std::string> read_overrides(config::detail::MapReader& reader, const std::string& key) {
  std::vector<std::string> overrides;
  const std::optional<YAML::Node> list = reader.take("set");
  if (list) {
    if (!list->IsSequence()) {
      reader.sources().fail(key,
                            fmt::format("expected a list of key.path=value overrides, got {}",
                                        config::detail::describe(*list)),
                            list->Mark());
    }
    for (size_t i = 0; i < list->size(); ++i) {
      // Each item's position, so that an error in it points at its line.
      const std::string item_key = fmt::format("{}[{}]", key, i);
      reader.sources().record(item_key, (*list)[i].Mark());
      overrides.push_back(config::detail::to_string_value((*list)[i], item_key, reader.sources()));
    }
  }
  for (size_t i = 0; i < overrides.size(); ++i) {
    const std::string name = override_key(overrides[i]);
    for (const std::string& reserved : reserved_keys()) {
      if (name != reserved) continue;
      reader.sources().fail(
          fmt::format("{}[{}]", key, i),
          fmt::format("'{}' is set by the experiment for every run ({}); remove this override",
                      name,
                      name == "seed"      ? "from the `seeds` list"
                      : name == "threads" ? "from `threads_per_run`"
                                          : "under its output_dir/runs/"));
    }
  }
  return overrides;
}

}  // namespace

std::vector<std::string> run_overrides(const ExperimentConfig& config,
                                       const StrategyConfig& strategy, uint64_t seed) {
  std::vector<std::string> overrides = config.overrides;
  overrides.insert(overrides.end(), strategy.overrides.begin(), strategy.overrides.end());
  overrides.push_back(fmt::format("seed={}", seed));
  overrides.push_back(fmt::format("threads={}", config.threads_per_run));
  return overrides;
}

int64_t effective_parallelism(const ExperimentConfig& config) {
  if (config.parallel > 0) return config.parallel;
  const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
  return std::max<int64_t>(1, cores / std::max<int64_t>(1, config.threads_per_run));
}

ExperimentConfig parse_experiment(const std::string& yaml_text, const std::string& source_name,
                                  const std::vector<std::string>& overrides) {
  const std::filesystem::path source_path(source_name);
  const std::filesystem::path base_dir = source_path.parent_path().empty()
                                             ? std::filesystem::current_path()
                                             : std::filesystem::absolute(source_path.parent_path());
  config::detail::SourceMap sources(source_name, base_dir);
  YAML::Node root = config::detail::load_yaml(yaml_text, source_name);
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    sources.fail("",
                 fmt::format("an experiment config is a mapping of keys (base, seeds, "
                             "strategies, ...), got {}",
                             config::detail::describe(root)),
                 root.Mark());
  }
  config::detail::apply_overrides(root, overrides, sources);

  ExperimentConfig config;
  config.source_path = source_name;
  config.name = source_path.stem().string();
  config::detail::MapReader reader(root, "", sources);
  reader.read("name", config.name);
  std::string base;
  reader.read_path("base", base);
  std::string output_dir;
  reader.read("output_dir", output_dir);
  std::vector<int64_t> seeds;
  reader.read("seeds", seeds);
  reader.read("parallel", config.parallel);
  reader.read("threads_per_run", config.threads_per_run);
  config.overrides = read_overrides(reader, "set");
  const std::optional<YAML::Node> strategies = reader.take("strategies");
  if (strategies) {
    if (!strategies->IsSequence()) {
      sources.fail("strategies",
                   fmt::format("expected a list of {{name, set}} entries, got {}",
                               config::detail::describe(*strategies)),
                   strategies->Mark());
    }
    for (size_t i = 0; i < strategies->size(); ++i) {
      const YAML::Node item = (*strategies)[i];
      const std::string key = fmt::format("strategies[{}]", i);
      sources.record(key, item.Mark());
      if (!item.IsMap()) {
        sources.fail(key,
                     fmt::format("expected a mapping {{name: ..., set: [...]}}, got {}",
                                 config::detail::describe(item)),
                     item.Mark());
      }
      config::detail::MapReader entry(item, key, sources);
      StrategyConfig strategy;
      entry.read("name", strategy.name);
      strategy.overrides = read_overrides(entry, key + ".set");
      entry.finish();
      config.strategies.push_back(std::move(strategy));
    }
  }
  reader.finish();

  // -- values ------------------------------------------------------------------
  if (base.empty()) sources.fail("base", "missing: the run config every run starts from");
  config.base = base;
  if (!std::filesystem::is_regular_file(config.base)) {
    sources.fail("base", fmt::format("config file not found: {}", config.base.string()));
  }
  config.output_dir = output_dir.empty() ? "runs/experiments/" + config.name : output_dir;
  if (seeds.empty()) sources.fail("seeds", "missing or empty: give a list such as [0, 1, 2]");
  std::set<int64_t> seen_seeds;
  for (size_t i = 0; i < seeds.size(); ++i) {
    const std::string key = fmt::format("seeds[{}]", i);
    if (seeds[i] < 0) sources.fail(key, fmt::format("must be >= 0, got {}", seeds[i]));
    if (!seen_seeds.insert(seeds[i]).second) {
      sources.fail(key, fmt::format("seed {} is listed twice", seeds[i]));
    }
    config.seeds.push_back(static_cast<uint64_t>(seeds[i]));
  }
  if (config.parallel < 0) {
    sources.fail("parallel", fmt::format("must be >= 0 (0: as many as the cores allow), got {}",
                                         config.parallel));
  }
  if (config.threads_per_run < 1) {
    sources.fail("threads_per_run", fmt::format("must be >= 1, got {}", config.threads_per_run));
  }
  if (config.strategies.empty()) {
    sources.fail("strategies", "missing or empty: give at least one {name, set} entry");
  }
  std::set<std::string> seen_names;
  for (size_t i = 0; i < config.strategies.size(); ++i) {
    const std::string& name = config.strategies[i].name;
    const std::string key = fmt::format("strategies[{}].name", i);
    if (name.empty()) sources.fail(fmt::format("strategies[{}]", i), "missing name");
    if (!safe_file_name(name)) {
      sources.fail(key, fmt::format("'{}' cannot name a directory: use letters, digits, '_', "
                                    "'-' and '.' (not first)",
                                    name));
    }
    if (!seen_names.insert(name).second) {
      sources.fail(key, fmt::format("strategy '{}' is defined twice", name));
    }
  }
  check_runs(config, sources);
  return config;
}

ExperimentConfig load_experiment(const std::filesystem::path& file,
                                 const std::vector<std::string>& overrides) {
  const std::string name = file.string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    throw config::ConfigError(fmt::format("experiment config file not found: {}", name), name, 0, 0,
                              "");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    throw config::ConfigError(fmt::format("cannot read config file: {}", name), name, 0, 0, "");
  return parse_experiment(text.str(), name, overrides);
}

}  // namespace fulcrum::experiment
