#pragma once
// TargetSpec: which columns of a table make up one target, and how to read them.

#include <cstdint>
#include <string>
#include <vector>

#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {

/// Represents: how to build one Target from the columns of a table.
/// Exactly one of these ways must be given (else the reader throws DataError):
///   MultiLabel, `columns`: one 0/1 column per label ("multi-hot"); the label
///     names are the column names (or `classes`, one per column).
///   MultiLabel, `last`: the last `last` columns are 0/1 labels, as in
///     headerless files like yeast (103 features, then 14 labels).
///   MultiLabel, `column`: one column holding a `separator`-joined label list
///     ("cat|dog", "" for none). The labels are `classes` if given (any other
///     label is an error), else every label seen, sorted.
///   MultiClass, `column`: one column holding a class index (0, 1, ...) or a
///     class name. With `classes`, names are looked up there and indices must
///     be < classes.size(); without, a column of non-negative integers gives
///     classes "0".."K-1" (K = largest + 1), anything else the names seen, sorted.
struct TargetSpec {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<std::string> columns;
  std::string column;
  int64_t last = 0;
  char separator = '|';
  std::vector<std::string> classes;
};

}  // namespace fulcrum::data
