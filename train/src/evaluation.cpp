#include "fulcrum/train/evaluation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/metrics/report.hpp"
#include "fulcrum/metrics/scalars.hpp"
#include "json_outputs.hpp"

namespace fulcrum::train {

namespace {

using metrics::Scalars;

nlohmann::json json_value(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

// The logits of every head for the whole dataset, computed batch by batch.
std::vector<Tensor> all_logits(nn::MultiHead& model, const data::Dataset& dataset, size_t heads,
                               int64_t batch_size) {
  const int64_t n = dataset.size();
  std::vector<std::vector<Tensor>> parts(heads);
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t end = std::min(n, start + batch_size);
    const bool whole = start == 0 && end == n;
    nn::HeadOutputs outputs;
    if (dataset.is_sparse()) {
      outputs = model.forward_heads(whole ? dataset.sparse_features
                                          : std::make_shared<const CsrMatrix>(
                                                dataset.sparse_features->slice_rows(start, end)));
    } else {
      outputs =
          model.forward_heads(whole ? dataset.features : slice(dataset.features, 0, start, end));
    }
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

std::vector<Tensor> head_logits(nn::MultiHead& model, const data::Dataset& dataset,
                                int64_t batch_size) {
  FULCRUM_CHECK(batch_size >= 1, "head_logits: batch_size = {} must be >= 1", batch_size);
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  std::vector<Tensor> logits;
  try {
    logits = all_logits(model, dataset, model.head_names().size(), batch_size);
  } catch (...) {
    model.train(was_training);
    throw;
  }
  model.train(was_training);
  return logits;
}

Tensor recalibrated_logits(const Tensor& logits, nn::LossKind kind, const Tensor& weight,
                           const Tensor& pos_weight) {
  if (kind == nn::LossKind::CrossEntropy && weight.defined()) {
    return nn::recalibrate_class_weight_logits(logits, positive_weights(weight));
  }
  if (kind == nn::LossKind::BCE && pos_weight.defined()) {
    return nn::recalibrate_pos_weight_logits(logits, positive_weights(pos_weight));
  }
  return {};
}

std::vector<std::pair<std::string, std::optional<double>>> HeadEvaluation::scalar_metrics() const {
  Scalars scalars{{"loss", loss}};
  const Scalars rest = multilabel   ? metrics::scalars(*multilabel)
                       : multiclass ? metrics::scalars(*multiclass)
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
                                    head.name, name_of(head.kind),
                                    fmt::join(metrics::metric_names(head.kind), ", ")));
    }
  } else {
    for (const HeadEvaluation& head : heads) heads_seen.push_back(head.name);
  }
  throw_value_error(fmt::format(
      "unknown metric '{}': use 'loss' or HEAD.METRIC with a head "
      "among {} (e.g. '{}.f1_macro')",
      name, fmt::join(heads_seen, ", "), heads_seen.empty() ? "labels" : heads_seen.front()));
}

std::vector<std::pair<std::string, std::optional<double>>> EvaluationResult::scalars() const {
  std::vector<std::pair<std::string, std::optional<double>>> out{{"loss", loss}};
  for (const HeadEvaluation& head : heads) {
    for (const auto& [key, value] : head.scalar_metrics())
      out.emplace_back(head.name + "." + key, value);
  }
  for (const HeadEvaluation& head : recalibrated) {
    for (const auto& [key, value] : head.scalar_metrics()) {
      if (key != "loss") out.emplace_back(head.name + ".recalibrated." + key, value);
    }
  }
  return out;
}

std::string EvaluationResult::to_json_string(int indent) const {
  return to_json(*this).dump(indent);
}

nlohmann::ordered_json flat_json(const EvaluationResult& result) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [key, value] : result.scalars()) out[key] = json_value(value);
  return out;
}

nlohmann::json to_json(const EvaluationResult& result) {
  nlohmann::json out;
  out["split"] = result.split;
  out["samples"] = result.samples;
  out["loss"] = json_value(result.loss);
  nlohmann::json per_head = nlohmann::json::object();
  for (const HeadEvaluation& head : result.heads) {
    nlohmann::json j = head.multilabel ? to_json(*head.multilabel, head.labels)
                                       : to_json(*head.multiclass, head.labels);
    j["loss"] = json_value(head.loss);
    per_head[head.name] = std::move(j);
  }
  out["heads"] = std::move(per_head);
  if (!result.recalibrated.empty()) {
    nlohmann::json heads_json = nlohmann::json::object();
    for (const HeadEvaluation& head : result.recalibrated) {
      nlohmann::json j = head.multilabel ? to_json(*head.multilabel, head.labels)
                                         : to_json(*head.multiclass, head.labels);
      heads_json[head.name] = std::move(j);
    }
    out["recalibrated"] = {{"heads", std::move(heads_json)}};
  }
  return out;
}

