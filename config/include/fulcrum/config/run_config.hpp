#pragma once
// The run configuration: what a YAML config file describes, as plain structs.
//
// configs/*.yaml map one to one onto these structs (key names are the field
// names). loader.hpp parses and validates a file into a RunConfig;
// C++ users may also fill a RunConfig by hand and give it to the Trainer.
// Defaults are the values a PyTorch/scikit-learn user would expect.
// Every struct compares equal field by field (to check that a config
// round-trips through to_yaml / parse_config).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/libsvm.hpp"
#include "fulcrum/data/sampling.hpp"
#include "fulcrum/data/source.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/losses/head_loss.hpp"
#include "fulcrum/losses/reduction.hpp"
#include "fulcrum/metrics/thresholds.hpp"
#include "fulcrum/optim/optimizer.hpp"
#include "fulcrum/optim/schedule.hpp"

namespace fulcrum::config {

// -- data ------------------------------------------------------------------------

/// One synthetic head: `frequencies` are per-label positive rates (multilabel)
/// or class priors (multiclass).
struct SyntheticHeadConfig {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
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

/// The readers' bounds on what one file may make them hold (data/csv.hpp,
/// arff.hpp, libsvm.hpp), each >= 1; the defaults are the readers'.
struct ReaderLimitsConfig {
  int64_t max_elements = data::ArffOptions{}.max_elements;     ///< arff, libsvm: of N x F and N x L
  int64_t max_line_bytes = data::CsvOptions{}.max_line_bytes;  ///< csv: one record
  int64_t max_fields = data::CsvOptions{}.max_fields;          ///< csv: fields of one record

  friend bool operator==(const ReaderLimitsConfig&, const ReaderLimitsConfig&) = default;
};

struct DataConfig {
  data::DataSource source = data::DataSource::Synthetic;
  SyntheticConfig synthetic;
  std::string train;                  ///< file path (file sources); the loader makes it absolute
  std::string test;                   ///< optional; without it a test split is taken from train
  bool header = true;                 ///< csv
  std::string delimiter = ",";        ///< csv
  std::vector<std::string> features;  ///< csv feature columns; empty: all others
  std::map<std::string, TargetColumnsConfig> targets;  ///< by head name
  int64_t label_count = 0;  ///< arff (MULAN -C) / libsvm label count; 0: infer
  /// arff: a MULAN XML file naming the label attributes (wherever they stand
  /// in the file); a path like `train`. Not together with label_count.
  std::string labels_xml;
  std::vector<std::string> drop;  ///< arff: attributes left out (any type, e.g. string, date)
  /// arff: what a '?' in a feature becomes (imputed from the training split).
  data::MissingPolicy missing = data::MissingPolicy::Error;
  ReaderLimitsConfig limits;  ///< file sources
  /// arff / libsvm: sparse (CSR) features for files with sparse rows; see
  /// data::FeatureStorage (auto: when at most 15% of the values are non-zero).
  /// Dense by default: a sparse epoch is only 1.0-1.4x faster on the MULAN
  /// sets, as the optimizer step and the other weight-sized terms cost the
  /// same either way (bench/README.md).
  data::FeatureStorage sparse = data::FeatureStorage::Dense;
  double validation_fraction = 0.2;
  double test_fraction = 0.2;  ///< only when `test` is not given
  bool standardize = true;     ///< fit mean/std on the training split only
  /// Re-sampling of the TRAINING split (the loader's order), on the targets
  /// of the first head in model.heads.
  data::Sampling sampling = data::Sampling::None;
  double ml_ros_percentage = 25.0;  ///< ml_ros: rows to clone, % of the training split

  friend bool operator==(const DataConfig&, const DataConfig&) = default;
};

// -- model -----------------------------------------------------------------------

struct BackboneConfig {
  std::vector<int64_t> sizes;  ///< hidden sizes; the input size comes from the data
  nn::Activation activation = nn::Activation::ReLU;
  double dropout = 0.0;

  friend bool operator==(const BackboneConfig&, const BackboneConfig&) = default;
};

/// The most parameters (weights and bias) one Linear layer of a config's
/// model, and the whole model, may have: 2^31, 8 GiB of float32 weights
/// before their gradients and optimizer state. validate() checks the layers
/// the config alone determines (each hidden size, hidden to hidden, last
/// hidden to a head with outputs); build_model() checks every layer once the
/// input size is known.
inline constexpr int64_t kMaxParameters = int64_t{1} << 31;

/// How a class/label weight is found: none, a rule computed from the
/// training split (loss_builder.hpp), or explicit numbers (Values, written in
/// a config as a list of numbers rather than by name).
enum class WeightRule {
  None,
  NegOverPos,
  InverseFrequency,
  SqrtInverseFrequency,
  EffectiveNumber,
  Values
};

inline std::span<const Named<WeightRule>> name_table(WeightRule) {
  static constexpr Named<WeightRule> kTable[] = {
      {WeightRule::None, "none"},
      {WeightRule::NegOverPos, "neg_over_pos"},
      {WeightRule::InverseFrequency, "inverse_frequency"},
      {WeightRule::SqrtInverseFrequency, "sqrt_inverse_frequency"},
      {WeightRule::EffectiveNumber, "effective_number"},
      {WeightRule::Values, "values"}};
  return kTable;
}

/// A class/label weighting.
struct WeightSpec {
  WeightRule rule = WeightRule::None;
  std::vector<double> values;  ///< when rule is Values

