#pragma once
// What an ONNX export is made of: the trained model, its standardisation and
// its heads, and which outputs the file gives per head.

#include <span>
#include <string>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/imputer.hpp"
#include "fulcrum/data/scaler.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/train/predictor.hpp"

namespace fulcrum::onnx {

/// The outputs an exported file can give for each head, named HEAD.logits,
/// HEAD.probabilities and HEAD.recalibrated:
///   logits:        the raw outputs z [batch, C];
///   probabilities: sigmoid(z) (multilabel) or softmax(z) over the classes
///                  (multiclass): what `fulcrum predict --raw` writes;
///   recalibrated:  sigmoid(z - log(pos_weight)) for a head trained with
///                  pos_weight, softmax(z - log(weight)) for one trained with
///                  class weights, otherwise the same as probabilities: what
///                  `fulcrum predict` writes by default.
enum class OnnxOutput { Logits, Probabilities, Recalibrated };

inline std::span<const Named<OnnxOutput>> name_table(OnnxOutput) {
  static constexpr Named<OnnxOutput> kTable[] = {{OnnxOutput::Logits, "logits"},
                                                 {OnnxOutput::Probabilities, "probabilities"},
                                                 {OnnxOutput::Recalibrated, "recalibrated"}};
  return kTable;
}

/// How to export.
struct ExportOptions {
  /// Per head, these outputs in this order (heads in model order). Not empty,
  /// no repeats.
  std::vector<OnnxOutput> outputs = {OnnxOutput::Logits};
};

/// Represents: one head of an exported model.
struct ExportHead {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<std::string> labels;  ///< one per output column, in order
  std::vector<double> thresholds;   ///< multilabel decision thresholds (for the file's metadata)
  /// [C], added to the logits before the sigmoid / softmax of the
  /// `recalibrated` output; undefined: nothing to undo.
  Tensor recalibration_shift;
};

/// Represents: everything the inference computation reads: raw features
/// [batch, F] -> missing values (NaN) filled with `imputer` (when fitted) ->
/// standardised with `scaler` (when fitted) -> `model` (in eval mode: dropout
/// is the identity) -> per head, the outputs of ExportOptions.
/// Requires: `model` outlives this; one ExportHead per head of the model, in
/// its order; F imputer values and scaler statistics of [F] when fitted,
/// F = feature_names.size().
struct ExportModel {
  const nn::MultiHead* model = nullptr;
  data::Imputer imputer;
  data::StandardScaler scaler;
  std::vector<std::string> feature_names;
  std::vector<ExportHead> heads;
};

/// The export of the model a checkpoint's Predictor serves: its imputation,
/// scaler, heads, labels and the recalibration `fulcrum predict` applies.
/// Requires: `predictor` outlives the result (the model is not copied).
ExportModel export_model_of(const train::Predictor& predictor);

}  // namespace fulcrum::onnx
