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
  /// The heads trained with pos_weight (bce) or class weights (cross_entropy)
  /// once more, on recalibrated probabilities: sigmoid(z - log(pos_weight)),
  /// softmax(z - log(weight)) (losses/class_weights.hpp), decided with the
  /// head's configured threshold (multilabel) or the argmax. Their loss is the
  /// head's training loss (unchanged). Empty unless evaluate() was asked for it.
  std::vector<HeadEvaluation> recalibrated;

  /// A metric by its config name: "loss" (the total), or "HEAD.METRIC" with
  /// METRIC one of the head's scalar_metrics() ("labels.f1_macro",
  /// "rating.accuracy", "labels.loss"), or "HEAD.recalibrated.METRIC" for a
  /// recalibrated head. nullopt for an undefined value; throws
  /// ValueError listing the valid names for an unknown one.
  std::optional<double> metric(std::string_view name) const;

  /// Every scalar as "loss", "HEAD.loss", "HEAD.f1_micro", ... in a fixed order
  /// (the per-epoch log), then "HEAD.recalibrated.METRIC" for the recalibrated
  /// heads; undefined values are null.
  nlohmann::ordered_json flat_json() const;
  /// {"split", "samples", "loss", "heads": {NAME: report to_json(...) plus "loss"}},
  /// plus "recalibrated": {"heads": {NAME: ...}} when there are recalibrated heads.
  nlohmann::json to_json() const;
  /// Rows `head,metric,label,value`: each head's report to_csv with its name first.
  std::string to_csv() const;
  /// Each head's table (report.hpp format_report), under a title line; then
  /// the recalibrated heads' tables.
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
/// threshold per label. With `recalibrate`, also fills
/// EvaluationResult::recalibrated.
/// Requires: a non-empty dataset with a target for every head of `model_config`.
EvaluationResult evaluate(nn::MultiHead& model, const data::Dataset& dataset,
                          const ModelConfig& model_config, const std::vector<HeadLoss>& losses,
                          std::string split, int64_t batch_size = 1024,
                          const std::vector<std::vector<float>>& label_thresholds = {},
                          bool recalibrate = false);

/// Logits whose sigmoid / softmax are calibrated probabilities again for a
/// head trained with pos_weight (bce: z - log(pos_weight)) or class weights
/// (cross_entropy: z - log(weight)); undefined for every other head (nothing
/// to undo). Weights <= 0 (a label whose examples are all positive) are left
/// uncorrected.
Tensor recalibrated_logits(const Tensor& logits, const HeadLoss& loss);

}  // namespace fulcrum::train
