// save_checkpoint / load_checkpoint: a model file PyTorch can load and a
// sibling optimizer file, tied together by a save token; committed by the
// model file's rename (the design is described in checkpoint.hpp).

#include "fulcrum/checkpoint/checkpoint.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>

#include "safetensors_write.hpp"

namespace fulcrum::checkpoint {
namespace {

namespace fs = std::filesystem;
namespace keys = checkpoint_keys;

const std::string kCheckpointVersion = "1";

/// The save token: 64 bits of a hash of everything the optimizer file holds
/// (its tensors' checksum, the step, the optimizer and model file names). Two
/// saves share it only when they would write the same optimizer file byte for
/// byte, so reusing a name can never pair a model file with foreign state; and
/// a run resumed after a kill writes the same files as one never interrupted.
std::string save_token(const std::string& state_checksum, const std::string& step,
                       const std::string& optimizer, const std::string& model_file) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::string* part : {&state_checksum, &step, &optimizer, &model_file}) {
    for (const unsigned char c : *part) hash = (hash ^ c) * 0x100000001b3ull;
    hash = (hash ^ 0xffu) * 0x100000001b3ull;  // a separator no name holds: "ab"+"c" != "a"+"bc"
  }
  return fmt::format("{:016x}", hash);
}

std::string value_or(const Metadata& metadata, const char* key, std::string_view fallback) {
  const auto it = metadata.find(key);
  return it == metadata.end() ? std::string(fallback) : it->second;
}

/// The test hook described in checkpoint.hpp: a signal to this process at the
/// n-th arrival at the step FULCRUM_TEST_ABORT_SAVE names. SIGKILL by default,
/// not an exception or exit(), so that nothing (no destructor removing a
/// temporary file) runs after it, exactly as after `kill -9` or a power cut.
/// The variable is read at each step (a forked test child sets it after its
/// parent saved).
void test_abort_point(std::string_view step) {
  const char* value = std::getenv("FULCRUM_TEST_ABORT_SAVE");
  if (value == nullptr) return;
  std::string_view text(value);
  int signal = SIGKILL;
  if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
    const std::string_view name = text.substr(colon + 1);
    text = text.substr(0, colon);
    if (name == "SIGTERM") signal = SIGTERM;
    if (name == "SIGHUP") signal = SIGHUP;
    if (name == "SIGINT") signal = SIGINT;
    if (name == "SIGSTOP") signal = SIGSTOP;
  }
  long count = 1;
  if (const size_t at = text.find('@'); at != std::string_view::npos) {
    count = std::strtol(std::string(text.substr(at + 1)).c_str(), nullptr, 10);
    text = text.substr(0, at);
  }
  static long seen = 0;
  if (step == text && ++seen == count) ::kill(::getpid(), signal);
}

/// The optimizer file a model file's metadata names, if any ("" otherwise).
std::string named_optimizer_file(const Metadata& metadata) {
  return value_or(metadata, keys::kOptimizerFile, "");
}

/// Removes the entries of `dir` that `stale` selects; returns their names.
template <typename Stale>
std::vector<std::string> remove_entries(const fs::path& dir, Stale stale) {
  std::vector<std::string> removed;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    // fs::remove removes a symlink itself, never what it points to.
    if (stale(name) && fs::remove(entry.path(), error)) removed.push_back(name);
  }
  return removed;
}

/// Removes the optimizer files of `model_file` other than `keep` (a file
/// name; "" keeps none) and the temporary files of the model and optimizer files.
std::vector<std::string> remove_stale_files(const fs::path& model_file, const std::string& keep) {
  const fs::path dir = model_file.has_parent_path() ? model_file.parent_path() : fs::path(".");
  const std::string model_temp = model_file.filename().string() + kTempInfix;
  const std::string optimizer_prefix = model_file.stem().string() + ".optim.";
  return remove_entries(dir, [&](const std::string& name) {
    if (name.starts_with(model_temp)) return true;
    return name.starts_with(optimizer_prefix) && name != keep;
  });
}

