#pragma once
// ConfigError: what the config loader throws for a config it cannot use.

#include <string>

#include "fulcrum/core/error.hpp"

namespace fulcrum::config {

/// Represents: one problem in a run config, with where it is, so that the user
/// can go straight to it. what() is the whole message, in the compiler style
///   configs/x.yaml:7:15: model.backbone.dropout: must be in [0, 1), got 1.5
///   --set training.epochs=abc: expected an integer, got 'abc'
///   config file not found: configs/nope.yaml
/// Ensures: line() and column() are 1-based, 0 when unknown (a hand-made
/// RunConfig, a value given with --set, a missing file); key() is the dotted key
/// path ("model.heads.labels.kind"), empty for whole-file problems;
/// override_text() is the `key=value` of the --set the value came from, if any.
class ConfigError : public Error {
 public:
  ConfigError(const std::string& message, std::string file, int line, int column, std::string key,
              std::string override_text = {});

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key() const { return key_; }
  const std::string& override_text() const { return override_text_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_;
  std::string override_text_;
};

}  // namespace fulcrum::config
