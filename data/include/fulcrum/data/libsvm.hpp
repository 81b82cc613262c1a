#pragma once
// Reading a multi-label Dataset from a file in the LIBSVM multi-label format.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/feature_storage.hpp"

namespace fulcrum::data {

/// Represents: how to read a LIBSVM multi-label file, one example per line:
///   "1,3 1:0.5 4:0.2"   labels 1 and 3; feature 1 = 0.5, feature 4 = 0.2
///   " 2:1.0"            no labels (a line may also start with a feature)
/// Labels are non-negative integer ids; label id k is column k of the target
/// (names "0", "1", ...). Features not listed are 0. Text after '#' is a comment.
/// num_features: F, or 0 to use the largest index in the file.
/// num_labels: L, or 0 to use the largest label id + 1. Give both when reading
///   a train and a test file, so that their widths agree.
/// zero_based: feature indices start at 0 (default: at 1, as LIBSVM writes them).
///   Feature names are "f<index>" as written in the file.
/// max_elements: the most elements the dense features [N, F] and the dense
///   labels [N, L] may each have (default 2^28: 1 GiB of float32). The file is
///   sparse but fulcrum holds it densely, so one stray large index in a small
///   file would otherwise ask for gigabytes. Sparse features are not bounded by it.
/// storage: dense features, or sparse (Dataset::sparse_features, built from
///   the entries without a dense matrix); every line of a libsvm file is a
///   sparse row, so Auto goes by the density alone.
struct LibsvmOptions {
  int64_t num_features = 0;
  int64_t num_labels = 0;
  bool zero_based = false;
  std::string target_name = "labels";
  int64_t max_elements = int64_t{1} << 28;
  FeatureStorage storage = FeatureStorage::Dense;
};

/// Reads `file`.
/// Requires: N x F and N x L at most max_elements each (max_elements >= 1).
///   Checked as the file is read, before the matrices are allocated: the
///   error names the line of the index that makes them too large, the
///   matrix's size and the limit.
/// Ensures: memory in proportion to the entries in the file until the checked
///   dense matrices are made.
/// Throws DataError "file:line: problem" for a malformed pair, an index or
/// label out of range, a value that is not a number, or a matrix over the limit.
Dataset read_libsvm(const std::filesystem::path& file, const LibsvmOptions& options = {});

/// As read_libsvm, from text already in memory; `source_name` stands for the
/// file in error messages.
Dataset parse_libsvm(std::string_view text, const std::string& source_name,
                     const LibsvmOptions& options = {});

}  // namespace fulcrum::data
