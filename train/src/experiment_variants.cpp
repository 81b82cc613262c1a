// The recalibrated and tuned-threshold evaluations of a run, and its
// reliability-diagram bins (experiment_variants.hpp).
#include "fulcrum/train/experiment_variants.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/train/config_loader.hpp"
#include "fulcrum/train/experiment_logging.hpp"
#include "fulcrum/train/report.hpp"
#include "fulcrum/train/thresholds.hpp"

namespace fulcrum::train {

namespace {

// Every head's logits for `features`, in eval mode and without a graph, in
// batches (as train::evaluate computes them).
std::vector<Tensor> head_logits(nn::MultiHead& model, const Tensor& features, size_t heads) {
  constexpr int64_t kBatch = 1024;
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  std::vector<std::vector<Tensor>> parts(heads);
  const int64_t n = features.size(0);
  for (int64_t start = 0; start < n; start += kBatch) {
    const int64_t end = std::min(n, start + kBatch);
    const Tensor batch = start == 0 && end == n ? features : slice(features, 0, start, end);
    const nn::HeadOutputs outputs = model.forward_heads(batch);
    for (size_t h = 0; h < heads; ++h) parts[h].push_back(outputs[h].second);
  }
  model.train(was_training);
  std::vector<Tensor> logits;
  for (auto& part : parts) logits.push_back(part.size() == 1 ? part[0] : concat(part, 0));
  return logits;
}

nlohmann::json bins_json(const char* variant, const std::string& head,
                         const ReliabilityBins& bins) {
  return {{"variant", variant},
          {"head", head},
          {"bins", bins.bins},
          {"count", bins.count},
          {"sum_predicted", bins.sum_predicted},
          {"positives", bins.positives}};
}

}  // namespace

double ReliabilityBins::ece() const {
  const double n = std::accumulate(count.begin(), count.end(), 0.0);
  if (n == 0) return 0;
  double ece = 0;
  for (size_t b = 0; b < count.size(); ++b) {
    if (count[b] > 0) ece += std::abs(positives[b] - sum_predicted[b]) / n;
  }
  return ece;
}

void ReliabilityBins::add(const ReliabilityBins& other) {
  FULCRUM_CHECK(other.bins == bins && other.count.size() == count.size(),
                "ReliabilityBins::add: {} bins and {} bins cannot be pooled", bins, other.bins);
  for (size_t b = 0; b < count.size(); ++b) {
    count[b] += other.count[b];
    sum_predicted[b] += other.sum_predicted[b];
    positives[b] += other.positives[b];
  }
}

ReliabilityBins reliability_bins(const Tensor& y_true, const Tensor& y_prob, int bins) {
  FULCRUM_CHECK(bins >= 1, "reliability_bins: bins is {}; it must be >= 1", bins);
  FULCRUM_CHECK_SHAPE(y_true.defined() && y_prob.defined() && y_true.shape() == y_prob.shape(),
                      "reliability_bins: y_true and y_prob must have the same shape, got {} "
                      "and {}",
                      y_true.defined() ? y_true.to_string() : "undefined",
                      y_prob.defined() ? y_prob.to_string() : "undefined");
  const auto n_bins = static_cast<size_t>(bins);
  ReliabilityBins out;
  out.bins = bins;
  out.count.assign(n_bins, 0.0);
  out.sum_predicted.assign(n_bins, 0.0);
  out.positives.assign(n_bins, 0.0);
  const auto truth = y_true.values();
  const auto prob = y_prob.values();
  for (size_t i = 0; i < prob.size(); ++i) {
    const double p = prob[i];
    FULCRUM_CHECK(std::isfinite(p) && p >= 0 && p <= 1,
                  "reliability_bins: y_prob[{}] is {}; probabilities must be finite and in "
                  "[0, 1]",
                  i, p);
    const auto b = std::min(static_cast<size_t>(p * bins), n_bins - 1);
    out.count[b] += 1;
    out.sum_predicted[b] += p;
    out.positives[b] += truth[i];
  }
  return out;
}

nlohmann::json evaluate_variants(Trainer& trainer) {
  const RunData& data = trainer.data();
  FULCRUM_CHECK(data.test.size() > 0, "evaluate_variants: run '{}' has no test split to evaluate",
                trainer.config().name);
  const std::vector<HeadConfig>& heads = trainer.config().model.heads;
  const std::vector<HeadLoss>& losses = trainer.losses();
  const bool has_validation = data.validation.size() > 0;
  const std::vector<Tensor> test_logits =
      head_logits(trainer.model(), data.test.features, heads.size());
  const std::vector<Tensor> validation_logits =
      has_validation ? head_logits(trainer.model(), data.validation.features, heads.size())
                     : std::vector<Tensor>{};

  nlohmann::json recalibrated = nlohmann::json::object();
  nlohmann::json tuned = nlohmann::json::object();
  nlohmann::json reliability = nlohmann::json::array();
  for (size_t h = 0; h < heads.size(); ++h) {
    const HeadConfig& head = heads[h];
    const HeadLoss& loss = losses[h];
    const data::Target& target = data.test.target(head.name);
    if (head.kind == "multiclass") {
      if (loss.weight.defined()) {
        const Tensor prob =
            softmax(nn::recalibrate_class_weight_logits(test_logits[h], loss.weight), 1);
        recalibrated[head.name] = to_json(multiclass_metrics(target.values, prob), target.classes);
      }
      continue;
    }
    const auto threshold = static_cast<float>(head.threshold);
    const Tensor prob = sigmoid(test_logits[h]);
    reliability.push_back(bins_json("raw", head.name, reliability_bins(target.values, prob)));
    if (loss.pos_weight.defined()) {
      const Tensor calibrated =
          sigmoid(nn::recalibrate_pos_weight_logits(test_logits[h], loss.pos_weight));
      recalibrated[head.name] =
          to_json(multilabel_metrics(target.values, calibrated, threshold), target.classes);
      reliability.push_back(
          bins_json(kRecalibratedVariant, head.name, reliability_bins(target.values, calibrated)));
    }
    if (has_validation) {
      const data::Target& validation = data.validation.target(head.name);
      const std::vector<float> thresholds =
          tune_thresholds(validation.values, sigmoid(validation_logits[h]),
                          ThresholdObjective{"f1", 0.0}, threshold);
      tuned[head.name] =
          to_json(multilabel_metrics(target.values, prob, thresholds), target.classes);
    }
  }

  nlohmann::json variants = nlohmann::json::array();
  if (!recalibrated.empty()) {
    variants.push_back({{"name", kRecalibratedVariant},
                        {"description",
                         "logits - log(pos_weight) (multilabel) or log(class weight) "
                         "(multiclass): calibrated probabilities, the configured thresholds"},
                        {"heads", std::move(recalibrated)}});
  }
  if (!tuned.empty()) {
    variants.push_back({{"name", kTunedThresholdsVariant},
                        {"description",
                         "per-label thresholds maximising each label's F1 on the validation "
                         "split"},
                        {"heads", std::move(tuned)}});
  }
  return {{"split", "test"},
          {"thresholds_from", "validation"},
          {"variants", std::move(variants)},
          {"reliability", std::move(reliability)}};
}

nlohmann::json evaluate_run_variants(const std::filesystem::path& run_dir) {
  const QuietTrainerLogs quiet;
  const RunPaths paths{run_dir};
  Trainer trainer(load_config(paths.config()));
  trainer.load_checkpoint(std::filesystem::exists(paths.best_checkpoint())
                              ? paths.best_checkpoint()
                              : paths.last_checkpoint());
  return evaluate_variants(trainer);
}

}  // namespace fulcrum::train
