// The recalibrated and tuned-threshold evaluations of a run, and its
// reliability-diagram bins (variants.hpp).
#include "fulcrum/experiment/variants.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "fulcrum/config/loader.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/metrics/report.hpp"
#include "fulcrum/metrics/thresholds.hpp"
#include "json_outputs.hpp"
#include "quiet_logs.hpp"
#include "variants_json.hpp"

namespace fulcrum::experiment {

namespace {

nlohmann::json bins_json(const char* variant, const std::string& head,
                         const ReliabilityBins& bins) {
  return {{"variant", variant},
          {"head", head},
          {"bins", bins.bins},
          {"count", bins.count},
          {"sum_predicted", bins.sum_predicted},
          {"positives", bins.positives}};
}

nlohmann::json per_label_bins_json(const std::vector<ReliabilityBins>& per_label) {
  nlohmann::json out = nlohmann::json::array();
  for (const ReliabilityBins& bins : per_label) {
    out.push_back({{"count", bins.count},
                   {"sum_predicted", bins.sum_predicted},
                   {"positives", bins.positives}});
  }
  return out;
}

nlohmann::json pr_json(const std::string& head, const std::vector<PrCounts>& per_label) {
  nlohmann::json labels = nlohmann::json::array();
  for (const PrCounts& counts : per_label) {
    labels.push_back({{"positives", counts.positives}, {"tp", counts.tp}, {"fp", counts.fp}});
  }
  return {{"variant", "raw"},
          {"head", head},
          {"thresholds", per_label.empty() ? kPrThresholds : per_label.front().thresholds},
          {"per_label", std::move(labels)}};
}

void check_label_matrix(const Tensor& y_true, const Tensor& y_prob, const char* where) {
  FULCRUM_CHECK_SHAPE(
      y_true.defined() && y_prob.defined() && y_true.dim() == 2 && y_true.shape() == y_prob.shape(),
      "{}: y_true and y_prob must be [N, L] matrices of the same shape, got {} "
      "and {}",
      where, y_true.defined() ? y_true.to_string() : "undefined",
      y_prob.defined() ? y_prob.to_string() : "undefined");
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
                      y_true.defined() ? fulcrum::to_string(y_true.shape()) : "undefined",
                      y_prob.defined() ? fulcrum::to_string(y_prob.shape()) : "undefined");
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

std::vector<ReliabilityBins> reliability_bins_per_label(const Tensor& y_true, const Tensor& y_prob,
                                                        int bins) {
  check_label_matrix(y_true, y_prob, "reliability_bins_per_label");
  const int64_t labels = y_true.size(1);
  std::vector<ReliabilityBins> out;
  for (int64_t l = 0; l < labels; ++l) {
    out.push_back(reliability_bins(slice(y_true, 1, l, l + 1), slice(y_prob, 1, l, l + 1), bins));
  }
  return out;
}

void PrCounts::add(const PrCounts& other) {
  FULCRUM_CHECK(other.thresholds == thresholds && other.tp.size() == tp.size(),
                "PrCounts::add: counts at {} and at {} thresholds cannot be pooled", thresholds,
                other.thresholds);
  positives += other.positives;
  for (size_t k = 0; k < tp.size(); ++k) {
    tp[k] += other.tp[k];
    fp[k] += other.fp[k];
  }
}

std::vector<PrCounts> pr_counts_per_label(const Tensor& y_true, const Tensor& y_prob,
                                          int thresholds) {
  check_label_matrix(y_true, y_prob, "pr_counts_per_label");
  FULCRUM_CHECK(thresholds >= 2, "pr_counts_per_label: thresholds is {}; it must be >= 2",
                thresholds);
  const int64_t rows = y_true.size(0), labels = y_true.size(1);
  const auto n = static_cast<size_t>(thresholds);
  const auto truth = y_true.values();
  const auto prob = y_prob.values();
  std::vector<PrCounts> out(static_cast<size_t>(labels));
  for (PrCounts& counts : out) {
    counts.thresholds = thresholds;
    counts.tp.assign(n, 0.0);
    counts.fp.assign(n, 0.0);
  }
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t l = 0; l < labels; ++l) {
      const auto i = static_cast<size_t>(r * labels + l);
      const double p = prob[i];
      FULCRUM_CHECK(std::isfinite(p) && p >= 0 && p <= 1,
                    "pr_counts_per_label: y_prob[{}, {}] is {}; probabilities must be finite "
                    "and in [0, 1]",
                    r, l, p);
      PrCounts& counts = out[static_cast<size_t>(l)];
      const bool positive = truth[i] > 0.5F;
      counts.positives += positive ? 1 : 0;
      // p >= t_k exactly for k = 0 .. floor(p * (n - 1)).
      const auto highest =
          std::min(static_cast<size_t>(std::floor(p * static_cast<double>(n - 1))), n - 1);
      std::vector<double>& hits = positive ? counts.tp : counts.fp;
      for (size_t k = 0; k <= highest; ++k) hits[k] += 1;
    }
  }
  return out;
}

