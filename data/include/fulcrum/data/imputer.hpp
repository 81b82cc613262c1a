#pragma once
// Imputer: missing feature values filled with statistics of the training
// split, as sklearn.impute.SimpleImputer.

#include <span>
#include <string_view>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/sparse.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {

/// What a missing feature value ('?' in an ARFF file) becomes.
///   Error: a DataError naming file, line and attribute (the reader refuses it).
///   Mean: a numeric feature gets the mean of its values in the training
///     split; a nominal one (a category has no mean) its most frequent value.
///   MostFrequent: the most frequent value in the training split (ties: the
///     smallest number, or the nominal value declared first).
/// A label is never imputed: a '?' there is an error under every policy.
enum class MissingPolicy { Error, Mean, MostFrequent };

inline std::span<const Named<MissingPolicy>> name_table(MissingPolicy) {
  static constexpr Named<MissingPolicy> kTable[] = {{MissingPolicy::Error, "error"},
                                                    {MissingPolicy::Mean, "mean"},
                                                    {MissingPolicy::MostFrequent, "most_frequent"}};
  return kTable;
}

/// Represents: per feature column, the value a missing entry (NaN) becomes,
/// fitted on the training split only, so that validation, test and new rows
/// are filled with the training statistics and nothing leaks from them.
/// A nominal attribute (Dataset::nominal_columns) is filled as a whole: its
/// number, or its one-hot columns with a 1 for the chosen value and 0 elsewhere.
/// Requires: transform after fit (or fill set from a checkpoint); features of
/// as many columns as fill.
struct Imputer {
  std::vector<float> fill;  ///< [F]; empty until fitted (then nothing is imputed)

  /// Fits on the training split `train` (dense or sparse; NaN marks a missing
  /// value, a sparse matrix's unstored entries are zeros) with `policy`, over
  /// each column's values that are present (MissingPolicy above). Every column
  /// gets a value, those without a missing entry in `train` too, since new
  /// rows may lack them.
  /// Requires: policy is not Error; train has at least one row.
  /// Throws DataError "`what`: attribute 'a': every value in the training
  /// split is missing ('?') ..." for a column with no value present.
  void fit(const Dataset& train, MissingPolicy policy, std::string_view what);
  /// Replaces every NaN of x [N, F] in place with its column's fill.
  void transform(Tensor& x) const;
  /// x with its NaNs filled; x itself (sharing its data) when it has none.
  Tensor transformed(const Tensor& x) const;
  /// x with its NaN entries filled; a filled value of 0 is left unstored, so
  /// the result equals CsrMatrix::from_dense of the filled dense matrix.
  /// Requires: x has no shift (impute before standardising).
  CsrMatrix transformed(const CsrMatrix& x) const;
  /// The dataset with its features (dense or sparse) filled; it shares the
  /// features of `dataset` when they have no missing value.
  Dataset transformed(const Dataset& dataset) const;
  bool fitted() const { return !fill.empty(); }
};

}  // namespace fulcrum::data