// keys::kDataChecksum of named tensors, in the order given (the file's).
template <typename Tensors>
std::string data_checksum(const Tensors& tensors) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const auto mix = [&hash](const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  };
  for (const auto& [name, tensor] : tensors) {
    mix(name.data(), name.size());
    for (const int64_t d : tensor.shape()) mix(&d, sizeof d);
    if (tensor.numel() > 0) mix(tensor.data(), static_cast<size_t>(tensor.numel()) * sizeof(float));
  }
  return fmt::format("{:016x}", hash);
}

void verify_checksum(const fs::path& file, const SafetensorsFile& content) {
  const auto stored = content.metadata.find(keys::kDataChecksum);
  if (stored == content.metadata.end()) return;
  const std::string computed = data_checksum(content.tensors);
  if (computed != stored->second) {
    throw CheckpointError(fmt::format(
        "checkpoint file '{}' is damaged: its tensor data does not match the checksum it was "
        "saved with ({} stored, {} now)",
        file.string(), stored->second, computed));
  }
}

}  // namespace

fs::path optimizer_file_for(const fs::path& model_file, const std::string& token) {
  return model_file.parent_path() /
         (model_file.stem().string() + ".optim." + token + ".safetensors");
}

std::vector<std::string> discard_unfinished_saves(const fs::path& model_file) {
  std::string keep;
  std::error_code error;
  if (fs::exists(model_file, error)) {
    try {
      keep = named_optimizer_file(load_safetensors(model_file).metadata);
    } catch (const Error&) {
      return {};  // unreadable: nothing can tell which files are stale
    }
  }
  return remove_stale_files(model_file, keep);
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

  fs::path optimizer_file;
  if (optimizer != nullptr) {
    const std::string step = std::to_string(optimizer->step_count());
    const optim::OptimizerState state = optimizer->state();
    const std::string state_checksum = data_checksum(state);
    const std::string token =
        save_token(state_checksum, step, optimizer->name(), model_file.filename().string());
    optimizer_file = optimizer_file_for(model_file, token);
    const Metadata optimizer_metadata = {
        {keys::kVersion, kCheckpointVersion},
        {keys::kModelFile, model_file.filename().string()},
        {keys::kOptimizer, optimizer->name()},
        {keys::kSaveToken, token},
        {keys::kStep, step},
        {keys::kDataChecksum, state_checksum},
    };
    // A new name unless this exact file is already there (a save repeated
    // with the same state): the previous checkpoint's optimizer file stays as
    // it is until the model file below commits the new pair.
    save_safetensors(optimizer_file, state, optimizer_metadata,
                     [] { test_abort_point("optimizer-written"); });
    test_abort_point("optimizer-renamed");
    model_metadata[keys::kOptimizerFile] = optimizer_file.filename().string();
    model_metadata[keys::kOptimizer] = optimizer->name();
    model_metadata[keys::kSaveToken] = token;
    model_metadata[keys::kStep] = step;
  }

  // state_dict() is a sorted map: the order safetensors.torch.save_file uses too.
  const nn::Module::StateDict state = model.state_dict();
  const std::vector<std::pair<std::string, Tensor>> tensors(state.begin(), state.end());
  model_metadata[keys::kDataChecksum] = data_checksum(tensors);
  try {
    save_safetensors(model_file, tensors, model_metadata,
                     [] { test_abort_point("model-written"); });
  } catch (...) {
    // Not committed: the new optimizer file belongs to no checkpoint.
    std::error_code ignored;
    if (!optimizer_file.empty()) fs::remove(optimizer_file, ignored);
    throw;
  }
  test_abort_point("model-renamed");
  remove_stale_files(model_file, optimizer_file.filename().string());
}

Checkpoint load_checkpoint(const fs::path& model_file, bool with_optimizer) {
  SafetensorsFile file = load_safetensors(model_file);
  verify_checksum(model_file, file);
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
  verify_checksum(optimizer_file, optimizer);

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