nlohmann::json evaluate_variants(train::Trainer& trainer) {
  const config::RunData& data = trainer.data();
  FULCRUM_CHECK(data.test.size() > 0,
                "evaluate_variants: run in '{}' has no test split to evaluate",
                trainer.paths().dir.string());
  const std::vector<nn::HeadLoss>& losses = trainer.losses();
  const std::vector<double>& thresholds = trainer.options().head_thresholds;
  const bool has_validation = data.validation.size() > 0;
  const std::vector<Tensor> test_logits = train::head_logits(trainer.model(), data.test);
  const std::vector<Tensor> validation_logits =
      has_validation ? train::head_logits(trainer.model(), data.validation) : std::vector<Tensor>{};

  nlohmann::json recalibrated = nlohmann::json::object();
  nlohmann::json tuned = nlohmann::json::object();
  nlohmann::json reliability = nlohmann::json::array();
  nlohmann::json pr_counts = nlohmann::json::array();
  for (size_t h = 0; h < losses.size(); ++h) {
    const nn::HeadLoss& loss = losses[h];
    const std::string& head = loss.head;
    const data::Target& target = data.test.target(head);
    if (loss.task() == TaskKind::MultiClass) {
      if (loss.weight.defined()) {
        const Tensor prob =
            softmax(nn::recalibrate_class_weight_logits(test_logits[h], loss.weight), 1);
        recalibrated[head] =
            train::to_json(metrics::multiclass_metrics(target.values, prob), target.classes);
      }
      continue;
    }
    const auto threshold = static_cast<float>(h < thresholds.size() ? thresholds[h] : 0.5);
    const Tensor prob = sigmoid(test_logits[h]);
    reliability.push_back(bins_json("raw", head, reliability_bins(target.values, prob)));
    reliability.back()["per_label"] =
        per_label_bins_json(reliability_bins_per_label(target.values, prob));
    pr_counts.push_back(pr_json(head, pr_counts_per_label(target.values, prob)));
    if (loss.pos_weight.defined()) {
      const Tensor calibrated =
          sigmoid(nn::recalibrate_pos_weight_logits(test_logits[h], loss.pos_weight));
      recalibrated[head] = train::to_json(
          metrics::multilabel_metrics(target.values, calibrated, threshold), target.classes);
      reliability.push_back(
          bins_json(kRecalibratedVariant, head, reliability_bins(target.values, calibrated)));
      reliability.back()["per_label"] =
          per_label_bins_json(reliability_bins_per_label(target.values, calibrated));
    }
    if (has_validation) {
      const data::Target& validation = data.validation.target(head);
      const std::vector<float> tuned_thresholds =
          metrics::tune_thresholds(validation.values, sigmoid(validation_logits[h]),
                                   metrics::ThresholdObjective{}, threshold);
      tuned[head] = train::to_json(
          metrics::multilabel_metrics(target.values, prob, tuned_thresholds), target.classes);
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
          {"reliability", std::move(reliability)},
          {"pr_counts", std::move(pr_counts)}};
}

nlohmann::json evaluate_run_variants(const std::filesystem::path& run_dir) {
  const QuietTrainerLogs quiet;
  const train::RunPaths paths{run_dir};
  train::Trainer trainer(config::load_config(paths.config()));
  trainer.load_checkpoint(std::filesystem::exists(paths.best_checkpoint())
                              ? paths.best_checkpoint()
                              : paths.last_checkpoint());
  return evaluate_variants(trainer);
}

}  // namespace fulcrum::experiment
