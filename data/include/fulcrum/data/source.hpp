#pragma once
// Where a run's examples come from: generated, or one of the file formats
// fulcrum reads.

#include <span>

#include "fulcrum/core/names.hpp"

namespace fulcrum::data {

/// Synthetic: make_synthetic (synthetic.hpp). CSV, ARFF (MULAN's multi-label
/// ARFF) and LibSVM: the readers of csv.hpp, arff.hpp and libsvm.hpp.
enum class DataSource { Synthetic, CSV, ARFF, LibSVM };

inline std::span<const Named<DataSource>> name_table(DataSource) {
  static constexpr Named<DataSource> kTable[] = {{DataSource::Synthetic, "synthetic"},
                                                 {DataSource::CSV, "csv"},
                                                 {DataSource::ARFF, "arff"},
                                                 {DataSource::LibSVM, "libsvm"}};
  return kTable;
}

}  // namespace fulcrum::data
