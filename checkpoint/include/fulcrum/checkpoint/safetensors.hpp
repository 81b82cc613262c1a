#pragma once
// Reading and writing safetensors files, the tensor format of PyTorch and
// Hugging Face (https://github.com/huggingface/safetensors). A file is
//
//   8 bytes     N, the header size, unsigned 64-bit little-endian
//   N bytes     UTF-8 JSON, padded with spaces to a multiple of 8 bytes:
//               {"__metadata__": {"key": "value", ...},
//                "NAME": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
//   the rest    the byte buffer: each tensor's elements, row-major,
//               little-endian, at [begin, end) counted from the buffer start;
//               the tensors tile the buffer with no gap and no overlap.
//
// The writer produces what the reference implementation (the Rust crate
// behind `safetensors.torch.save_file`) produces for the same tensors in the
// same order: compact JSON, "__metadata__" first and left out when empty,
// keys dtype/shape/data_offsets in that order, space padding. The reader
// accepts any file that library accepts with a float dtype.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::checkpoint {

/// Free-form string pairs stored under "__metadata__" (the format only allows
/// string values: store numbers and objects as JSON text).
using Metadata = std::map<std::string, std::string>;

/// A safetensors file that cannot be written or read. The message names the
/// file and either the system error (strerror text) or the part of the file
/// that breaks the format (the tensor, the offsets, the dtype).
class SafetensorsError : public Error {
 public:
  using Error::Error;
};

/// The reference implementation refuses headers above 100 MB; so does the
/// reader here, before allocating anything.
inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

/// Writes `tensors` (in this order) and `metadata` to `path` as safetensors,
/// float32 ("F32").
/// Requires: names unique, non-empty and not "__metadata__"; every tensor
/// defined (ValueError naming the entry otherwise, before anything is written).
/// Ensures: atomic replacement. The bytes go to a new temporary file
/// `<path>.tmp.<16 random hex digits>` in the same directory, created with
/// O_EXCL | O_NOFOLLOW (a file or symlink planted there is never written
/// through), which is fsync'ed and renamed over `path` (a symlink at `path` is
/// replaced, not followed), then the directory is fsync'ed; a crash leaves
/// either the old file or the complete new one, and at most a stray temporary
/// file (discard_unfinished_saves in checkpoint.hpp removes those). On failure
/// the temporary file is removed, `path` is untouched and SafetensorsError
/// names the path, the step that failed and the errno text.
void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const Metadata& metadata = {});

/// Replaces `path` with `bytes` the way save_safetensors replaces its file
/// (a fresh temporary file, fsync, rename, directory fsync), for the other
/// files a run rewrites whole. Throws SafetensorsError as save_safetensors does.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

/// The contents of a safetensors file.
struct SafetensorsFile {
  /// In the order of their data in the file (for files written by
  /// save_safetensors, the order they were saved in). Fresh tensors, no grad.
  std::vector<std::pair<std::string, Tensor>> tensors;
  Metadata metadata;
};

/// Reads a safetensors file. F32 tensors are read as is; F64, F16 and BF16
/// tensors are converted to float32 (F64 rounds to nearest, the two 16-bit
/// types convert exactly), since fulcrum computes in float32 only. Any other
/// dtype (integers, bool, fp8) is refused, naming the tensor and the dtype.
/// Throws SafetensorsError naming the file and the problem for a missing or
/// unreadable file, a file too short for its header, a header size beyond the
/// file or above kSafetensorsMaxHeaderBytes, a header that is not a JSON object,
/// a duplicated name, a non-string metadata value, a malformed entry, a shape
/// whose size does not match its offsets, offsets that overlap, leave a gap,
/// run past the buffer or do not cover it. Never reads or allocates more than
/// the file holds.
SafetensorsFile load_safetensors(const std::filesystem::path& path);

}  // namespace fulcrum::checkpoint
