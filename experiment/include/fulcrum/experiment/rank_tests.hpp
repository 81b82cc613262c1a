#pragma once
// Comparing k methods over N data sets by their ranks, as Demsar recommends
// (J. Demsar, "Statistical Comparisons of Classifiers over Multiple Data
// Sets", JMLR 7:1-30, 2006): rank the methods on each data set, average the
// ranks, test whether they differ at all (Friedman's test, with Iman and
// Davenport's F form, which is less conservative), and find the pairs whose
// average ranks differ by at least the Nemenyi critical difference.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace fulcrum::experiment {

/// The ranks of one data set's scores: 1 for the best, tied scores sharing
/// the mean of the ranks they span ({0.9, 0.8, 0.8, 0.7} -> {1, 2.5, 2.5, 4}
/// when higher is better). Requires: no NaN (ValueError naming the position).
std::vector<double> rank_scores(const std::vector<double>& scores, bool higher_is_better);

/// The mean over data sets of each method's rank. `scores[d][m]` is method
/// m's score on data set d. Requires: at least one data set; every row holds
/// the same number (>= 1) of scores (ValueError naming the row otherwise).
std::vector<double> average_ranks(const std::vector<std::vector<double>>& scores,
                                  bool higher_is_better);

/// Represents: Friedman's test that k methods rank the same on average over
/// N data sets (Demsar's equations 1 and 2, without a correction for ties).
///   chi_square = 12 N / (k (k + 1)) * (sum_j R_j^2 - k (k + 1)^2 / 4), df k - 1
///   iman_davenport = (N - 1) chi_square / (N (k - 1) - chi_square),
///                    df (k - 1, (k - 1)(N - 1))
/// iman_davenport is +inf (p 0) when every data set ranks the methods alike.
struct FriedmanTest {
  int64_t methods = 0;   ///< k
  int64_t datasets = 0;  ///< N
  double chi_square = 0;
  double chi_square_df = 0;
  double chi_square_p = 1;
  double iman_davenport = 0;
  double iman_davenport_df1 = 0;
  double iman_davenport_df2 = 0;
  double iman_davenport_p = 1;
};

/// Friedman's test from the k average ranks over `datasets` data sets.
/// Requires: k >= 2, datasets >= 2, each rank in [1, k] (ValueError otherwise).
FriedmanTest friedman_test(const std::vector<double>& average_ranks, int64_t datasets);

/// Represents: the Nemenyi test's critical difference of average ranks,
/// CD = q_alpha sqrt(k (k + 1) / (6 N)), where q_alpha is the 1 - alpha
/// quantile of the studentized range of k values with infinite degrees of
/// freedom divided by sqrt(2) (Demsar's table 5a: 2.569 for k = 4 at 0.05).
struct NemenyiTest {
  int64_t methods = 0;
  int64_t datasets = 0;
  double alpha = 0.05;
  double q_alpha = 0;
  double critical_difference = 0;
};

/// The Nemenyi critical difference for k methods over N data sets.
/// Requires: k >= 2, N >= 1, 0 < alpha < 1.
NemenyiTest nemenyi_test(int64_t methods, int64_t datasets, double alpha = 0.05);

/// The groups of methods whose average ranks are not significantly
/// different: with the methods sorted by average rank, each maximal run
/// [first, last] (indices into the SORTED order, first < last) whose ranks
/// span less than `critical_difference`. Methods alone in their run are in no
/// group. These are the bars of a critical-difference diagram.
std::vector<std::pair<size_t, size_t>> nemenyi_groups(const std::vector<double>& sorted_ranks,
                                                      double critical_difference);

}  // namespace fulcrum::experiment
