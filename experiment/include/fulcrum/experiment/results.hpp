#pragma once
// Reading a finished run's outputs back for the experiment report: the
// trainer's test_metrics.json and metrics.jsonl (run_outputs.hpp) and the
// experiment's test_variants.json (variants.hpp).
//
// The reader takes what the files hold rather than a fixed list: every
// numeric entry of a head's metrics is a scalar metric, every numeric field of
// its per_label / per_class entries a per-label metric, and every variant in
// test_variants.json an evaluation of its own.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/experiment/runner.hpp"
#include "fulcrum/experiment/variants.hpp"

namespace fulcrum::experiment {

/// Represents: one head's metrics from one evaluation. Undefined values
/// (JSON null) are nullopt.
/// scalars: "loss" and the names of metrics::metric_names(kind) first, in that order,
/// then any other numeric entry by name; per_label: "threshold", "support",
/// "precision", "recall", "f1", ... with one value per label; other: rows that
/// are neither, as (metric, label, value) (the confusion matrix as
/// ("confusion_matrix", "a->b", count)).
struct HeadMetrics {
  std::string head;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<std::pair<std::string, std::optional<double>>> scalars;
  std::vector<std::string> labels;
  std::vector<std::pair<std::string, std::vector<std::optional<double>>>> per_label;
  std::vector<std::tuple<std::string, std::string, double>> other;

  /// The value of scalar `name`; nullopt when absent or undefined.
  std::optional<double> scalar(std::string_view name) const;
  /// The per-label values of `name`; nullptr when absent.
  const std::vector<std::optional<double>>* label_metric(std::string_view name) const;
};

/// Represents: one evaluation of a run on the test split: the trainer's own
/// (variant "") or a variant ("recalibrated", "tuned thresholds", ...).
struct EvaluationMetrics {
  std::string variant;
  std::vector<HeadMetrics> heads;
};

/// Represents: reliability bins of one head's probabilities in one
/// evaluation (variant "" for the trainer's raw probabilities).
struct ReliabilityRecord {
  std::string variant;
  std::string head;
  ReliabilityBins bins;
  std::vector<ReliabilityBins> per_label;  ///< one per label; empty in older files
};

/// Represents: precision-recall counts of one head's raw probabilities, one
/// entry per label (pooled over labels: the micro-average).
struct PrRecord {
  std::string head;
  std::vector<PrCounts> per_label;
};

/// Represents: one line of metrics.jsonl: the training loss and the flat
/// validation metrics ("loss", "labels.f1_macro", ...; empty without a
/// validation split).
struct EpochRecord {
  int64_t epoch = 0;
  std::optional<double> train_loss;
  std::vector<std::pair<std::string, std::optional<double>>> validation;
};

/// Represents: everything the report uses from one run.
struct RunResults {
  std::string strategy;
  uint64_t seed = 0;
  std::vector<EvaluationMetrics> evaluations;  ///< the trainer's first, then the variants
  std::vector<ReliabilityRecord> reliability;
  std::vector<PrRecord> pr;
  std::vector<EpochRecord> epochs;
  std::filesystem::path dir;      ///< the run's directory
  std::optional<double> seconds;  ///< the run's time (summary.json), when known
  /// The epoch whose model the test split evaluated (summary.json: the best
  /// epoch, or the last with training.final_model: last); 0 when unknown.
  int64_t tested_epoch = 0;
  /// Per head: how often each label (class) occurs in the training split
  /// (summary.json "train_counts"); absent in older runs.
  std::vector<std::pair<std::string, std::vector<double>>> train_counts;

  /// Validation metric `key` ("labels.f1_macro") of the tested epoch;
  /// nullopt without a validation split or a known tested epoch.
  std::optional<double> tested_validation(std::string_view key) const;
};

/// "pos_weight" for the trainer's evaluation, "pos_weight (tuned thresholds)"
/// for a variant: the row name in every table and legend.
std::string evaluation_name(const std::string& strategy, const std::string& variant);

/// Reads a finished run. test_metrics.json is required; metrics.jsonl,
/// summary.json and test_variants.json are read when present. Heads are in the order of the
/// run's summary.json (alphabetical without it). Throws fulcrum::Error naming
/// the file for a missing or malformed one.
RunResults read_run_results(const ExperimentRun& run);

}  // namespace fulcrum::experiment
