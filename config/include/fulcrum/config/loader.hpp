#pragma once
// Reading, checking and writing run configs (configs/*.yaml).
//
// A config file is YAML whose keys are the field names of RunConfig
// (config.hpp); configs/quickstart.yaml is a commented example. The whole
// file is checked before anything runs: an unknown key, a value of the wrong
// type or out of range, an unknown name is a ConfigError that names the file,
// line, column and key path, suggests the nearest valid key, and lists the
// valid names.
//
// Besides the plain field-per-key mapping, a few forms are accepted:
// - model.heads, data.synthetic.heads and data.targets are mappings from a head
//   name to its settings; heads keep the order of the file.
// - A loss weight (loss.weight, loss.pos_weight) is a rule name
//   (none | neg_over_pos | inverse_frequency) or a list of numbers.
// - Any string may use ${NAME} or ${NAME:-default} to read an environment
//   variable (the default is used when NAME is unset or empty).
// - data.train and data.test, when relative, are relative to the directory of
//   the config file (to the working directory when given with --set), and are
//   stored as absolute paths.
// - A key that is absent or null (`key:` with no value) keeps its default.
//   `name` defaults to the file's stem (quickstart.yaml: quickstart) and
//   `output_dir` to runs/<name>.

#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/run_config.hpp"

namespace fulcrum::config {

/// Reads, overrides and validates a config file.
/// `overrides` are the CLI's `--set key.path=value` settings (without
/// "--set"): value is YAML, so `model.backbone.sizes=[64,32]` sets a list; each
/// replaces the key in the file's tree, in order, before anything is checked.
/// Throws ConfigError: file not found, YAML syntax, unknown key (also in an
/// override), wrong type, value out of range, unknown name, inconsistent
/// settings (see validate_config).
/// Does not check that data files exist (see check_files_exist).
RunConfig load_config(const std::filesystem::path& file,
                      const std::vector<std::string>& overrides = {});

/// As load_config, from YAML text. `source_name` names it in messages and is
/// the file whose directory relative data paths are relative to (relative to
/// the working directory when it has no directory part).
RunConfig parse_config(const std::string& yaml_text, const std::string& source_name,
                       const std::vector<std::string>& overrides = {});

/// Checks a RunConfig's values and their consistency: ranges (epochs >= 1,
/// dropout in [0, 1), lr > 0, ...), names (optimizer, schedule, activation,
/// kind, reduction, weight rule), at least one head, kind-specific options
/// (pos_weight and threshold are for multilabel heads, label_smoothing and
/// ignore_index for multiclass heads), data.targets / data.synthetic.heads
/// matching model.heads, the early-stopping metric naming a head, loss.kind
/// by head kind (pos_weight and weight with bce only; each kind's settings
/// with that kind only), data.sampling, evaluation.threshold_tuning (needs a
/// validation split and a multilabel head).
/// load_config and parse_config call it; call it on a RunConfig filled by hand.
/// Throws ConfigError naming the key (no line: there is no file).
void validate_config(const RunConfig& config);

/// A `model` section on its own (the mapping of backbone and heads that
/// to_yaml(ModelConfig) writes), read and checked as in a whole config.
/// Throws ConfigError naming `source_name`, the line and the key.
ModelConfig parse_model_config(const std::string& yaml_text, const std::string& source_name);

/// Throws ConfigError naming the key and the path when a data file the config
/// reads (data.train, data.test, data.labels_xml) does not exist or is not a regular file.
void check_files_exist(const RunConfig& config);

/// The config as YAML that parse_config reads back into an equal RunConfig
/// (every field written, except the ones that only apply to the other head
/// kind); what the trainer stores in checkpoints.
std::string to_yaml(const RunConfig& config);

/// The model section alone, as parse_model_config reads it back: the
/// architecture a checkpoint stores.
std::string to_yaml(const ModelConfig& model);

}  // namespace fulcrum::config
