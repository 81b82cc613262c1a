#include "fulcrum/onnx/export_model.hpp"

#include "fulcrum/core/ops.hpp"
#include "fulcrum/train/run_outputs.hpp"

namespace fulcrum::onnx {

ExportModel export_model_of(const train::Predictor& predictor) {
  const train::ModelCard& card = predictor.card();
  ExportModel out;
  out.model = &predictor.model();
  out.imputer = predictor.imputer();
  out.scaler = train::scaler_of(card);
  out.feature_names = card.feature_names;
  for (size_t h = 0; h < card.heads.size(); ++h) {
    const train::HeadCard& head = card.heads[h];
    // The shift recalibration adds to a logit, read off a row of zero logits
    // so that the rule stays the Predictor's (and `fulcrum predict`'s).
    const auto classes = static_cast<int64_t>(head.labels.size());
    const Tensor shifted = predictor.recalibrated_logits(h, Tensor::zeros({1, classes}));
    out.heads.push_back(
        {.name = head.name,
         .kind = head.kind,
         .labels = head.labels,
         .thresholds = head.thresholds,
         .recalibration_shift = shifted.defined() ? reshape(shifted, {classes}) : Tensor()});
  }
  return out;
}

}  // namespace fulcrum::onnx
