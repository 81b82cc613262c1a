#pragma once
// Checkpoints: a model's parameters, the optimizer's state and the run's
// metadata, saved as safetensors so that PyTorch can read the model:
//
//   model = MLP(...)                       # the same structure
//   model.load_state_dict(safetensors.torch.load_file("best.safetensors"))
//
// A checkpoint is one or two files:
//   <name>.safetensors        exactly the model's state_dict (PyTorch names and
//                             layouts), plus the metadata;
//   <stem>.optim.safetensors  the optimizer state (optim::OptimizerState names),
//                             only when an optimizer is saved, so that the
//                             model file holds nothing load_state_dict would
//                             reject as unexpected.
// The optimizer file is written first, then the model file, each atomically.
// Both carry the same random save token and step count, and the model file
// names its optimizer file; load_checkpoint checks them, so a crash between
// the two writes, or files from different saves, is detected, never loaded.

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "fulcrum/checkpoint/safetensors.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/module.hpp"
#include "fulcrum/optim/optimizer.hpp"

namespace fulcrum::checkpoint {

/// A model file and optimizer file that do not belong together, or a resume
/// from a checkpoint saved without optimizer state. Names both files.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

/// Metadata keys save_checkpoint writes itself. The caller's metadata may not
/// use keys starting with "fulcrum." (ValueError); "format" defaults to "pt",
/// what safetensors.torch.save_file writes and transformers checks for.
namespace checkpoint_keys {
inline constexpr const char* kVersion = "fulcrum.checkpoint_version";    ///< "1"
inline constexpr const char* kOptimizerFile = "fulcrum.optimizer_file";  ///< sibling file name
inline constexpr const char* kOptimizer = "fulcrum.optimizer";           ///< "AdamW", ...
inline constexpr const char* kSaveToken = "fulcrum.save_token";          ///< 16 hex digits
inline constexpr const char* kStep = "fulcrum.optimizer_step";           ///< step_count()
inline constexpr const char* kModelFile = "fulcrum.model_file";          ///< in the optimizer file
inline constexpr const char* kFormat = "format";
}  // namespace checkpoint_keys

/// What load_checkpoint returns.
struct Checkpoint {
  /// The model file's tensors: pass to nn::Module::load_state_dict.
  nn::Module::StateDict model;
  /// The optimizer state (empty unless loaded with_optimizer): pass to
  /// optim::Optimizer::load_state.
  optim::OptimizerState optimizer;
  /// The model file's metadata: the caller's keys plus the checkpoint_keys ones.
  Metadata metadata;
};

/// "<dir>/<stem>.optim.safetensors" for "<dir>/<stem>.safetensors".
std::filesystem::path optimizer_file_for(const std::filesystem::path& model_file);

/// Saves `model.state_dict()` with `metadata` into `model_file` and, when
/// `optimizer` is not null, `optimizer->state()` into optimizer_file_for(model_file)
/// first. Every file is replaced atomically (see save_safetensors).
/// Throws ValueError, before writing anything, for a metadata key starting
/// with "fulcrum." or a key or value that is not valid UTF-8; SafetensorsError
/// when a file cannot be written. If the model file fails after the optimizer
/// file was replaced, the model file at `model_file` is the previous one and
/// load_checkpoint(..., true) reports the pair as mismatched (the model alone
/// still loads).
void save_checkpoint(const std::filesystem::path& model_file, const nn::Module& model,
                     const optim::Optimizer* optimizer, const Metadata& metadata);

/// Reads a checkpoint written by save_checkpoint (or any safetensors file of
/// float tensors, when !with_optimizer: a model exported from PyTorch loads).
/// with_optimizer: also reads the optimizer file, and throws CheckpointError
/// when the model file records none or the two files' save tokens or steps
/// differ. SafetensorsError for a file that is missing or corrupt.
Checkpoint load_checkpoint(const std::filesystem::path& model_file, bool with_optimizer);

// -- structured metadata ---------------------------------------------------------
// Metadata values are strings. Objects (the config, label names) go in as
// nlohmann::json::dump() text and come back with nlohmann::json::parse; float
// vectors (thresholds, pos_weight, scaler statistics) with these two, which
// keep every bit; a Generator's state() string goes in as it is.

/// `values` as a JSON array, each printed with 9 significant digits
/// (max_digits10), so decode_floats gives back the same float32 bits (-0.0
/// included). Throws ValueError, naming the index, for NaN or infinity
/// (JSON has no spelling for them).
std::string encode_floats(std::span<const float> values);

/// The inverse of encode_floats. Throws ValueError for text that is not a JSON
/// array of numbers or holds a number outside float32's range.
std::vector<float> decode_floats(const std::string& text);

}  // namespace fulcrum::checkpoint
