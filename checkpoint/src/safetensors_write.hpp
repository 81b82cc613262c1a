#pragma once
// Inside the checkpoint library: save_safetensors with a call between the
// temporary file being complete and its rename (save_checkpoint's test hook).

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "fulcrum/checkpoint/safetensors.hpp"

namespace fulcrum::checkpoint {

/// What separates a target's name from the random part of its temporary
/// files' names: "<target>.tmp.<16 hex digits>".
inline constexpr const char* kTempInfix = ".tmp.";

/// save_safetensors, calling `before_rename` (when set) once the temporary
/// file is complete and fsync'ed, just before it is renamed over `path`.
void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const Metadata& metadata, const std::function<void()>& before_rename);

}  // namespace fulcrum::checkpoint
