#pragma once
// A run config as a nlohmann::json tree, for the run summaries that
// fulcrum::train writes. Not installed (the public headers carry no JSON
// library): shared with the libraries above config through the
// fulcrum_config_internal target.

#include <nlohmann/json.hpp>

#include "fulcrum/config/run_config.hpp"

namespace fulcrum::config {

/// The config as JSON, for run summaries. Same keys as to_yaml, except that
/// model.heads and data.synthetic.heads are arrays of objects with a "name"
/// (JSON objects do not keep their order).
nlohmann::json to_json(const RunConfig& config);

}  // namespace fulcrum::config
