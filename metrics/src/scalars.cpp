#include "fulcrum/metrics/scalars.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/names.hpp"

namespace fulcrum::metrics {

Scalars scalars(const MultiLabelMetrics& m) {
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

Scalars scalars(const MultiClassMetrics& m) {
  return {{"accuracy", m.accuracy},
          {"balanced_accuracy", m.balanced_accuracy},
          {"f1_macro", m.f1_macro},
          {"f1_weighted", m.f1_weighted},
          {"log_loss", m.log_loss}};
}

namespace {

std::vector<std::string> names_with_loss(const Scalars& scalars) {
  std::vector<std::string> names{"loss"};
  for (const auto& [name, value] : scalars) names.push_back(name);
  return names;
}

}  // namespace

const std::vector<std::string>& metric_names(TaskKind kind) {
  static const std::vector<std::string> multilabel = names_with_loss(scalars(MultiLabelMetrics{}));
  static const std::vector<std::string> multiclass = names_with_loss(scalars(MultiClassMetrics{}));
  return kind == TaskKind::MultiClass ? multiclass : multilabel;
}

bool higher_is_better(std::string_view metric) {
  const size_t dot = metric.rfind('.');
  const std::string_view name = dot == std::string_view::npos ? metric : metric.substr(dot + 1);
  static constexpr std::string_view kLowerIsBetter[] = {
      "loss",     "hamming_loss",         "coverage_error",
      "log_loss", "brier_per_label_mean", "expected_calibration_error"};
  return std::find(std::begin(kLowerIsBetter), std::end(kLowerIsBetter), name) ==
         std::end(kLowerIsBetter);
}

MetricKey parse_metric_key(std::string_view text, std::span<const HeadName> heads) {
  if (text == "loss") return {};
  std::vector<std::string> head_names;
  for (const HeadName& head : heads) head_names.push_back(head.name);
  const std::string example = head_names.empty() ? "labels" : head_names.front();
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) {
    throw_value_error(
        fmt::format("'{}' is not a metric: use loss or HEAD.METRIC, e.g. "
                    "'{}.f1_macro' (heads: {})",
                    text, example, fmt::join(head_names, ", ")));
  }
  const std::string_view head_name = text.substr(0, dot);
  const auto head = std::find_if(heads.begin(), heads.end(),
                                 [&](const HeadName& h) { return h.name == head_name; });
  if (head == heads.end()) {
    throw_value_error(fmt::format("'{}' names no head '{}'{} (heads: {})", text, head_name,
                                  did_you_mean(head_name, head_names),
                                  fmt::join(head_names, ", ")));
  }
  const std::string_view metric = text.substr(dot + 1);
  const std::vector<std::string>& valid = metric_names(head->kind);
  if (std::find(valid.begin(), valid.end(), metric) == valid.end()) {
    throw_value_error(fmt::format("unknown metric '{}' for {} head '{}'{} (valid: {})", metric,
                                  name_of(head->kind), head->name, did_you_mean(metric, valid),
                                  fmt::join(valid, ", ")));
  }
  return {std::string(head_name), std::string(metric)};
}

}  // namespace fulcrum::metrics
