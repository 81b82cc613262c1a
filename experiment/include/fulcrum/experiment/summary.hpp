#pragma once
// Aggregating an experiment's runs over seeds: one SummaryRow per head and
// per strategy's evaluation ("pos_weight", "pos_weight (recalibrated)", ...),
// holding every seed's value of every metric, and mean ± sample std of them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/experiment/results.hpp"

namespace fulcrum::experiment {

/// Represents: the mean and sample standard deviation (n - 1 in the
/// denominator) of n values; std is nullopt when n < 2, mean when n == 0.
struct MeanStd {
  int64_t n = 0;
  std::optional<double> mean;
  std::optional<double> std;
};

MeanStd mean_std(const std::vector<double>& values);

/// "0.4123 ± 0.0031"; "0.4123 ± n/a" for a single value; "n/a" for none.
std::string format_mean_std(const MeanStd& stat, int decimals = 4);

/// Represents: one head of one strategy's evaluation over the seeds it ran
/// with. Values that are undefined in a run (a ROC-AUC without positives)
/// are left out, so n may differ between metrics.
struct SummaryRow {
  std::string strategy;
  std::string variant;  ///< "" for the trainer's own evaluation
  std::string head;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<uint64_t> seeds;
  std::vector<std::string> labels;
  /// metric -> its defined values, one per run at most.
  std::vector<std::pair<std::string, std::vector<double>>> scalars;
  /// metric -> per label -> its defined values.
  std::vector<std::pair<std::string, std::vector<std::vector<double>>>> per_label;

  std::string name() const { return evaluation_name(strategy, variant); }
  MeanStd scalar(std::string_view metric) const;
  /// nullopt-mean MeanStd when the metric or the label is absent.
  MeanStd label_stat(std::string_view metric, size_t label) const;
  bool has_label_metric(std::string_view metric) const;
};

/// The rows of `runs`, ordered by head (first seen), then strategy (first
/// seen: the grid order), then variant (the trainer's, recalibrated, tuned
/// thresholds, then others as first seen).
/// Per-label values are matched by label name.
std::vector<SummaryRow> summarize(const std::vector<RunResults>& runs);

/// The columns of the main summary table of a head kind, as (metric, title):
/// multilabel: micro-F1, macro-F1, macro AUC, macro AP, hamming loss, ECE;
/// multiclass: accuracy, balanced accuracy, macro-F1, weighted F1, log loss.
const std::vector<std::pair<std::string, std::string>>& summary_columns(TaskKind kind);

/// The index in `rows` of the best row of `head` by mean macro-F1 (f1_macro),
/// the first on ties; nullopt when no row of the head has one.
std::optional<size_t> best_row(const std::vector<SummaryRow>& rows, const std::string& head);

}  // namespace fulcrum::experiment