std::string EvaluationResult::to_csv() const {
  std::string out = "head,metric,label,value\n";
  for (const HeadEvaluation& head : heads) {
    const std::string text = head.multilabel ? metrics::to_csv(*head.multilabel, head.labels)
                                             : metrics::to_csv(*head.multiclass, head.labels);
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
    out += head.multilabel ? metrics::format_report(*head.multilabel, head.labels)
                           : metrics::format_report(*head.multiclass, head.labels);
    out += "\n";
  }
  if (heads.size() > 1) out += fmt::format("total loss (head-weighted): {:.4f}\n", loss);
  for (const HeadEvaluation& head : recalibrated) {
    out += fmt::format(
        "\n== head '{}' ({}) on the {} split, recalibrated (the loss weights' shift of the "
        "logits undone)\n",
        head.name, head.kind, split);
    out += head.multilabel ? metrics::format_report(*head.multilabel, head.labels)
                           : metrics::format_report(*head.multiclass, head.labels);
  }
  return out;
}

EvaluationResult evaluate(nn::MultiHead& model, const data::Dataset& dataset,
                          const std::vector<nn::HeadLoss>& losses, std::string split,
                          const EvaluateOptions& options) {
  FULCRUM_CHECK(dataset.size() > 0, "evaluate: the {} split is empty", split);
  FULCRUM_CHECK(options.batch_size >= 1, "evaluate: batch_size = {} must be >= 1",
                options.batch_size);
  const std::vector<std::string> head_names = model.head_names();
  FULCRUM_CHECK(losses.size() == head_names.size(), "evaluate: {} losses for the {} heads {}",
                losses.size(), head_names.size(), fmt::join(head_names, ", "));
  for (size_t h = 0; h < losses.size(); ++h) {
    FULCRUM_CHECK(losses[h].head == head_names[h],
                  "evaluate: loss {} is head '{}''s but the model's head {} is '{}'", h,
                  losses[h].head, h, head_names[h]);
  }
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  EvaluationResult result;
  result.split = std::move(split);
  result.samples = dataset.size();
  std::vector<Tensor> logits;
  try {
    logits = all_logits(model, dataset, losses.size(), options.batch_size);
  } catch (...) {
    model.train(was_training);
    throw;
  }
  model.train(was_training);

  for (size_t h = 0; h < losses.size(); ++h) {
    const nn::HeadLoss& loss = losses[h];
    const data::Target& target = dataset.target(loss.head);
    const auto threshold =
        static_cast<float>(h < options.head_thresholds.size() ? options.head_thresholds[h] : 0.5);
    HeadEvaluation head;
    head.name = loss.head;
    head.kind = loss.task();
    head.labels = target.classes;
    head.loss = static_cast<double>(loss(logits[h], target.values).item());
    if (head.kind == TaskKind::MultiClass) {
      head.multiclass = metrics::multiclass_metrics(target.values, softmax(logits[h], 1));
    } else {
      const Tensor probabilities = sigmoid(logits[h]);
      const bool tuned =
          h < options.label_thresholds.size() && !options.label_thresholds[h].empty();
      head.multilabel = tuned
                            ? metrics::multilabel_metrics(target.values, probabilities,
                                                          options.label_thresholds[h])
                            : metrics::multilabel_metrics(target.values, probabilities, threshold);
    }
    result.loss += loss.head_weight * head.loss;
    const Tensor shifted = options.recalibrate ? recalibrated_logits(logits[h], loss) : Tensor();
    if (shifted.defined()) {
      HeadEvaluation calibrated = head;
      calibrated.multilabel.reset();
      calibrated.multiclass.reset();
      if (head.kind == TaskKind::MultiClass) {
        calibrated.multiclass = metrics::multiclass_metrics(target.values, softmax(shifted, 1));
      } else {
        calibrated.multilabel =
            metrics::multilabel_metrics(target.values, sigmoid(shifted), threshold);
      }
      result.recalibrated.push_back(std::move(calibrated));
    }
    result.heads.push_back(std::move(head));
  }
  return result;
}

}  // namespace fulcrum::train
