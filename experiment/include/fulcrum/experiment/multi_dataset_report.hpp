#pragma once
// The report of an experiment over several data sets (config.hpp's
// `datasets`), what multi-label papers show, written to the experiment's
// output_dir beside each data set's own report (report.hpp, in
// output_dir/<dataset>/):
//   summary.md / index.html  per metric (macro-F1, micro-F1, macro AP,
//                 Hamming loss): strategies x data sets as mean ± std over
//                 seeds, each strategy's average rank, Friedman's test
//                 (chi-square and Iman-Davenport F, with p-values) and the
//                 Nemenyi critical difference (rank_tests.hpp)
//   ranks.csv     metric,strategy,dataset,mean,rank: the numbers ranked
//   plots/cd_<metric>.svg  the critical-difference diagrams
//
// Strategies are compared by the trainer's evaluation (not the recalibrated
// or tuned-threshold variants) of the first head, by the mean over seeds on
// each data set. A data set on which some strategy has no value (a failed
// run) is left out of the ranks of that metric, and the report says so.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fulcrum/experiment/rank_tests.hpp"
#include "fulcrum/experiment/results.hpp"

namespace fulcrum::experiment {

/// Represents: the finished runs of one data set.
struct DatasetRuns {
  std::string name;
  std::vector<RunResults> runs;
};

/// Represents: what the report says besides the numbers.
struct MultiDatasetContext {
  std::string name;
  std::vector<uint64_t> seeds;
  std::vector<std::string> notes;  ///< e.g. failed runs, one line each
  double alpha = 0.05;             ///< the Nemenyi test's significance level
};

/// Represents: a metric the report ranks strategies by.
struct RankedMetric {
  std::string metric;  ///< the name in test_metrics.json ("f1_macro")
  std::string title;   ///< "macro-F1"
  bool higher_is_better = true;
};

/// macro-F1, micro-F1, macro AP (higher is better) and Hamming loss (lower).
const std::vector<RankedMetric>& ranked_metrics();

/// Represents: the strategies compared over data sets by one metric.
/// scores[d][s] and spread[d][s] are strategy s's mean and MeanStd over
/// seeds on data set `ranked_datasets[d]`; the tests are absent when fewer
/// than 2 strategies or 2 data sets can be ranked.
struct RankComparison {
  RankedMetric metric;
  std::vector<std::string> strategies;       ///< in grid order
  std::vector<std::string> ranked_datasets;  ///< every strategy has a value
  std::vector<std::string> left_out;         ///< some strategy has none
  std::vector<std::vector<double>> scores;
  std::vector<std::vector<std::string>> cells;  ///< "mean ± std" per [d][s]
  std::vector<double> average_ranks;            ///< per strategy; empty without data sets
  std::optional<FriedmanTest> friedman;
  std::optional<NemenyiTest> nemenyi;
};

/// The comparison by `metric` of the strategies over `datasets`.
RankComparison compare_over_datasets(const std::vector<DatasetRuns>& datasets,
                                     const RankedMetric& metric, double alpha = 0.05);

/// summary.md's text.
std::string multi_dataset_markdown(const MultiDatasetContext& context,
                                   const std::vector<RankComparison>& comparisons,
                                   const std::vector<std::string>& dataset_names);

/// Writes summary.md, index.html, ranks.csv and plots/cd_<metric>.svg into
/// `dir` (created if needed).
void write_multi_dataset_report(const MultiDatasetContext& context,
                                const std::vector<DatasetRuns>& datasets,
                                const std::filesystem::path& dir);

}  // namespace fulcrum::experiment
