#pragma once
// Evaluating a multi-head model on a dataset: the loss of every head and the
// metrics of fulcrum/metrics, looked up by the names a config uses ("loss",
// "labels.f1_macro").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/losses/head_loss.hpp"
#include "fulcrum/metrics/multiclass.hpp"
#include "fulcrum/metrics/multilabel.hpp"

namespace fulcrum::train {

/// Represents: one head's results on one split. Exactly one of multilabel /
/// multiclass is set, according to kind.
struct HeadEvaluation {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<std::string> labels;  ///< label or class names
  double loss = 0;                  ///< the head's loss on the whole split
  std::optional<metrics::MultiLabelMetrics> multilabel;
  std::optional<metrics::MultiClassMetrics> multiclass;

  /// The head's scalar metrics, by name (metrics::metric_names), "loss" first.
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

  /// Every scalar as ("loss", value), ("HEAD.loss", ...), ("HEAD.f1_micro",
  /// ...) in a fixed order (the per-epoch log), then "HEAD.recalibrated.METRIC"
  /// for the recalibrated heads; undefined values are nullopt.
  std::vector<std::pair<std::string, std::optional<double>>> scalars() const;
  /// As JSON text: {"split", "samples", "loss", "heads": {NAME: the head's
  /// metrics (metrics_json.hpp) plus "loss"}}, plus "recalibrated": {"heads":
  /// {NAME: ...}} when there are recalibrated heads. `indent` < 0: one line.
  std::string to_json_string(int indent = 2) const;
  /// Rows `head,metric,label,value`: each head's report to_csv with its name first.
  std::string to_csv() const;
  /// Each head's table (report.hpp format_report), under a title line; then
  /// the recalibrated heads' tables.
  std::string format_report() const;
};

/// How evaluate() decides and batches.
struct EvaluateOptions {
  /// Logits are computed in batches of this many rows and joined.
  int64_t batch_size = 1024;
  /// Per head (in head order), the decision threshold of its multilabel
  /// labels; missing entries are 0.5.
  std::vector<double> head_thresholds{};
  /// Per head, one threshold per label (tuned); an empty or missing entry
  /// uses the head's threshold.
  std::vector<std::vector<float>> label_thresholds{};
  /// Also fill EvaluationResult::recalibrated.
  bool recalibrate = false;
};

/// Evaluates `model` on `dataset` in eval mode and without recording a graph
/// (the model's training flag is restored afterwards), so the losses and
/// metrics are those of the whole split. Heads are matched to `losses` by
/// position and to dataset targets by name; a head's kind is its loss's task
/// and the total loss weighs each head with its HeadLoss::head_weight.
/// Requires: a non-empty dataset with a target for every head; one loss per
/// head of the model, in its order (ValueError naming the head otherwise).
EvaluationResult evaluate(nn::MultiHead& model, const data::Dataset& dataset,
                          const std::vector<nn::HeadLoss>& losses, std::string split,
                          const EvaluateOptions& options = {});

/// Every head's logits for the whole dataset (dense or sparse features), in
/// head order, computed `batch_size` rows at a time in eval mode without a
/// graph (the model's training flag is restored afterwards).
std::vector<Tensor> head_logits(nn::MultiHead& model, const data::Dataset& dataset,
                                int64_t batch_size = 1024);

/// Logits whose sigmoid / softmax are calibrated probabilities again for a
/// head trained with pos_weight (bce: z - log(pos_weight)) or class weights
/// (cross_entropy: z - log(weight)); undefined for every other head (nothing
/// to undo). Weights <= 0 (a label whose examples are all positive) are left
/// uncorrected.
Tensor recalibrated_logits(const Tensor& logits, nn::LossKind kind, const Tensor& weight,
                           const Tensor& pos_weight);
/// The same with the head's loss's kind and weights.
inline Tensor recalibrated_logits(const Tensor& logits, const nn::HeadLoss& loss) {
  return recalibrated_logits(logits, loss.kind, loss.weight, loss.pos_weight);
}

}  // namespace fulcrum::train
