#pragma once
// Predictor: a trained model loaded from a checkpoint, applied to new rows.
//
// ```cpp
// auto predictor = fulcrum::train::Predictor::load("runs/quickstart/best.safetensors");
// predictor.predict_csv("new_rows.csv", "predictions.csv");
// ```

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/core/names.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/imputer.hpp"
#include "fulcrum/data/scaler.hpp"
#include "fulcrum/data/split.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/losses/head_loss.hpp"
#include "fulcrum/train/evaluation.hpp"
#include "fulcrum/train/run_outputs.hpp"

namespace fulcrum::train {

/// Represents: a table of predictions, one row per input row; values is
/// [rows, columns.size()]. Decisions are numbers too: a multilabel decision is
/// 0 or 1, a multiclass one the class index (see PredictOptions).
struct Predictions {
  std::vector<std::string> columns;
  Tensor values;
};

/// Which columns predict() writes. Per head, in head order:
///   multilabel: HEAD.LABEL (probability) for each label, then
///               HEAD.LABEL.pred (1 when that probability >= the label's
///               decision threshold, see decision_thresholds());
///   multiclass: HEAD.CLASS (probability) for each class, then
///               HEAD.pred (the class with the largest of those probabilities;
///               its index here, its name in CSV output);
///   logits:     also HEAD.LABEL.logit (the raw outputs) for each label / class.
/// Probabilities are calibrated: a head trained with pos_weight (bce) reports
/// sigmoid(z - log(pos_weight)), one trained with class weights
/// (cross_entropy) softmax(z - log(weight)) (losses/class_weights.hpp: the
/// weights shift the trained logits by log(weight)); other heads report
/// sigmoid(z) / softmax(z). raw: report sigmoid(z) / softmax(z) for every head.
/// Every decision is read off the probabilities of its own row, so a reader
/// of the output can check each one. A multilabel decision is the trained
/// model's either way: the stored threshold t applies to sigmoid(z), so on a
/// recalibrated probability it becomes sigmoid(logit(t) - log(pos_weight)).
/// A multiclass decision follows the probabilities reported: with class
/// weights recalibrated it is the recalibrated argmax (the `recalibrated`
/// rows of an evaluation), with `raw` the argmax of the trained logits.
struct PredictOptions {
  bool logits = false;
  bool raw = false;
};

/// Whether a CSV file starts with a header row. Auto: a first row holding any
/// field that is not a number is a header.
enum class HeaderMode { Auto, Yes, No };

inline std::span<const Named<HeaderMode>> name_table(HeaderMode) {
  static constexpr Named<HeaderMode> kTable[] = {
      {HeaderMode::Auto, "auto"}, {HeaderMode::Yes, "yes"}, {HeaderMode::No, "no"}};
  return kTable;
}

/// How predict_csv reads its input. With a header, the feature columns are
/// found by name (other columns are ignored); without one, the file has
/// exactly F columns, the features in training order.
struct PredictCsvOptions {
  PredictOptions predict;
  HeaderMode header = HeaderMode::Auto;
};

/// Represents: a model rebuilt from the architecture stored in a checkpoint,
/// with the checkpoint's weights, imputation, standardisation, label names, thresholds and
/// loss weights (for recalibrated probabilities). Needs no optimizer state and
/// no training data.
/// Ensures: predictions are those of the model in eval mode (no dropout), on
/// features imputed and standardised exactly as in training.
class Predictor {
 public:
  /// Loads `model_file` (best.safetensors or last.safetensors of a run, or a
  /// file train::save_model wrote). Throws SafetensorsError for a missing or
  /// damaged file, ValueError for a file without the trainer's metadata.
  static Predictor load(const std::filesystem::path& model_file);

  /// Predictions for raw (unstandardised) features [N, F], F = feature_names().size().
  /// A NaN feature is a missing value, filled with the stored imputation (a
  /// model without one has no prediction for it: a ValueError).
  Predictions predict(const Tensor& features, const PredictOptions& options = {}) const;

