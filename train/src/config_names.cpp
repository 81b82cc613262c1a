#include "fulcrum/train/config_names.hpp"

#include "fulcrum/layers/activation.hpp"

namespace fulcrum::train {

const std::vector<std::string>& data_source_names() {
  static const std::vector<std::string> names{"synthetic", "csv", "arff", "libsvm"};
  return names;
}

const std::vector<std::string>& head_kind_names() {
  static const std::vector<std::string> names{"multilabel", "multiclass"};
  return names;
}

const std::vector<std::string>& reduction_names() {
  static const std::vector<std::string> names{"mean", "sum"};
  return names;
}

const std::vector<std::string>& weight_rule_names() {
  static const std::vector<std::string> names{"none", "neg_over_pos", "inverse_frequency",
                                              "sqrt_inverse_frequency", "effective_number"};
  return names;
}

const std::vector<std::string>& multilabel_loss_names() {
  static const std::vector<std::string> names{"bce", "focal", "asymmetric"};
  return names;
}

const std::vector<std::string>& multiclass_loss_names() {
  static const std::vector<std::string> names{"cross_entropy", "logit_adjusted"};
  return names;
}

const std::vector<std::string>& sampling_names() {
  static const std::vector<std::string> names{"none", "class_aware", "ml_ros"};
  return names;
}

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"adam", "adamw", "sgd"};
  return names;
}

const std::vector<std::string>& schedule_names() {
  static const std::vector<std::string> names{"constant", "step", "cosine"};
  return names;
}

const std::vector<std::string>& final_model_names() {
  static const std::vector<std::string> names{"best", "last"};
  return names;
}

const std::vector<std::string>& early_stopping_mode_names() {
  static const std::vector<std::string> names{"min", "max"};
  return names;
}

const std::vector<std::string>& activation_config_names() { return nn::activation_names(); }

}  // namespace fulcrum::train
