#pragma once
// Checkpoints: a model's parameters, the optimizer's state and the run's
// metadata, saved as safetensors so that PyTorch can read the model:
//
//   model = MLP(...)                       # the same structure
//   model.load_state_dict(safetensors.torch.load_file("best.safetensors"))
//
// A checkpoint is one or two files:
//   <name>.safetensors                exactly the model's state_dict (PyTorch
//                                     names and layouts), plus the metadata;
//   <stem>.optim.<token>.safetensors  the optimizer state (optim::OptimizerState
//                                     names), only when an optimizer is saved,
//                                     so that the model file holds nothing
//                                     load_state_dict would reject as unexpected.
//
// Crash safety: one rename commits a checkpoint. A save names the optimizer
// file after a token hashed from its content (step, state, names), so a name
// no earlier checkpoint uses unless it holds the very same bytes, and writes
// it first; then the model file, whose metadata names that optimizer
// file and carries the token and step count; renaming the model file into
// place is the commit. Until then <name>.safetensors is the previous
// checkpoint and names the previous optimizer file, which is still there:
// removing the files the committed model file no longer names is the last
// step. A kill at any point therefore leaves the previous complete pair or the
// new complete pair, plus perhaps an unnamed optimizer file and temporary
// files, which discard_unfinished_saves removes (a resume calls it first).
// Every file is written through a temporary file with an unpredictable name,
// created with O_EXCL | O_NOFOLLOW (safetensors.hpp).
//
// Test hook: FULCRUM_TEST_ABORT_SAVE=<step>[@<n>][:<signal>] in the
// environment makes the process send itself SIGKILL (or <signal>: SIGTERM,
// SIGHUP, SIGINT, SIGSTOP) the n-th time (default 1) a save reaches <step>, so
// that tests can check what a crash or a stop request there leaves. The steps,
// in order: optimizer-written (its temporary file complete, not renamed),
// optimizer-renamed, model-written, model-renamed (committed, the previous
// optimizer file not yet removed). Saves without an optimizer pass only the
// last two. Read only by save_checkpoint; meant for nothing but tests.

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
/// FNV-1a (64 bits, 16 hex digits) of every tensor's name, shape and bytes in
/// file order: load_checkpoint refuses a file whose data no longer matches
/// (safetensors itself has no checksum). Files without it (written by
/// PyTorch) load unchecked.
inline constexpr const char* kDataChecksum = "fulcrum.data_checksum";
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

/// "<dir>/<stem>.optim.<token>.safetensors" for "<dir>/<stem>.safetensors".
std::filesystem::path optimizer_file_for(const std::filesystem::path& model_file,
                                         const std::string& token);

/// Saves `model.state_dict()` with `metadata` into `model_file` and, when
/// `optimizer` is not null, `optimizer->state()` into a new
/// optimizer_file_for(model_file, token) first (see the top of this file).
/// Throws ValueError, before writing anything, for a metadata key starting
/// with "fulcrum." or a key or value that is not valid UTF-8; SafetensorsError
/// when a file cannot be written, leaving the previous checkpoint loadable
/// with its optimizer state.
/// Ensures: the optimizer files of `model_file`'s earlier saves are removed.
void save_checkpoint(const std::filesystem::path& model_file, const nn::Module& model,
                     const optim::Optimizer* optimizer, const Metadata& metadata);

/// Removes what interrupted saves of `model_file` can leave in its directory:
/// temporary files of the model file and of its optimizer files, and the
/// optimizer files of `model_file` that it does not name (all of them when it
/// does not exist). Keeps everything when the model file exists but cannot be
/// read. Requires that nothing else is saving `model_file` meanwhile (a run
/// holds its directory's lock). Returns the names removed.
std::vector<std::string> discard_unfinished_saves(const std::filesystem::path& model_file);

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
