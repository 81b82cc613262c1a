#pragma once
// Reading a run's metrics back from its JSON files (results.hpp). Not
// installed: for the experiment library's sources and its tests.

#include <nlohmann/json.hpp>
#include <string>

#include "fulcrum/experiment/results.hpp"

namespace fulcrum::experiment {

/// A head's object from test_metrics.json "heads" or a variant's "heads"
/// (train/metrics_json.hpp, optionally with "loss"). Throws fulcrum::Error
/// naming `head` for a value that is not a metrics object.
HeadMetrics head_metrics_from_json(const std::string& head, const nlohmann::json& json);

}  // namespace fulcrum::experiment
