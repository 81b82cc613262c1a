#include "fulcrum/train/evaluation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/train/report.hpp"

namespace fulcrum::train {

namespace {

using Scalars = std::vector<std::pair<std::string, std::optional<double>>>;

Scalars multilabel_scalars(const MultiLabelMetrics& m) {
  return {{"f1_micro", m.f1_micro},
          {"f1_macro", m.f1_macro},
          {"f1_weighted", m.f1_weighted},
          {"f1_samples", m.f1_samples},
          {"precision_micro", m.precision_micro},
          {"precision_macro", m.precision_macro},
          {"precision_weighted", m.precision_weighted},
          {"precision_samples", m.precision_samples},
          {"recall_micro", m.recall_micro},
          {"recall_macro", m.recall_macro},
          {"recall_weighted", m.recall_weighted},
          {"recall_samples", m.recall_samples},
          {"hamming_loss", m.hamming_loss},
          {"subset_accuracy", m.subset_accuracy},
          {"roc_auc_macro", m.roc_auc_macro},
          {"roc_auc_micro", m.roc_auc_micro},
          {"average_precision_macro", m.average_precision_macro},
          {"average_precision_micro", m.average_precision_micro},
          {"label_ranking_average_precision", m.label_ranking_average_precision},
          {"coverage_error", m.coverage_error},
          {"brier_per_label_mean", m.brier_per_label_mean},
          {"expected_calibration_error", m.expected_calibration_error}};
}

Scalars multiclass_scalars(const MultiClassMetrics& m) {
  return {{"accuracy", m.accuracy},
          {"balanced_accuracy", m.balanced_accuracy},
          {"f1_macro", m.f1_macro},
          {"f1_weighted", m.f1_weighted},
          {"log_loss", m.log_loss}};
}

std::vector<std::string> names_of(const Scalars& scalars) {
  std::vector<std::string> names{"loss"};
  for (const auto& [name, value] : scalars) names.push_back(name);
  return names;
}

nlohmann::json json_value(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

// The logits of every head for the whole dataset, computed batch by batch.
std::vector<Tensor> all_logits(nn::MultiHead& model, const Tensor& features, size_t heads,
                               int64_t batch_size) {
  const int64_t n = features.size(0);
  std::vector<std::vector<Tensor>> parts(heads);
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t end = std::min(n, start + batch_size);
    const Tensor batch = start == 0 && end == n ? features : slice(features, 0, start, end);
    const nn::HeadOutputs outputs = model.forward_heads(batch);
    for (size_t h = 0; h < heads; ++h) parts[h].push_back(outputs[h].second);
  }
  std::vector<Tensor> logits;
  for (auto& part : parts) logits.push_back(part.size() == 1 ? part[0] : concat(part, 0));
  return logits;
}

// A weight vector with the values <= 0 (or not finite) replaced by 1: those
// cannot be undone by a log shift and are left as they are.
Tensor positive_weights(const Tensor& weight) {
  std::vector<float> values = weight.to_vector();
  for (float& v : values) {
    if (!(v > 0.0f) || !std::isfinite(v)) v = 1.0f;
  }
  return Tensor::from({static_cast<int64_t>(values.size())}, values);
}

}  // namespace

Tensor recalibrated_logits(const Tensor& logits, const HeadLoss& loss) {
  if (loss.kind == "multiclass") {
    if (loss.loss_kind != "cross_entropy" || !loss.weight.defined()) return {};
    return nn::recalibrate_class_weight_logits(logits, positive_weights(loss.weight));
  }
  if (loss.loss_kind != "bce" || !loss.pos_weight.defined()) return {};
  return nn::recalibrate_pos_weight_logits(logits, positive_weights(loss.pos_weight));
}

const std::vector<std::string>& metric_names(std::string_view kind) {
  static const std::vector<std::string> multilabel = names_of(multilabel_scalars({}));
  static const std::vector<std::string> multiclass = names_of(multiclass_scalars({}));
  return kind == "multiclass" ? multiclass : multilabel;
}

bool higher_is_better(std::string_view metric) {
  const size_t dot = metric.rfind('.');
  const std::string_view name = dot == std::string_view::npos ? metric : metric.substr(dot + 1);
  static const std::vector<std::string_view> lower_better{
      "loss",     "hamming_loss",         "coverage_error",
      "log_loss", "brier_per_label_mean", "expected_calibration_error"};
  return std::find(lower_better.begin(), lower_better.end(), name) == lower_better.end();
}

std::vector<std::pair<std::string, std::optional<double>>> HeadEvaluation::scalar_metrics() const {
  Scalars scalars{{"loss", loss}};
  const Scalars rest = multilabel   ? multilabel_scalars(*multilabel)
                       : multiclass ? multiclass_scalars(*multiclass)
                                    : Scalars{};
  scalars.insert(scalars.end(), rest.begin(), rest.end());
  return scalars;
}

std::optional<double> EvaluationResult::metric(std::string_view name) const {
  if (name == "loss") return loss;
  const size_t dot = name.find('.');
  std::vector<std::string> heads_seen;
  if (dot != std::string_view::npos) {
    const std::string_view head_name = name.substr(0, dot);
    const std::string_view metric_name = name.substr(dot + 1);
    constexpr std::string_view kRecalibrated = "recalibrated.";
    if (metric_name.substr(0, kRecalibrated.size()) == kRecalibrated) {
      for (const HeadEvaluation& head : recalibrated) {
        if (head.name != head_name) continue;
        for (const auto& [key, value] : head.scalar_metrics()) {
          if (key == metric_name.substr(kRecalibrated.size())) return value;
        }
      }
    }
    for (const HeadEvaluation& head : heads) {
      heads_seen.push_back(head.name);
      if (head.name != head_name) continue;
      for (const auto& [key, value] : head.scalar_metrics()) {
        if (key == metric_name) return value;
      }
      throw_value_error(fmt::format("unknown metric '{}': head '{}' ({}) has the metrics {}", name,
                                    head.name, head.kind,
                                    fmt::join(metric_names(head.kind), ", ")));
    }
  } else {
    for (const HeadEvaluation& head : heads) heads_seen.push_back(head.name);
  }
  throw_value_error(fmt::format(
      "unknown metric '{}': use 'loss' or HEAD.METRIC with a head "
      "among {} (e.g. '{}.f1_macro')",
      name, fmt::join(heads_seen, ", "), heads_seen.empty() ? "labels" : heads_seen.front()));
}

nlohmann::ordered_json EvaluationResult::flat_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["loss"] = json_value(loss);
  for (const HeadEvaluation& head : heads) {
    for (const auto& [key, value] : head.scalar_metrics()) {
      out[head.name + "." + key] = json_value(value);
    }
  }
  for (const HeadEvaluation& head : recalibrated) {
    for (const auto& [key, value] : head.scalar_metrics()) {
      if (key != "loss") out[head.name + ".recalibrated." + key] = json_value(value);
    }
  }
  return out;
}

