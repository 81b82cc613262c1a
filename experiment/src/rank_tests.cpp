// Average ranks, Friedman's test and the Nemenyi critical difference (rank_tests.hpp).
#include "fulcrum/experiment/rank_tests.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "fulcrum/core/error.hpp"
#include "fulcrum/experiment/distributions.hpp"

namespace fulcrum::experiment {

std::vector<double> rank_scores(const std::vector<double>& scores, bool higher_is_better) {
  for (size_t i = 0; i < scores.size(); ++i) {
    FULCRUM_CHECK(!std::isnan(scores[i]), "rank_scores: score {} of {} is NaN", i, scores.size());
  }
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return higher_is_better ? scores[a] > scores[b] : scores[a] < scores[b];
  });
  std::vector<double> ranks(scores.size());
  for (size_t first = 0; first < order.size();) {
    size_t last = first;
    while (last + 1 < order.size() && scores[order[last + 1]] == scores[order[first]]) ++last;
    // Positions first..last (ranks first + 1 .. last + 1) share their mean.
    const double shared = 0.5 * static_cast<double>(first + last) + 1.0;
    for (size_t i = first; i <= last; ++i) ranks[order[i]] = shared;
    first = last + 1;
  }
  return ranks;
}

std::vector<double> average_ranks(const std::vector<std::vector<double>>& scores,
                                  bool higher_is_better) {
  FULCRUM_CHECK(!scores.empty(), "average_ranks: no data set to rank on");
  const size_t methods = scores.front().size();
  FULCRUM_CHECK(methods >= 1, "average_ranks: data set 0 has no score");
  std::vector<double> sum(methods, 0.0);
  for (size_t d = 0; d < scores.size(); ++d) {
    FULCRUM_CHECK(scores[d].size() == methods,
                  "average_ranks: data set {} has {} scores, data set 0 has {}", d,
                  scores[d].size(), methods);
    const std::vector<double> ranks = rank_scores(scores[d], higher_is_better);
    for (size_t m = 0; m < methods; ++m) sum[m] += ranks[m];
  }
  for (double& s : sum) s /= static_cast<double>(scores.size());
  return sum;
}

FriedmanTest friedman_test(const std::vector<double>& average_ranks, int64_t datasets) {
  const auto k = static_cast<int64_t>(average_ranks.size());
  FULCRUM_CHECK(k >= 2, "friedman_test: needs at least 2 methods, got {}", k);
  FULCRUM_CHECK(datasets >= 2, "friedman_test: needs at least 2 data sets, got {}", datasets);
  for (size_t m = 0; m < average_ranks.size(); ++m) {
    FULCRUM_CHECK(average_ranks[m] >= 1 && average_ranks[m] <= static_cast<double>(k),
                  "friedman_test: average rank {} of method {} is outside [1, {}]",
                  average_ranks[m], m, k);
  }
  const double n = static_cast<double>(datasets);
  const double kd = static_cast<double>(k);
  double squares = 0;
  for (const double r : average_ranks) squares += r * r;
  FriedmanTest test;
  test.methods = k;
  test.datasets = datasets;
  // Rounding can leave a tiny negative value when every rank is (k + 1) / 2.
  test.chi_square =
      std::max(0.0, 12.0 * n / (kd * (kd + 1.0)) * (squares - kd * (kd + 1.0) * (kd + 1.0) / 4.0));
  test.chi_square_df = kd - 1.0;
  test.chi_square_p = chi_square_sf(test.chi_square, test.chi_square_df);
  test.iman_davenport_df1 = kd - 1.0;
  test.iman_davenport_df2 = (kd - 1.0) * (n - 1.0);
  const double denominator = n * (kd - 1.0) - test.chi_square;
  // chi_square reaches N (k - 1) when every data set ranks the methods alike.
  if (denominator <= 1e-12 * n * kd) {
    test.iman_davenport = std::numeric_limits<double>::infinity();
    test.iman_davenport_p = 0.0;
  } else {
    test.iman_davenport = (n - 1.0) * test.chi_square / denominator;
    test.iman_davenport_p =
        f_sf(test.iman_davenport, test.iman_davenport_df1, test.iman_davenport_df2);
  }
  return test;
}

NemenyiTest nemenyi_test(int64_t methods, int64_t datasets, double alpha) {
  FULCRUM_CHECK(methods >= 2, "nemenyi_test: needs at least 2 methods, got {}", methods);
  FULCRUM_CHECK(datasets >= 1, "nemenyi_test: needs at least 1 data set, got {}", datasets);
  FULCRUM_CHECK(alpha > 0 && alpha < 1, "nemenyi_test: alpha must be in (0, 1), got {}", alpha);
  NemenyiTest test;
  test.methods = methods;
  test.datasets = datasets;
  test.alpha = alpha;
  test.q_alpha =
      studentized_range_quantile(1.0 - alpha, static_cast<int>(methods)) / std::sqrt(2.0);
  const double k = static_cast<double>(methods);
  test.critical_difference =
      test.q_alpha * std::sqrt(k * (k + 1.0) / (6.0 * static_cast<double>(datasets)));
  return test;
}

std::vector<std::pair<size_t, size_t>> nemenyi_groups(const std::vector<double>& sorted_ranks,
                                                      double critical_difference) {
  std::vector<std::pair<size_t, size_t>> groups;
  size_t covered_until = 0;  // the last index of the previous group, to keep only maximal runs
  for (size_t first = 0; first < sorted_ranks.size(); ++first) {
    size_t last = first;
    while (last + 1 < sorted_ranks.size() &&
           sorted_ranks[last + 1] - sorted_ranks[first] < critical_difference) {
      ++last;
    }
    if (last > first && (groups.empty() || last > covered_until)) {
      groups.emplace_back(first, last);
      covered_until = last;
    }
  }
  return groups;
}

}  // namespace fulcrum::experiment
