#include <utility>

#include "fulcrum/config/config_error.hpp"

namespace fulcrum::config {

ConfigError::ConfigError(const std::string& message, std::string file, int line, int column,
                         std::string key, std::string override_text)
    : Error(message),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)),
      override_text_(std::move(override_text)) {}

}  // namespace fulcrum::config