  friend bool operator==(const WeightSpec&, const WeightSpec&) = default;
};

/// bce for multilabel heads, cross_entropy for multiclass ones.
inline nn::LossKind default_loss_kind(TaskKind head_kind) {
  return head_kind == TaskKind::MultiClass ? nn::LossKind::CrossEntropy : nn::LossKind::BCE;
}

/// A head's loss. `kind` unset is the head kind's default (bce for
/// multilabel, cross_entropy for multiclass; default_loss_kind); the Trainer
/// writes the resolved kind. multilabel heads take bce, focal or asymmetric;
/// multiclass heads cross_entropy or logit_adjusted.
struct LossConfig {
  std::optional<nn::LossKind> kind;
  WeightSpec weight;                              ///< BCE `weight` (per label) or CE class `weight`
  WeightSpec pos_weight;                          ///< BCE only
  nn::Reduction reduction = nn::Reduction::Mean;  ///< mean | sum (a training loss is a scalar)
  double label_smoothing = 0.0;                   ///< CE only
  int64_t ignore_index = -100;                    ///< CE only
  double effective_number_beta = 0.999;  ///< weight rule effective_number (Cui et al. 2019)
  double focal_alpha = 0.25;  ///< focal (torchvision's defaults); alpha < 0: no weighting
  double focal_gamma = 2.0;   ///< focal
  double gamma_pos = 0.0;     ///< asymmetric (Ridnik et al. 2021's recommended values)
  double gamma_neg = 4.0;     ///< asymmetric
  double clip = 0.05;         ///< asymmetric probability margin; 0: off
  double tau = 1.0;           ///< logit_adjusted (Menon et al. 2021)
  /// logit_adjusted: the class priors; empty: the training split's class
  /// frequencies (what a checkpoint stores, so the loss needs no training data).
  std::vector<double> class_priors;

  friend bool operator==(const LossConfig&, const LossConfig&) = default;
};

struct HeadConfig {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  int64_t outputs = 0;  ///< labels or classes; 0: taken from the data
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
  optim::OptimizerKind name = optim::OptimizerKind::AdamW;
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
  optim::ScheduleKind name = optim::ScheduleKind::Constant;
  int64_t warmup_epochs = 0;  ///< linear warm-up from 0 (all schedules)
  int64_t step_size = 30;     ///< step: multiply by gamma every step_size epochs
  double gamma = 0.1;
  double min_lr = 0.0;  ///< cosine floor

  /// The schedule as optim::scheduled_lr takes it.
  optim::ScheduleOptions options() const {
    return {.kind = name,
            .warmup_epochs = warmup_epochs,
            .step_size = step_size,
            .gamma = gamma,
            .min_lr = min_lr};
  }

  friend bool operator==(const ScheduleConfig&, const ScheduleConfig&) = default;
};

/// Whether a smaller or a larger monitored value is better.
enum class MonitorMode { Min, Max };

inline std::span<const Named<MonitorMode>> name_table(MonitorMode) {
  static constexpr Named<MonitorMode> kTable[] = {{MonitorMode::Min, "min"},
                                                  {MonitorMode::Max, "max"}};
  return kTable;
}

/// Which model a run tests at the end and saves as best.safetensors.
enum class FinalModel { Best, Last };

inline std::span<const Named<FinalModel>> name_table(FinalModel) {
  static constexpr Named<FinalModel> kTable[] = {{FinalModel::Best, "best"},
                                                 {FinalModel::Last, "last"}};
  return kTable;
}

struct EarlyStoppingConfig {
  bool enabled = false;         ///< the loader turns it on when the file has the section
  std::string metric = "loss";  ///< validation metric: loss, or HEAD.METRIC (labels.f1_macro)
  MonitorMode mode = MonitorMode::Min;
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
  FinalModel final_model = FinalModel::Best;
  /// Seconds of training between two saves of last.safetensors (with the best
  /// model, kept in memory until then); 0: after every epoch. The last epoch,
  /// early stopping and an interrupt always save.
  double checkpoint_interval = 10.0;
  EarlyStoppingConfig early_stopping;
  bool progress = true;  ///< progress bar (only when stderr is a terminal)

  friend bool operator==(const TrainingConfig&, const TrainingConfig&) = default;
};

/// What happens after training, on the validation split.
struct EvaluationConfig {
  /// Per-label thresholds of the multilabel heads, tuned on the validation
  /// split with the best model; unset (`none` in a config): not tuned. Written
  /// f1 | "precision>=P" | "recall>=R" (metrics/thresholds.hpp). They go into
  /// best.safetensors and the test evaluation.
  std::optional<metrics::ThresholdObjective> threshold_tuning;

  friend bool operator==(const EvaluationConfig&, const EvaluationConfig&) = default;
};

/// How the processes of a data-parallel run (mpirun -np N fulcrum train)
/// wait for each other (docs/distributed.md).
struct DistributedConfig {
  /// Seconds a process waits for the others in a collective (a gradient sum,
  /// a broadcast) before it ends the whole job with an error: a process that
  /// died or hangs never makes the others wait forever.
  double timeout = 300.0;

  friend bool operator==(const DistributedConfig&, const DistributedConfig&) = default;
};

// -- the whole run ----------------------------------------------------------------

struct RunConfig {
  std::string name = "run";  ///< the loader defaults it to the config file's stem
  uint64_t seed = 0;
  int64_t threads = 0;                  ///< kernel threads; 0: the adaptive policy (core/parallel.hpp)
  std::string output_dir = "runs/run";  ///< the loader defaults it to runs/<name>
  DataConfig data;
  ModelConfig model;
  TrainingConfig training;
  EvaluationConfig evaluation;
  DistributedConfig distributed;
  std::string source_path;  ///< the file it was read from (for messages), if any

  friend bool operator==(const RunConfig&, const RunConfig&) = default;
};

}  // namespace fulcrum::config
