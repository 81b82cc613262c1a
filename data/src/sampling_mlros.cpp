// Imbalance measures and ML-ROS oversampling (Charte et al. 2015).

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/data/sampling.hpp"
#include "sampling_input.hpp"

namespace fulcrum::data {
namespace {

// IRLbl and MeanIR from label counts (see ImbalanceMeasures).
ImbalanceMeasures measures_from_counts(std::vector<int64_t> counts) {
  ImbalanceMeasures m;
  const int64_t largest = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
  m.irlbl.resize(counts.size());
  double sum = 0.0;
  int64_t present = 0;
  for (size_t l = 0; l < counts.size(); ++l) {
    if (counts[l] == 0) {
      m.irlbl[l] = std::numeric_limits<double>::infinity();
      continue;
    }
    m.irlbl[l] = static_cast<double>(largest) / static_cast<double>(counts[l]);
    sum += m.irlbl[l];
    ++present;
  }
  m.mean_ir = present == 0 ? 0.0 : sum / static_cast<double>(present);
  m.counts = std::move(counts);
  return m;
}

// Adds row `row` of labels [N, L] to the label counts.
void count_row(const float* labels, int64_t width, int64_t row, std::vector<int64_t>& counts) {
  const float* values = labels + row * width;
  for (int64_t l = 0; l < width; ++l)
    if (values[l] != 0.0f) ++counts[l];
}

// round(N * percentage / 100), saturated far above any dataset size (the
// loop stops long before when the minority labels catch up).
int64_t clones_wanted(int64_t n, double percentage) {
  const double wanted = std::round(static_cast<double>(n) * percentage / 100.0);
  constexpr double kCap = 1e15;
  return static_cast<int64_t>(std::min(wanted, kCap));
}

}  // namespace

ImbalanceMeasures imbalance_measures(const Tensor& labels) {
  detail::check_label_matrix(labels, "imbalance_measures");
  std::vector<int64_t> rows(static_cast<size_t>(labels.size(0)));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  return imbalance_measures(labels, rows);
}

ImbalanceMeasures imbalance_measures(const Tensor& labels, std::span<const int64_t> rows) {
  detail::check_label_matrix(labels, "imbalance_measures");
  const int64_t n = labels.size(0), width = labels.size(1);
  std::vector<int64_t> counts(static_cast<size_t>(width), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    FULCRUM_CHECK(rows[i] >= 0 && rows[i] < n,
                  "imbalance_measures: rows[{}] = {} is outside [0, {})", i, rows[i], n);
    count_row(labels.data(), width, rows[i], counts);
  }
  return measures_from_counts(std::move(counts));
}

std::vector<int64_t> ml_ros(const Tensor& labels, double percentage, uint64_t seed) {
  detail::check_label_matrix(labels, "ml_ros");
  FULCRUM_CHECK(std::isfinite(percentage) && percentage >= 0.0,
                "ml_ros: percentage = {} must be a finite number >= 0", percentage);
  const int64_t n = labels.size(0), width = labels.size(1);
  const float* values = labels.data();

  ImbalanceMeasures start = imbalance_measures(labels);
  const double mean_ir = start.mean_ir;  // fixed: the bar every minority label must reach
  std::vector<int64_t> counts = std::move(start.counts);
  int64_t largest = *std::max_element(counts.begin(), counts.end());

  std::vector<int64_t> minority;  // labels still to be cloned for, ascending
  for (int64_t l = 0; l < width; ++l)
    if (counts[l] > 0 && start.irlbl[l] > mean_ir) minority.push_back(l);
  std::vector<std::vector<int64_t>> bags(static_cast<size_t>(width));
  for (int64_t row = 0; row < n; ++row)
    for (int64_t l : minority)
      if (values[row * width + l] != 0.0f) bags[l].push_back(row);

  std::vector<int64_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  int64_t clones_left = clones_wanted(n, percentage);
  Generator gen(seed);
  while (clones_left > 0 && !minority.empty()) {
    for (size_t i = 0; i < minority.size() && clones_left > 0;) {
      const int64_t l = minority[i];
      const double irlbl = static_cast<double>(largest) / static_cast<double>(counts[l]);
      if (irlbl <= mean_ir) {
        minority.erase(minority.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      const std::vector<int64_t>& bag = bags[l];
      const int64_t row = bag[gen.below(bag.size())];
      rows.push_back(row);
      --clones_left;
      count_row(values, width, row, counts);
      for (int64_t j = 0; j < width; ++j) largest = std::max(largest, counts[j]);
      ++i;
    }
  }
  return rows;
}

}  // namespace fulcrum::data
