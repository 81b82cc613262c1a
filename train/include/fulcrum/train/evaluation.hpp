#pragma once
// Evaluating a multi-head model on a dataset: the loss of every head and the
// metrics of metrics_multilabel.hpp / metrics_multiclass.hpp, looked up by the
// names a config uses ("loss", "labels.f1_macro").

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fulcrum/data/dataset.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/train/config.hpp"
#include "fulcrum/train/loss_builder.hpp"
#include "fulcrum/train/metrics_multiclass.hpp"
#include "fulcrum/train/metrics_multilabel.hpp"

namespace fulcrum::train {

/// Represents: one head's results on one split. Exactly one of multilabel /
/// multiclass is set, according to kind.
struct HeadEvaluation {
  std::string name;
  std::string kind;                 ///< multilabel | multiclass
  std::vector<std::string> labels;  ///< label or class names
  double loss = 0;                  ///< the head's loss on the whole split
  std::optional<MultiLabelMetrics> multilabel;
  std::optional<MultiClassMetrics> multiclass;

  /// The head's scalar metrics, by name (see metric_names), "loss" first.
  /// Undefined values (ROC-AUC with one class present) are nullopt.
  std::vector<std::pair<std::string, std::optional<double>>> scalar_metrics() const;
};

/// Represents: a model's results on one split (train, validation or test).
struct EvaluationResult {
  std::string split;
  int64_t samples = 0;
  double loss = 0;  ///< sum over heads of head_weight * head loss
  std::vector<HeadEvaluation> heads;

  /// A metric by its config name: "loss" (the total), or "HEAD.METRIC" with
  /// METRIC one of the head's scalar_metrics() ("labels.f1_macro",
  /// "rating.accuracy", "labels.loss"). nullopt for an undefined value; throws
  /// ValueError listing the valid names for an unknown one.
  std::optional<double> metric(std::string_view name) const;

  /// Every scalar as "loss", "HEAD.loss", "HEAD.f1_micro", ... in a fixed order
  /// (the per-epoch log); undefined values are null.
  nlohmann::ordered_json flat_json() const;
  /// {"split", "samples", "loss", "heads": {NAME: report to_json(...) plus "loss"}}.
  nlohmann::json to_json() const;
  /// Rows `head,metric,label,value`: each head's report to_csv with its name first.
  std::string to_csv() const;
  /// Each head's table (report.hpp format_report), under a title line.
  std::string format_report() const;
};

/// The scalar metric names of a head kind, in the order of scalar_metrics():
/// multilabel: loss, f1_micro, f1_macro, f1_weighted, f1_samples, precision_*,
/// recall_*, hamming_loss, subset_accuracy, roc_auc_macro, roc_auc_micro,
/// average_precision_macro, average_precision_micro,
/// label_ranking_average_precision, coverage_error, brier_per_label_mean,
/// expected_calibration_error; multiclass: loss, accuracy, balanced_accuracy,
/// f1_macro, f1_weighted, log_loss.
const std::vector<std::string>& metric_names(std::string_view kind);

/// Whether a larger value of the metric (a name as for EvaluationResult::metric)
/// is better: false for losses, errors and calibration scores, true otherwise.
bool higher_is_better(std::string_view metric);

/// Evaluates `model` on `dataset` in eval mode and without recording a graph
/// (the model's training flag is restored afterwards). Logits are computed in
/// batches of `batch_size` and joined, so the losses and metrics are those of
/// the whole split. Heads are matched to dataset targets and to `losses` by
/// name; multilabel decisions use each head's HeadConfig::threshold, or, when
/// `label_thresholds` holds a non-empty entry for the head (in head order), one
/// threshold per label.
/// Requires: a non-empty dataset with a target for every head of `model_config`.
EvaluationResult evaluate(nn::MultiHead& model, const data::Dataset& dataset,
                          const ModelConfig& model_config, const std::vector<HeadLoss>& losses,
                          std::string split, int64_t batch_size = 1024,
                          const std::vector<std::vector<float>>& label_thresholds = {});

}  // namespace fulcrum::train