nlohmann::json EvaluationResult::to_json() const {
  nlohmann::json out;
  out["split"] = split;
  out["samples"] = samples;
  out["loss"] = json_value(loss);
  nlohmann::json per_head = nlohmann::json::object();
  for (const HeadEvaluation& head : heads) {
    nlohmann::json j = head.multilabel ? train::to_json(*head.multilabel, head.labels)
                                       : train::to_json(*head.multiclass, head.labels);
    j["loss"] = json_value(head.loss);
    per_head[head.name] = std::move(j);
  }
  out["heads"] = std::move(per_head);
  if (!recalibrated.empty()) {
    nlohmann::json heads_json = nlohmann::json::object();
    for (const HeadEvaluation& head : recalibrated) {
      nlohmann::json j = head.multilabel ? train::to_json(*head.multilabel, head.labels)
                                         : train::to_json(*head.multiclass, head.labels);
      heads_json[head.name] = std::move(j);
    }
    out["recalibrated"] = {{"heads", std::move(heads_json)}};
  }
  return out;
}

std::string EvaluationResult::to_csv() const {
  std::string out = "head,metric,label,value\n";
  for (const HeadEvaluation& head : heads) {
    const std::string text = head.multilabel ? train::to_csv(*head.multilabel, head.labels)
                                             : train::to_csv(*head.multiclass, head.labels);
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);  // the per-head header metric,label,value
    out += fmt::format("{},loss,,{}\n", head.name, head.loss);
    while (std::getline(lines, line)) out += head.name + "," + line + "\n";
  }
  return out;
}

