// A config fuzz input: the YAML text of a run config.

#include <string>

#include "fulcrum/config/loader.hpp"
#include "fuzz_input_support.hpp"

namespace fulcrum::fuzz {

void read_config_input(Input input) {
  const std::string text(as_text(input));
  const config::RunConfig config = config::parse_config(text, "fuzz.yaml");
  // to_yaml promises text that parse_config reads back into an equal config
  // (checkpoints store a run's config that way).
  const std::string written = config::to_yaml(config);
  try {
    if (!(config::parse_config(written, "fuzz.yaml") == config))
      broken_promise("to_yaml wrote a config that reads back different", written);
  } catch (const Error& e) {
    broken_promise("to_yaml wrote a config that parse_config refuses",
                   std::string(e.what()) + "\n" + written);
  }
}

}  // namespace fulcrum::fuzz
