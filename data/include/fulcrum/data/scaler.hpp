#pragma once
// StandardScaler: per-feature standardisation, as sklearn.preprocessing.StandardScaler.

#include "fulcrum/core/tensor.hpp"

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
  /// Standardises x [N, F] in place.
  void transform(Tensor& x) const;
  /// A standardised copy of x.
  Tensor transformed(const Tensor& x) const;
  bool fitted() const { return mean.defined(); }
};

}  // namespace fulcrum::data
