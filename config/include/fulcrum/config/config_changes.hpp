#pragma once
// What differs between two run configs, setting by setting, and which of
// those settings a resumed run may change: `fulcrum train --resume` with an
// edited config says what it changes, and refuses what would make the saved
// weights, data splits or optimizer state mean something else.

#include <string>
#include <vector>

namespace fulcrum::config {

/// Represents: one setting that differs, by its dotted key path
/// ("training.optimizer.lr"), with its value before and after as YAML text
/// ("0.001", "[256, 128]"); "(not set)" where one side lacks the key.
struct ConfigChange {
  std::string key;
  std::string before;
  std::string after;

  friend bool operator==(const ConfigChange&, const ConfigChange&) = default;
};

/// The settings that differ between two configs as to_yaml writes them, in
/// the order of `after` (then keys only `before` has). Mappings are compared
/// key by key, anything else (numbers, strings, lists) as a whole.
/// Throws ConfigError naming `before_source` / `after_source` when one is not
/// valid YAML.
std::vector<ConfigChange> config_changes(const std::string& before_yaml,
                                         const std::string& after_yaml,
                                         const std::string& before_source = "the saved config",
                                         const std::string& after_source = "the config");

/// Whether a run may be resumed with setting `key` changed. Not: the model's
/// shape (model.backbone.sizes / activation, a head's kind or outputs, adding
/// or removing a head), what the data is and how it is split (seed,
/// data.source, the columns and labels read, the validation and test
/// fractions, the synthetic data's settings) and the optimizer's kind.
/// Anything else may change; training.epochs only to at least the epochs
/// already completed (the trainer checks that).
bool may_change_on_resume(const std::string& key);

/// "  key: before -> after" per change, one line each.
std::string format_changes(const std::vector<ConfigChange>& changes);

}  // namespace fulcrum::config
