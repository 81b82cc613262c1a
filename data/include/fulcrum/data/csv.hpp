#pragma once
// Reading a Dataset from a CSV file.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
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
/// max_line_bytes: the longest record, in bytes (a quoted field's line breaks
///   included); default 64 MiB.
/// max_fields: the most fields a record may have; default 2^20 (1,048,576).
///   Together they bound what one pathological line can make the reader hold.
struct CsvOptions {
  bool header = true;
  char delimiter = ',';
  std::vector<std::string> feature_columns;
  std::vector<TargetSpec> targets;
  int64_t max_line_bytes = int64_t{64} << 20;
  int64_t max_fields = int64_t{1} << 20;
};

/// Reads `file` (RFC 4180 quoting, "\n" or "\r\n" line ends, blank lines skipped).
/// Requires: every record has as many fields as the first; feature fields are
///   finite numbers; label fields are 0 or 1; at least one data row; no record
///   longer than max_line_bytes or with more than max_fields fields (checked
///   while the record is split, before its fields are kept).
/// Ensures: a Dataset that passes validate(), features as float32; besides
///   the file's text, memory in proportion to the values kept, plus one record.
/// Throws DataError "file:line: ..." naming the limit for a record over it.
/// Throws DataError "file:line: column 'name': problem" for a missing file, a
///   ragged row, a field that is not a number, an unknown column (listing the
///   columns there are), a class index out of range or an unknown label.
Dataset read_csv(const std::filesystem::path& file, const CsvOptions& options);

/// As read_csv, from CSV text already in memory; `source_name` stands for the
/// file in error messages.
Dataset parse_csv(std::string_view text, const std::string& source_name, const CsvOptions& options);

}  // namespace fulcrum::data