  /// Per head (in head order), the threshold each multilabel label's decision
  /// compares the reported probability with (`>=`): the stored threshold t
  /// itself when the head reports sigmoid(z), sigmoid(logit(t) - log(pos_weight))
  /// when it reports recalibrated probabilities. Empty for a multiclass head.
  std::vector<std::vector<float>> decision_thresholds(const PredictOptions& options = {}) const;

  /// `predictions` (of this model) as CSV text: a header row of the column
  /// names, then one line per row; multiclass decisions as class names.
  std::string to_csv(const Predictions& predictions) const;

  /// Reads `input` (CSV, the training config's delimiter or ','), writes the
  /// predictions to `output` as CSV with a header row. Returns the row count.
  /// Throws data::DataError naming the missing feature columns (all of them),
  /// a ragged row or a field that is not a number.
  int64_t predict_csv(const std::filesystem::path& input, const std::filesystem::path& output,
                      const PredictCsvOptions& options = {}) const;

  const std::vector<std::string>& feature_names() const { return card_.feature_names; }
  /// The architecture, with each head's outputs, and the resolved losses.
  const config::ModelConfig& model_config() const { return model_config_; }
  const ModelCard& card() const { return card_; }
  /// What a missing feature value becomes (not fitted: the run did not impute).
  const data::Imputer& imputer() const { return imputer_; }
  /// The logits [N, C] of head `head` (card() order) shifted as the calibrated
  /// probabilities of PredictOptions are (z - log(pos_weight), or
  /// z - log(weight) for class weights), or an undefined tensor when the head
  /// was trained with nothing to undo.
  Tensor recalibrated_logits(size_t head, const Tensor& logits) const;
  /// The run's config, when the model was trained from one (nullptr otherwise).
  const config::RunConfig* config() const { return config_ ? &*config_ : nullptr; }
  nn::MultiHead& model() const { return *model_; }

 private:
  Predictor() = default;
  std::vector<float> decision_thresholds(size_t head_index, bool raw) const;

  ModelCard card_;
  std::optional<config::RunConfig> config_;
  config::ModelConfig model_config_;
  // Per head, what recalibrated_logits reads: the loss kind and the resolved
  // weights the checkpoint stores.
  struct Recalibration {
    nn::LossKind kind = nn::LossKind::BCE;
    Tensor weight;
    Tensor pos_weight;
  };
  std::vector<Recalibration> recalibrations_;
  data::Imputer imputer_;
  data::StandardScaler scaler_;
  std::unique_ptr<Generator> gen_;  // the model's generator (unused in eval mode)
  std::shared_ptr<nn::MultiHead> model_;
};

/// What `fulcrum eval` computes: the model of `predictor` on `split` of the
/// data `config` describes (read and split as for training, imputed and
/// standardised with the checkpoint's statistics; a checkpoint of a run that
/// imputed but stores no imputation, from before it was stored, imputes from
/// the training split again), decided with the checkpoint's thresholds, its
/// loss built from the stored resolved weights, and the recalibrated heads.
/// No optimizer and no statistics of the training split are involved, so the
/// numbers are those the run measured. `config` is usually predictor.config()
/// (the run's own) with the data paths changed, or the file it was read from.
/// Throws data::DataError when the data's features are not the model's,
/// ValueError for an empty split.
EvaluationResult evaluate_checkpoint(const Predictor& predictor, const config::RunConfig& config,
                                     data::Split split);

/// The same on rows read by the caller (`fulcrum eval --input`): `rows`
/// holds the model's raw features (NaN: missing, filled with the stored
/// imputation), in its order, and a target for every head
/// with the model's labels; `name` names them in the report and in errors.
/// Throws data::DataError when the features are not the model's, ValueError
/// for no rows or a missing target.
EvaluationResult evaluate_checkpoint(const Predictor& predictor, const data::Dataset& rows,
                                     const std::string& name);

}  // namespace fulcrum::train
