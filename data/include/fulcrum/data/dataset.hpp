#pragma once
// Dataset: the features and the targets of N examples, in memory.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/sparse.hpp"
#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::data {

/// Input that cannot be read: a missing file, a ragged row, a field that is
/// not a number, an unknown column. The message says where, as
/// "file:line: column 'name': what is wrong", so the user can fix the file.
class DataError : public Error {
 public:
  using Error::Error;
};

/// "multi-label" / "multi-class", for messages and configs.
const char* to_string(TaskKind kind);

/// Represents: one prediction target (one head of a model).
/// Requires (checked by Dataset::validate):
///   MultiLabel: values is [N, L], every entry 0 or 1, classes has L names;
///   MultiClass: values is [N], integer class indices in [0, K) stored as
///   floats, classes has K names.
struct Target {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  Tensor values;
  std::vector<std::string> classes;  ///< label names (MultiLabel) or class names

  /// L (labels) or K (classes): the width of the model head for this target.
  int64_t num_classes() const { return static_cast<int64_t>(classes.size()); }
};

/// Represents: the feature columns read from one nominal attribute of a
/// file, which a missing value fills as a whole: either one column holding
/// the number of its value (`numbers`: the attribute's values in declaration
/// order), or, when `numbers` is empty, `width` one-hot columns, one per
/// value in declaration order.
struct NominalColumns {
  std::string attribute;
  int64_t column = 0;  ///< the first feature column
  int64_t width = 1;   ///< 1 when numbers is not empty
  std::vector<float> numbers{};
};

/// Represents: N examples with F features and any number of targets.
/// The features are dense (`features` [N, F]) or, for sparse data, a CSR
/// matrix (`sparse_features` [N, F], `features` undefined): exactly one of
/// the two is set. Like a Tensor, copies of a Dataset share the sparse matrix.
/// Requires: feature_names has F names; every target has N rows; each
/// nominal_columns entry lies within the F columns. Readers and
/// generators ensure this; validate() checks it.
struct Dataset {
  Tensor features;
  std::shared_ptr<const CsrMatrix> sparse_features{};
  std::vector<std::string> feature_names;
  std::vector<Target> targets;
  /// The columns of nominal attributes (ARFF); every other column is a number.
  std::vector<NominalColumns> nominal_columns{};

  bool is_sparse() const { return sparse_features != nullptr; }
  /// N, the number of examples (0 for a dataset without features).
  int64_t size() const;
  /// F, the number of features.
  int64_t num_features() const;
  /// The target called `name`; throws DataError listing the target names.
  const Target& target(std::string_view name) const;
  /// The examples at `rows` (in that order; repeats allowed), copied.
  /// Throws DataError for a row outside [0, N).
  Dataset subset(std::span<const int64_t> rows) const;
  /// Throws DataError if the invariants above do not hold; `what` names the
  /// dataset (a file name) in the message.
  void validate(std::string_view what = "dataset") const;
};

/// The rows of a 1-d or 2-d tensor at `rows`, as a new pooled tensor
/// (Tensor::empty) of shape [rows.size(), ...]. Rows must be in range.
Tensor gather_rows(const Tensor& source, std::span<const int64_t> rows);

}  // namespace fulcrum::data
