#pragma once
// The run configuration: what a YAML config file describes, as plain structs.
//
// configs/*.yaml map one to one onto these structs (key names are the field
// names). config_loader.hpp parses and validates a file into a RunConfig;
// C++ users may also fill a RunConfig by hand and give it to the Trainer.
// Defaults are the values a PyTorch/scikit-learn user would expect.
// Every struct compares equal field by field (to check that a config
// round-trips through to_yaml / parse_config).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace fulcrum::train {

// -- data ------------------------------------------------------------------------

/// One synthetic head: `frequencies` are per-label positive rates (multilabel)
/// or class priors (multiclass).
struct SyntheticHeadConfig {
  std::string name;
  std::string kind = "multilabel";  ///< multilabel | multiclass
  std::vector<double> frequencies;

  friend bool operator==(const SyntheticHeadConfig&, const SyntheticHeadConfig&) = default;
};

struct SyntheticConfig {
  int64_t samples = 2000;
  int64_t features = 20;
  double label_correlation = 0.3;
  double noise = 1.0;
  std::vector<SyntheticHeadConfig> heads;

  friend bool operator==(const SyntheticConfig&, const SyntheticConfig&) = default;
};

/// Where a head's targets are in a data file (file sources only). Exactly one
/// of columns / column / last is given.
struct TargetColumnsConfig {
  std::vector<std::string> columns;  ///< multi-hot columns (multilabel)
  std::string column;                ///< one column: "a|b" label list, or a class
  int64_t last = 0;                  ///< the last N columns (headerless files)
  std::string separator = "|";
  std::vector<std::string> classes;  ///< optional fixed label/class order

  friend bool operator==(const TargetColumnsConfig&, const TargetColumnsConfig&) = default;
};

struct DataConfig {
  std::string source = "synthetic";  ///< synthetic | csv | arff | libsvm
  SyntheticConfig synthetic;
  std::string train;  ///< file path (file sources); the loader makes it absolute
  std::string test;   ///< optional; without it a test split is taken from train
  bool header = true;       ///< csv
  std::string delimiter = ",";  ///< csv
  std::vector<std::string> features;  ///< csv feature columns; empty: all others
  std::map<std::string, TargetColumnsConfig> targets;  ///< by head name
  int64_t label_count = 0;  ///< arff (MULAN -C) / libsvm label count; 0: infer
  double validation_fraction = 0.2;
  double test_fraction = 0.2;  ///< only when `test` is not given
  bool standardize = true;     ///< fit mean/std on the training split only
  /// Re-sampling of the TRAINING split (the loader's order): none |
  /// class_aware | ml_ros, on the targets of the first head in model.heads.
  std::string sampling = "none";
  double ml_ros_percentage = 25.0;  ///< ml_ros: rows to clone, % of the training split

  friend bool operator==(const DataConfig&, const DataConfig&) = default;
};

// -- model -----------------------------------------------------------------------

struct BackboneConfig {
  std::vector<int64_t> sizes;  ///< hidden sizes; the input size comes from the data
  std::string activation = "relu";
  double dropout = 0.0;

  friend bool operator==(const BackboneConfig&, const BackboneConfig&) = default;
};

/// A class/label weighting: none, a rule computed from the training split
/// (neg_over_pos, inverse_frequency, ...), or explicit numbers.
struct WeightSpec {
  /// none | neg_over_pos | inverse_frequency | sqrt_inverse_frequency |
  /// effective_number | values (see loss_builder.hpp)
  std::string rule = "none";
  std::vector<double> values;  ///< when rule == "values"

  friend bool operator==(const WeightSpec&, const WeightSpec&) = default;
};

/// A head's loss. `kind` "" is the head kind's default (bce for multilabel,
/// cross_entropy for multiclass); the Trainer writes the resolved name.
struct LossConfig {
  std::string kind;  ///< multilabel: bce | focal | asymmetric; multiclass: cross_entropy | logit_adjusted
  WeightSpec weight;      ///< BCE `weight` (per label) or CE class `weight`
  WeightSpec pos_weight;  ///< BCE only
  std::string reduction = "mean";
  double label_smoothing = 0.0;  ///< CE only
  int64_t ignore_index = -100;   ///< CE only
  double effective_number_beta = 0.999;  ///< weight rule effective_number (Cui et al. 2019)
  double focal_alpha = 0.25;  ///< focal (torchvision's defaults); alpha < 0: no weighting
  double focal_gamma = 2.0;   ///< focal
  double gamma_pos = 0.0;     ///< asymmetric (Ridnik et al. 2021's recommended values)
  double gamma_neg = 4.0;     ///< asymmetric
  double clip = 0.05;         ///< asymmetric probability margin; 0: off
  double tau = 1.0;           ///< logit_adjusted (Menon et al. 2021)

