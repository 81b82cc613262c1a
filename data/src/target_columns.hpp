#pragma once
// TargetColumns (internal): reads one target from the fields of a table's
// rows, as a TargetSpec says, and builds the Target at the end.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/target_spec.hpp"

namespace fulcrum::data::detail {

class TargetColumns {
 public:
  /// Resolves the spec against the table's column names; throws DataError
  /// for an unknown column (listing the names) or a spec that is not exactly
  /// one of the ways TargetSpec describes. `file` must outlive this object.
  TargetColumns(const TargetSpec& spec, const std::vector<std::string>& column_names,
                const std::filesystem::path& file);

  /// The column indices this target reads.
  const std::vector<size_t>& columns() const { return columns_; }

  /// Takes this target's fields from one row (`fields` holds all the row's
  /// fields); throws DataError naming `line` and the column for a bad value.
  void read_row(std::span<const std::string_view> fields, int64_t line);

  /// The Target for the rows read so far (resolving label and class names).
  Target finish();

 private:
  Target finish_multi_hot();
  Target finish_label_lists();
  Target finish_classes();
  [[noreturn]] void fail(int64_t line, size_t column, const std::string& problem) const;

  TargetSpec spec_;
  const std::vector<std::string>& column_names_;
  const std::filesystem::path& file_;
  std::vector<size_t> columns_;
  bool multi_hot_ = false;           // 0/1 columns (spec.columns or spec.last)
  std::vector<float> values_;        // multi-hot rows, row-major
  std::vector<std::string> texts_;   // the one column's text per row otherwise
  std::vector<int64_t> lines_;       // each row's line, for errors found in finish()
};

}  // namespace fulcrum::data::detail
