#pragma once
// Reading a Dataset from a CSV file.

#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/target_spec.hpp"

namespace fulcrum::data {

/// Represents: how to read a CSV file into features and targets.
/// header: the first record names the columns; without one the columns are
///   called "c0", "c1", ... (so a target may name "c103").
/// feature_columns: the feature columns in order; empty means every column
///   that no target uses, in file order.
/// targets: one TargetSpec per target, in the order of Dataset::targets.
struct CsvOptions {
  bool header = true;
  char delimiter = ',';
  std::vector<std::string> feature_columns;
  std::vector<TargetSpec> targets;
};

/// Reads `file` (RFC 4180 quoting, "\n" or "\r\n" line ends, blank lines skipped).
/// Requires: every record has as many fields as the first; feature fields are
///   finite numbers; label fields are 0 or 1; at least one data row.
/// Ensures: a Dataset that passes validate(), features as float32.
/// Throws DataError "file:line: column 'name': problem" for a missing file, a
///   ragged row, a field that is not a number, an unknown column (listing the
///   columns there are), a class index out of range or an unknown label.
Dataset read_csv(const std::filesystem::path& file, const CsvOptions& options);

}  // namespace fulcrum::data