  friend bool operator==(const LossConfig&, const LossConfig&) = default;
};

struct HeadConfig {
  std::string name;
  std::string kind = "multilabel";  ///< multilabel (BCE) | multiclass (cross-entropy)
  int64_t outputs = 0;   ///< labels or classes; 0: taken from the data
  LossConfig loss;
  double head_weight = 1.0;  ///< total loss = sum of head_weight * head_loss
  double threshold = 0.5;    ///< multilabel decision threshold

  friend bool operator==(const HeadConfig&, const HeadConfig&) = default;
};

struct ModelConfig {
  BackboneConfig backbone;
  std::vector<HeadConfig> heads;  ///< in file order

  friend bool operator==(const ModelConfig&, const ModelConfig&) = default;
};

// -- training --------------------------------------------------------------------

struct OptimizerConfig {
  std::string name = "adamw";  ///< adam | adamw | sgd
  double lr = 1e-3;
  double weight_decay = 0.0;
  std::vector<double> betas{0.9, 0.999};
  double eps = 1e-8;
  bool amsgrad = false;
  double momentum = 0.0;  ///< sgd
  bool nesterov = false;  ///< sgd

  friend bool operator==(const OptimizerConfig&, const OptimizerConfig&) = default;
};

struct ScheduleConfig {
  std::string name = "constant";  ///< constant | step | cosine
  int64_t warmup_epochs = 0;      ///< linear warm-up from 0 (all schedules)
  int64_t step_size = 30;         ///< step: multiply by gamma every step_size epochs
  double gamma = 0.1;
  double min_lr = 0.0;            ///< cosine floor

  friend bool operator==(const ScheduleConfig&, const ScheduleConfig&) = default;
};

struct EarlyStoppingConfig {
  bool enabled = false;  ///< the loader turns it on when the file has the section
  std::string metric = "loss";  ///< validation metric: loss, or HEAD.METRIC (labels.f1_macro)
  std::string mode = "min";     ///< min | max
  int64_t patience = 10;

  friend bool operator==(const EarlyStoppingConfig&, const EarlyStoppingConfig&) = default;
};

struct TrainingConfig {
  int64_t epochs = 20;
  int64_t batch_size = 64;
  bool drop_last = false;
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  double grad_clip = 0.0;  ///< max global gradient norm; 0: off
  /// The model tested at the end and saved as best.safetensors: `best` (the
  /// epoch with the best monitored value) or `last` (the last epoch's, as a
  /// plain PyTorch loop that trains N epochs and keeps the result).
  std::string final_model = "best";
  EarlyStoppingConfig early_stopping;
  bool progress = true;    ///< progress bar (only when stderr is a terminal)

  friend bool operator==(const TrainingConfig&, const TrainingConfig&) = default;
};

/// What happens after training, on the validation split.
struct EvaluationConfig {
  /// Per-label thresholds of the multilabel heads, tuned on the validation
  /// split with the best model: none | f1 | "precision>=P" | "recall>=R"
  /// (thresholds.hpp). They go into best.safetensors and the test evaluation.
  std::string threshold_tuning = "none";

  friend bool operator==(const EvaluationConfig&, const EvaluationConfig&) = default;
};

// -- the whole run ----------------------------------------------------------------

struct RunConfig {
  std::string name = "run";  ///< the loader defaults it to the config file's stem
  uint64_t seed = 0;
  int64_t threads = 0;  ///< OpenMP threads; 0: all cores
  std::string output_dir = "runs/run";  ///< the loader defaults it to runs/<name>
  DataConfig data;
  ModelConfig model;
  TrainingConfig training;
  EvaluationConfig evaluation;
  std::string source_path;  ///< the file it was read from (for messages), if any

  friend bool operator==(const RunConfig&, const RunConfig&) = default;
};

}  // namespace fulcrum::train