std::string EvaluationResult::format_report() const {
  std::string out;
  for (const HeadEvaluation& head : heads) {
    out += fmt::format("== head '{}' ({}) on the {} split: loss {:.4f}\n", head.name, head.kind,
                       split, head.loss);
    out += head.multilabel ? train::format_report(*head.multilabel, head.labels)
                           : train::format_report(*head.multiclass, head.labels);
    out += "\n";
  }
  if (heads.size() > 1) out += fmt::format("total loss (head-weighted): {:.4f}\n", loss);
  for (const HeadEvaluation& head : recalibrated) {
    out += fmt::format(
        "\n== head '{}' ({}) on the {} split, recalibrated (the loss weights' shift of the "
        "logits undone)\n",
        head.name, head.kind, split);
    out += head.multilabel ? train::format_report(*head.multilabel, head.labels)
                           : train::format_report(*head.multiclass, head.labels);
  }
  return out;
}

EvaluationResult evaluate(nn::MultiHead& model, const data::Dataset& dataset,
                          const ModelConfig& model_config, const std::vector<HeadLoss>& losses,
                          std::string split, int64_t batch_size,
                          const std::vector<std::vector<float>>& label_thresholds,
                          bool recalibrate) {
  FULCRUM_CHECK(dataset.size() > 0, "evaluate: the {} split is empty", split);
  FULCRUM_CHECK(batch_size >= 1, "evaluate: batch_size = {} must be >= 1", batch_size);
  FULCRUM_CHECK(losses.size() == model_config.heads.size(), "evaluate: {} losses for {} heads",
                losses.size(), model_config.heads.size());
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  EvaluationResult result;
  result.split = std::move(split);
  result.samples = dataset.size();
  std::vector<Tensor> logits;
  try {
    logits = all_logits(model, dataset.features, model_config.heads.size(), batch_size);
  } catch (...) {
    model.train(was_training);
    throw;
  }
  model.train(was_training);

  const auto head_names = model.head_names();
  for (size_t h = 0; h < model_config.heads.size(); ++h) {
    const HeadConfig& config = model_config.heads[h];
    FULCRUM_CHECK(
        h < head_names.size() && head_names[h] == config.name && losses[h].head == config.name,
        "evaluate: head {} is '{}' in the config but not in the model or the losses", h,
        config.name);
    const data::Target& target = dataset.target(config.name);
    HeadEvaluation head;
    head.name = config.name;
    head.kind = config.kind;
    head.labels = target.classes;
    head.loss = static_cast<double>(losses[h](logits[h], target.values).item());
    if (config.kind == "multiclass") {
      head.multiclass = multiclass_metrics(target.values, softmax(logits[h], 1));
    } else {
      const Tensor probabilities = sigmoid(logits[h]);
      head.multilabel = h < label_thresholds.size() && !label_thresholds[h].empty()
                            ? multilabel_metrics(target.values, probabilities, label_thresholds[h])
                            : multilabel_metrics(target.values, probabilities,
                                                 static_cast<float>(config.threshold));
    }
    result.loss += config.head_weight * head.loss;
    const Tensor shifted = recalibrate ? recalibrated_logits(logits[h], losses[h]) : Tensor();
    if (shifted.defined()) {
      HeadEvaluation calibrated = head;
      calibrated.multilabel.reset();
      calibrated.multiclass.reset();
      if (config.kind == "multiclass") {
        calibrated.multiclass = multiclass_metrics(target.values, softmax(shifted, 1));
      } else {
        calibrated.multilabel = multilabel_metrics(target.values, sigmoid(shifted),
                                                   static_cast<float>(config.threshold));
      }
      result.recalibrated.push_back(std::move(calibrated));
    }
    result.heads.push_back(std::move(head));
  }
  return result;
}

}  // namespace fulcrum::train
