// load_experiment / parse_experiment: the experiment YAML, read with the run
// config loader's MapReader so that its errors look the same (file:line:column,
// key path, "did you mean"), then each strategy's run config built once.
#include "fulcrum/experiment/config.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <fstream>
#include <functional>
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

// How check_runs names the experiment keys an error came from: `base`, and
// the list item behind override i of config.overrides (the experiment's `set`
// and, for a data set, its own after it).
struct RunKeys {
  std::string base = "base";
  std::function<std::string(size_t)> set_item = [](size_t i) { return fmt::format("set[{}]", i); };
};

// The key of the list item that holds `text` among the experiment's `set`
// and the strategy's, or "" when neither does.
std::string override_item_key(const ExperimentConfig& config, size_t strategy_index,
                              const std::string& text, const RunKeys& keys) {
  const std::string wanted = normalized_override(text);
  for (size_t i = 0; i < config.overrides.size(); ++i) {
    if (normalized_override(config.overrides[i]) == wanted) return keys.set_item(i);
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
void check_runs(const ExperimentConfig& config, const config::detail::SourceMap& sources,
                const RunKeys& keys = {}) {
  config::RunConfig base;
  try {
    std::vector<std::string> overrides = config.overrides;
    overrides.push_back(fmt::format("seed={}", config.seeds.front()));
    base = config::load_config(config.base, overrides);
  } catch (const config::ConfigError& error) {
    std::string key = keys.base;
    if (!error.override_text().empty()) {
      for (size_t i = 0; i < config.overrides.size(); ++i) {
        if (normalized_override(config.overrides[i]) ==
            normalized_override(error.override_text())) {
          key = keys.set_item(i);
        }
      }
    }
    sources.fail(key, error.what());
  }
  if (base.data.test.empty() && base.data.test_fraction <= 0.0) {
    sources.fail(keys.base, fmt::format("{} has no test split, and an experiment compares "
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
        const std::string item = override_item_key(config, s, error.override_text(), keys);
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

// The datasets list: names and base files (the runs are checked later).
void check_datasets(const ExperimentConfig& config, const config::detail::SourceMap& sources) {
  std::set<std::string> seen;
  if (config.datasets.empty() && config.base.empty()) {
    sources.fail("datasets", "empty: give at least one {name, base} entry");
  }
  for (size_t i = 0; i < config.datasets.size(); ++i) {
    const DatasetConfig& dataset = config.datasets[i];
    const std::string key = fmt::format("datasets[{}]", i);
    if (dataset.name.empty()) sources.fail(key, "missing name");
    if (!safe_file_name(dataset.name)) {
      sources.fail(key + ".name", fmt::format("'{}' cannot name a directory: use letters, digits, "
                                              "'_', '-' and '.' (not first)",
                                              dataset.name));
    }
    if (!seen.insert(dataset.name).second) {
      sources.fail(key + ".name", fmt::format("data set '{}' is listed twice", dataset.name));
    }
    if (dataset.base.empty()) {
      sources.fail(key, fmt::format("data set '{}': missing base (its run config)", dataset.name));
    }
    if (!std::filesystem::is_regular_file(dataset.base)) {
      sources.fail(key + ".base", fmt::format("data set '{}': config file not found: {}",
                                              dataset.name, dataset.base.string()));
    }
  }
}

}  // namespace

std::vector<ExperimentConfig> dataset_experiments(const ExperimentConfig& config) {
  std::vector<ExperimentConfig> experiments;
  for (const DatasetConfig& dataset : config.datasets) {
    ExperimentConfig one = config;
    one.datasets.clear();
    one.name = config.name + "/" + dataset.name;
    one.base = dataset.base;
    one.output_dir = config.output_dir / dataset.name;
    one.overrides.insert(one.overrides.end(), dataset.overrides.begin(), dataset.overrides.end());
    experiments.push_back(std::move(one));
  }
  return experiments;
}

std::vector<std::string> run_overrides(const ExperimentConfig& config,
                                       const StrategyConfig& strategy, uint64_t seed) {
  std::vector<std::string> overrides = config.overrides;
  overrides.insert(overrides.end(), strategy.overrides.begin(), strategy.overrides.end());
  overrides.push_back(fmt::format("seed={}", seed));
  overrides.push_back(fmt::format("threads={}", config.threads_per_run));
  return overrides;
}

// All of the machine's cores, unless a launcher (mpirun, taskset, a batch
// system) bound the process to fewer.
int64_t usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int64_t cores = sched_getaffinity(0, sizeof(set), &set) == 0
                            ? CPU_COUNT(&set)
                            : static_cast<int64_t>(std::thread::hardware_concurrency());
  return std::max<int64_t>(1, cores);
}

int64_t effective_parallelism(const ExperimentConfig& config) {
  if (config.parallel > 0) return config.parallel;
  const int64_t cores = usable_cores();
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
  const std::optional<YAML::Node> datasets = reader.take("datasets");
  if (datasets) {
    if (!datasets->IsSequence()) {
      sources.fail("datasets",
                   fmt::format("expected a list of {{name, base, set}} entries, got {}",
                               config::detail::describe(*datasets)),
                   datasets->Mark());
    }
    for (size_t i = 0; i < datasets->size(); ++i) {
      const YAML::Node item = (*datasets)[i];
      const std::string key = fmt::format("datasets[{}]", i);
      sources.record(key, item.Mark());
      if (!item.IsMap()) {
        sources.fail(key,
                     fmt::format("expected a mapping {{name: ..., base: ..., set: [...]}}, got {}",
                                 config::detail::describe(item)),
                     item.Mark());
      }
      config::detail::MapReader entry(item, key, sources);
      DatasetConfig dataset;
      entry.read("name", dataset.name);
      std::string dataset_base;
      entry.read_path("base", dataset_base);
      dataset.base = dataset_base;
      dataset.overrides = read_overrides(entry, key + ".set");
      entry.finish();
      config.datasets.push_back(std::move(dataset));
    }
  }
  reader.finish();

  // -- values ------------------------------------------------------------------
  if (datasets && !base.empty()) {
    sources.fail("base",
                 "give either base (one data set) or datasets (several), not both: each data set "
                 "names its own base");
  }
  if (!datasets) {
    if (base.empty()) {
      sources.fail("base", "missing: the run config every run starts from (or a datasets list)");
    }
    config.base = base;
    if (!std::filesystem::is_regular_file(config.base)) {
      sources.fail("base", fmt::format("config file not found: {}", config.base.string()));
    }
  }
  check_datasets(config, sources);
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
  if (config.datasets.empty()) {
    check_runs(config, sources);
  } else {
    const std::vector<ExperimentConfig> experiments = dataset_experiments(config);
    for (size_t d = 0; d < experiments.size(); ++d) {
      RunKeys keys;
      keys.base = fmt::format("datasets[{}].base", d);
      keys.set_item = [&config, d](size_t i) {
        return i < config.overrides.size()
                   ? fmt::format("set[{}]", i)
                   : fmt::format("datasets[{}].set[{}]", d, i - config.overrides.size());
      };
      check_runs(experiments[d], sources, keys);
    }
  }
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
