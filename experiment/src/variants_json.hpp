#pragma once
// Writing test_variants.json (variants.hpp): its content as nlohmann::json.
// Not installed: for the experiment library's sources and its tests.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fulcrum/train/trainer.hpp"

namespace fulcrum::experiment {

/// test_variants.json's content for the model `trainer` holds now (after
/// fit(): the best model), on its test split, thresholds tuned on its
/// validation split (no "tuned thresholds" variant without one).
/// Requires: a non-empty test split.
nlohmann::json evaluate_variants(train::Trainer& trainer);

/// The same for a finished run directory: rebuilds the Trainer from
/// <dir>/config.yaml (same data and split, as the seed is in it) and loads
/// <dir>/best.safetensors (last.safetensors if no epoch improved). Trainer
/// logs below warnings are silenced. Throws ConfigError / data::DataError /
/// CheckpointError as the Trainer does.
nlohmann::json evaluate_run_variants(const std::filesystem::path& run_dir);

}  // namespace fulcrum::experiment
