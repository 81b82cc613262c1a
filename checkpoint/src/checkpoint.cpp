// save_checkpoint / load_checkpoint: a model file PyTorch can load and a
// sibling optimizer file, tied together by a save token.

#include "fulcrum/checkpoint/checkpoint.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string_view>

namespace fulcrum::checkpoint {
namespace {

namespace fs = std::filesystem;
namespace keys = checkpoint_keys;

const std::string kCheckpointVersion = "1";

/// 64 random bits as hex. Drawn from std::random_device, not from a fulcrum
/// Generator, so that saving a checkpoint does not change the training run.
std::string random_token() {
  std::random_device device;
  const uint64_t high = device();
  const uint64_t low = device();
  return fmt::format("{:016x}", (high << 32) ^ low);
}

std::string value_or(const Metadata& metadata, const char* key, std::string_view fallback) {
  const auto it = metadata.find(key);
  return it == metadata.end() ? std::string(fallback) : it->second;
}

}  // namespace

fs::path optimizer_file_for(const fs::path& model_file) {
  return model_file.parent_path() / (model_file.stem().string() + ".optim.safetensors");
}

void save_checkpoint(const fs::path& model_file, const nn::Module& model,
                     const optim::Optimizer* optimizer, const Metadata& metadata) {
  for (const auto& [key, value] : metadata) {
    FULCRUM_CHECK(!std::string_view(key).starts_with("fulcrum."),
                  "save_checkpoint: metadata key '{}' is reserved (keys starting with "
                  "'fulcrum.' are written by the checkpoint itself)",
                  key);
  }
  Metadata model_metadata = metadata;
  model_metadata.try_emplace(keys::kFormat, "pt");
  model_metadata[keys::kVersion] = kCheckpointVersion;

  // Refuse bad metadata (invalid UTF-8) before the optimizer file is replaced,
  // so that such a mistake cannot break the previous checkpoint's pair.
  try {
    (void)nlohmann::json(model_metadata).dump();
  } catch (const nlohmann::json::exception& e) {
    throw_value_error(
        fmt::format("save_checkpoint: a metadata key or value is not valid UTF-8 ({})", e.what()));
  }

  if (optimizer != nullptr) {
    const fs::path optimizer_file = optimizer_file_for(model_file);
    const std::string token = random_token();
    const std::string step = std::to_string(optimizer->step_count());
    const Metadata optimizer_metadata = {
        {keys::kVersion, kCheckpointVersion},
        {keys::kModelFile, model_file.filename().string()},
        {keys::kOptimizer, optimizer->name()},
        {keys::kSaveToken, token},
        {keys::kStep, step},
    };
    // Written first: until the model file is replaced too, the old model file
    // names a token this file no longer has, which load_checkpoint reports.
    save_safetensors(optimizer_file, optimizer->state(), optimizer_metadata);
    model_metadata[keys::kOptimizerFile] = optimizer_file.filename().string();
    model_metadata[keys::kOptimizer] = optimizer->name();
    model_metadata[keys::kSaveToken] = token;
    model_metadata[keys::kStep] = step;
  }

  // state_dict() is a sorted map: the order safetensors.torch.save_file uses too.
  const nn::Module::StateDict state = model.state_dict();
  const std::vector<std::pair<std::string, Tensor>> tensors(state.begin(), state.end());
  save_safetensors(model_file, tensors, model_metadata);
}

Checkpoint load_checkpoint(const fs::path& model_file, bool with_optimizer) {
  SafetensorsFile file = load_safetensors(model_file);
  Checkpoint checkpoint;
  for (auto& [name, tensor] : file.tensors) checkpoint.model.emplace(name, std::move(tensor));
  checkpoint.metadata = std::move(file.metadata);
  const Metadata& metadata = checkpoint.metadata;

  const std::string version = value_or(metadata, keys::kVersion, kCheckpointVersion);
  if (version != kCheckpointVersion) {
    throw CheckpointError(
        fmt::format("checkpoint '{}' has version {}; this fulcrum reads "
                    "version {}",
                    model_file.string(), version, kCheckpointVersion));
  }
  if (!with_optimizer) return checkpoint;

  const auto named = metadata.find(keys::kOptimizerFile);
  if (named == metadata.end()) {
    throw CheckpointError(
        fmt::format("checkpoint '{}' was saved without optimizer state, so "
                    "the optimizer cannot be resumed from it",
                    model_file.string()));
  }
  const fs::path name = named->second;
  if (name.empty() || name != name.filename() || name == "." || name == "..") {
    throw CheckpointError(
        fmt::format("checkpoint '{}' names the optimizer file '{}', which is "
                    "not a plain file name",
                    model_file.string(), named->second));
  }
  const fs::path optimizer_file = model_file.parent_path() / name;
  if (!fs::exists(optimizer_file)) {
    throw CheckpointError(
        fmt::format("checkpoint '{}' needs its optimizer file '{}', which "
                    "does not exist",
                    model_file.string(), optimizer_file.string()));
  }
  SafetensorsFile optimizer = load_safetensors(optimizer_file);

  for (const char* key : {keys::kSaveToken, keys::kStep}) {
    const std::string expected = value_or(metadata, key, "(none)");
    const std::string found = value_or(optimizer.metadata, key, "(none)");
    if (expected != found) {
      throw CheckpointError(fmt::format(
          "optimizer file '{}' does not belong to checkpoint '{}': {} is {} in the model file "
          "but {} in the optimizer file (a save was interrupted between the two files, or they "
          "come from different saves)",
          optimizer_file.string(), model_file.string(), key, expected, found));
    }
  }
  checkpoint.optimizer = std::move(optimizer.tensors);
  return checkpoint;
}

}  // namespace fulcrum::checkpoint
