#pragma once
// What the report's plots and sections both derive from the runs: labels
// ordered by how often they occur, the baseline and the strategy selected on
// the validation split, and each seed's value of a metric.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fulcrum/experiment/results.hpp"
#include "fulcrum/experiment/summary.hpp"

namespace fulcrum::experiment {

/// Represents: how often each label of a row occurs, and where that was
/// counted ("training split", or "test split" for runs without the training
/// counts in their summary.json).
struct LabelFrequency {
  std::vector<double> counts;  ///< one per row.labels
  std::string split;
};

/// The frequencies of `row`'s labels: the training split's counts of its
/// first run that has them, else the mean test support over seeds.
LabelFrequency label_frequency(const std::vector<RunResults>& runs, const SummaryRow& row);

/// Label indices by count, most frequent first (ties: the original order).
std::vector<size_t> most_frequent_first(const std::vector<double>& counts);

/// The baseline the other strategies are compared with: the experiment's
/// first strategy (the grid's order).
std::string baseline_strategy(const std::vector<SummaryRow>& rows);

/// Represents: which row of a head the report calls the best, and how it
/// was chosen.
struct Selection {
  size_t row = 0;
  bool on_validation = false;  ///< false: on the test split (no validation split)
  MeanStd value;               ///< the macro-F1 it was chosen by
};

/// The trainer-evaluated row (variant "") of `head` with the highest mean
/// validation macro-F1 of its tested models, when every run has a validation
/// split; else the row with the best test macro-F1 (best_row). nullopt when
/// no row has a macro-F1.
std::optional<Selection> select_best(const std::vector<RunResults>& runs,
                                     const std::vector<SummaryRow>& rows, const std::string& head);

/// Per seed, the test value of scalar `metric` of `head` in `strategy`'s
/// evaluation `variant` (seeds where it is undefined left out).
std::vector<std::pair<uint64_t, double>> per_seed(const std::vector<RunResults>& runs,
                                                  const std::string& strategy,
                                                  const std::string& variant,
                                                  const std::string& head,
                                                  const std::string& metric);

}  // namespace fulcrum::experiment
