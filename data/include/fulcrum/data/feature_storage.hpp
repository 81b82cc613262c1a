#pragma once
// How a reader holds the features of a file written with sparse rows.

#include <span>

#include "fulcrum/core/names.hpp"

namespace fulcrum::data {

/// Represents: dense or sparse (CSR) features for a file with sparse rows
/// (libsvm; ARFF rows "{index value, ...}"). A file without sparse rows is
/// read densely whatever this says, except that Sparse asks for CSR from any
/// ARFF file.
///   Dense: a [N, F] tensor, as every file was read before sparse features.
///   Sparse: a CsrMatrix (Dataset::sparse_features).
///   Auto: sparse when the file has sparse rows and at most
///     kAutoSparseDensity of its feature values are non-zero, else dense.
/// The names are those of the config key data.sparse: auto, true, false.
enum class FeatureStorage { Auto, Sparse, Dense };

inline std::span<const Named<FeatureStorage>> name_table(FeatureStorage) {
  static constexpr Named<FeatureStorage> kTable[] = {{FeatureStorage::Auto, "auto"},
                                                     {FeatureStorage::Sparse, "true"},
                                                     {FeatureStorage::Dense, "false"}};
  return kTable;
}

/// The density at or below which Auto reads sparse. A sparse first layer does
/// work in proportion to the non-zeros but at a lower rate per value than a
/// dense GEMM, so it pays well before the data is very sparse; MULAN's
/// bag-of-words sets are at 1-10%.
inline constexpr double kAutoSparseDensity = 0.15;

/// Whether features of this density, from a file with (or without) sparse
/// rows, are held sparse under `storage`.
inline bool hold_sparse(FeatureStorage storage, bool sparse_rows, double density) {
  return storage == FeatureStorage::Sparse ||
         (storage == FeatureStorage::Auto && sparse_rows && density <= kAutoSparseDensity);
}

}  // namespace fulcrum::data
