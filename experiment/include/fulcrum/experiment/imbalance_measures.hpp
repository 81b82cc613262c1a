#pragma once
// How imbalanced a multi-label data set is, as Charte et al. define it
// ("Addressing imbalance in multilabel classification: Measures and random
// resampling algorithms", Neurocomputing 163, 2015):
//   IRLbl(l) = max over labels of count(l') / count(l)   (1 for the most frequent)
//   MeanIR   = the mean of IRLbl over the labels
//   MaxIR    = the largest IRLbl
// A label without positives has no finite IRLbl; it is left out of MeanIR and
// MaxIR, and counted in `absent`.

#include <cstdint>
#include <optional>
#include <vector>

namespace fulcrum::experiment {

/// Represents: the measures of one head's label counts.
struct ImbalanceMeasures {
  std::vector<std::optional<double>> irlbl;  ///< one per label; nullopt: no positives
  std::optional<double> mean_ir;             ///< nullopt when no label has positives
  std::optional<double> max_ir;
  int64_t absent = 0;  ///< labels without positives
};

/// The measures of `counts` (positives per label, >= 0; ValueError for a
/// negative or non-finite count).
ImbalanceMeasures imbalance_measures(const std::vector<double>& counts);

}  // namespace fulcrum::experiment
