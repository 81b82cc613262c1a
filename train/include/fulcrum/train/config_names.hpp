#pragma once
// The names a run config accepts for its enumerated settings, in the order
// error messages and documentation list them. One place to extend: a new
// optimizer, schedule or weight rule is added here, and the loader accepts it.

#include <string>
#include <vector>

namespace fulcrum::train {

/// data.source: synthetic, csv, arff, libsvm.
const std::vector<std::string>& data_source_names();
/// A head's kind (model.heads.*.kind, data.synthetic.heads.*.kind):
/// multilabel (sigmoid outputs, BCE), multiclass (softmax outputs, cross-entropy).
const std::vector<std::string>& head_kind_names();
/// A loss's reduction: mean, sum (a training loss must be a scalar, so no `none`).
const std::vector<std::string>& reduction_names();
/// The rules a WeightSpec may name in a config: none, neg_over_pos,
/// inverse_frequency, sqrt_inverse_frequency, effective_number. ("values" is
/// written as a list of numbers, not by name.)
const std::vector<std::string>& weight_rule_names();
/// A multilabel head's loss.kind: bce, focal, asymmetric.
const std::vector<std::string>& multilabel_loss_names();
/// A multiclass head's loss.kind: cross_entropy, logit_adjusted.
const std::vector<std::string>& multiclass_loss_names();
/// data.sampling: none, class_aware, ml_ros.
const std::vector<std::string>& sampling_names();
/// training.optimizer.name: adam, adamw, sgd.
const std::vector<std::string>& optimizer_names();
/// training.schedule.name: constant, step, cosine.
const std::vector<std::string>& schedule_names();
/// training.early_stopping.mode: min, max.
const std::vector<std::string>& early_stopping_mode_names();
/// training.final_model: best | last.
const std::vector<std::string>& final_model_names();
/// model.backbone.activation: the names nn::make_activation accepts.
const std::vector<std::string>& activation_config_names();

}  // namespace fulcrum::train
