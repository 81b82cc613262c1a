// Aggregating runs over seeds (summary.hpp).
#include "fulcrum/experiment/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace fulcrum::experiment {

namespace {

template <class T>
T& find_or_add(std::vector<std::pair<std::string, T>>& entries, const std::string& key) {
  for (auto& [name, value] : entries) {
    if (name == key) return value;
  }
  entries.emplace_back(key, T{});
  return entries.back().second;
}

size_t index_of(std::vector<std::string>& seen, const std::string& name) {
  const auto it = std::find(seen.begin(), seen.end(), name);
  if (it != seen.end()) return static_cast<size_t>(it - seen.begin());
  seen.push_back(name);
  return seen.size() - 1;
}

}  // namespace

MeanStd mean_std(const std::vector<double>& values) {
  MeanStd stat;
  stat.n = static_cast<int64_t>(values.size());
  if (values.empty()) return stat;
  double sum = 0;
  for (const double v : values) sum += v;
  const double mean = sum / static_cast<double>(values.size());
  stat.mean = mean;
  if (values.size() >= 2) {
    double squares = 0;
    for (const double v : values) squares += (v - mean) * (v - mean);
    stat.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
  }
  return stat;
}

std::string format_mean_std(const MeanStd& stat, int decimals) {
  if (!stat.mean) return "n/a";
  const std::string spread = stat.std ? fmt::format("{:.{}f}", *stat.std, decimals) : "n/a";
  return fmt::format("{:.{}f} ± {}", *stat.mean, decimals, spread);
}

MeanStd SummaryRow::scalar(std::string_view metric) const {
  for (const auto& [name, values] : scalars) {
    if (name == metric) return mean_std(values);
  }
  return {};
}

MeanStd SummaryRow::label_stat(std::string_view metric, size_t label) const {
  for (const auto& [name, values] : per_label) {
    if (name == metric && label < values.size()) return mean_std(values[label]);
  }
  return {};
}

bool SummaryRow::has_label_metric(std::string_view metric) const {
  return std::any_of(per_label.begin(), per_label.end(),
                     [&](const auto& entry) { return entry.first == metric; });
}

std::vector<SummaryRow> summarize(const std::vector<RunResults>& runs) {
  // The known variants in a fixed order (whichever run shows them first),
  // then any others as they appear.
  std::vector<std::string> heads, strategies,
      variants{"", kRecalibratedVariant, kTunedThresholdsVariant};
  std::vector<SummaryRow> rows;
  for (const RunResults& run : runs) {
    index_of(strategies, run.strategy);
    for (const EvaluationMetrics& evaluation : run.evaluations) {
      index_of(variants, evaluation.variant);
      for (const HeadMetrics& head : evaluation.heads) {
        index_of(heads, head.head);
        auto row = std::find_if(rows.begin(), rows.end(), [&](const SummaryRow& r) {
          return r.head == head.head && r.strategy == run.strategy &&
                 r.variant == evaluation.variant;
        });
        if (row == rows.end()) {
          rows.push_back(
              {run.strategy, evaluation.variant, head.head, head.kind, {}, head.labels, {}, {}});
          row = rows.end() - 1;
        }
        row->seeds.push_back(run.seed);
        for (const auto& [name, value] : head.scalars) {
          auto& values = find_or_add(row->scalars, name);
          if (value && std::isfinite(*value)) values.push_back(*value);
        }
        for (const auto& [name, values] : head.per_label) {
          auto& per_label = find_or_add(row->per_label, name);
          per_label.resize(row->labels.size());
          for (size_t l = 0; l < values.size() && l < head.labels.size(); ++l) {
            const auto at = std::find(row->labels.begin(), row->labels.end(), head.labels[l]);
            if (at == row->labels.end() || !values[l] || !std::isfinite(*values[l])) continue;
            per_label[static_cast<size_t>(at - row->labels.begin())].push_back(*values[l]);
          }
        }
      }
    }
  }
  const auto rank = [&](const SummaryRow& r) {
    return std::tuple(index_of(heads, r.head), index_of(strategies, r.strategy),
                      index_of(variants, r.variant));
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const SummaryRow& a, const SummaryRow& b) { return rank(a) < rank(b); });
  return rows;
}

const std::vector<std::pair<std::string, std::string>>& summary_columns(TaskKind kind) {
  static const std::vector<std::pair<std::string, std::string>> multilabel{
      {"f1_micro", "micro-F1"},         {"f1_macro", "macro-F1"},
      {"roc_auc_macro", "macro AUC"},   {"average_precision_macro", "macro AP"},
      {"hamming_loss", "hamming loss"}, {"expected_calibration_error", "ECE"}};
  static const std::vector<std::pair<std::string, std::string>> multiclass{
      {"accuracy", "accuracy"},
      {"balanced_accuracy", "balanced accuracy"},
      {"f1_macro", "macro-F1"},
      {"f1_weighted", "weighted F1"},
      {"log_loss", "log loss"}};
  return kind == TaskKind::MultiClass ? multiclass : multilabel;
}

std::optional<size_t> best_row(const std::vector<SummaryRow>& rows, const std::string& head) {
  std::optional<size_t> best;
  double best_value = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].head != head) continue;
    const MeanStd stat = rows[i].scalar("f1_macro");
    if (stat.mean && (!best || *stat.mean > best_value)) {
      best = i;
      best_value = *stat.mean;
    }
  }
  return best;
}

}  // namespace fulcrum::experiment
