// IRLbl, MeanIR and MaxIR (imbalance_measures.hpp).
#include "fulcrum/experiment/imbalance_measures.hpp"

#include <algorithm>
#include <cmath>

#include "fulcrum/core/error.hpp"

namespace fulcrum::experiment {

ImbalanceMeasures imbalance_measures(const std::vector<double>& counts) {
  double most = 0;
  for (size_t l = 0; l < counts.size(); ++l) {
    FULCRUM_CHECK(std::isfinite(counts[l]) && counts[l] >= 0,
                  "imbalance_measures: label {} has count {}; counts must be finite and >= 0", l,
                  counts[l]);
    most = std::max(most, counts[l]);
  }
  ImbalanceMeasures out;
  double sum = 0;
  int64_t defined = 0;
  for (const double count : counts) {
    if (count == 0) {
      out.irlbl.emplace_back();
      ++out.absent;
      continue;
    }
    const double ir = most / count;
    out.irlbl.emplace_back(ir);
    sum += ir;
    ++defined;
    out.max_ir = std::max(out.max_ir.value_or(ir), ir);
  }
  if (defined > 0) out.mean_ir = sum / static_cast<double>(defined);
  return out;
}

}  // namespace fulcrum::experiment
