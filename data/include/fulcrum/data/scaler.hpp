#pragma once
// StandardScaler: per-feature standardisation, as sklearn.preprocessing.StandardScaler.

#include "fulcrum/core/sparse.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {

/// Represents: x -> (x - mean) / scale per feature column, with mean and
/// scale fitted on the training features only (so validation and test data
/// are transformed with the training statistics, with no leakage).
/// scale is the population standard deviation (ddof = 0, as sklearn), or 1
/// for a constant column (sklearn's rule), so constant columns become 0.
/// Requires: fit() before transform(); inputs [N, F] with F as fitted.
struct StandardScaler {
  Tensor mean;   ///< [F], undefined until fit()
  Tensor scale;  ///< [F], undefined until fit()

  /// Fits mean and scale on x [N, F], N >= 1 (statistics in double precision).
  void fit(const Tensor& x);
  /// The same statistics from sparse x, its zeros counted without being stored.
  /// Requires: x has no shift.
  void fit(const CsrMatrix& x);
  /// Fits on the dataset's features, dense or sparse.
  void fit(const Dataset& dataset);
  /// Standardises x [N, F] in place.
  void transform(Tensor& x) const;
  /// A standardised copy of x.
  Tensor transformed(const Tensor& x) const;
  /// Standardised sparse x that keeps its zeros: values divided by scale and
  /// the centring carried as the shift mean / scale, so x.to_dense() is the
  /// standardised dense matrix (to float rounding) and sparse_linear folds the
  /// centring into the bias. Requires: x has no shift yet.
  CsrMatrix transformed(const CsrMatrix& x) const;
  /// A copy of the dataset with its features (dense or sparse) standardised.
  Dataset transformed(const Dataset& dataset) const;
  bool fitted() const { return mean.defined(); }
};

}  // namespace fulcrum::data
