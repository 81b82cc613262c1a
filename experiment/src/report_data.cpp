// Label frequencies, the baseline, the selected strategy and per-seed values
// (report_data.hpp).
#include "report_data.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fulcrum::experiment {

LabelFrequency label_frequency(const std::vector<RunResults>& runs, const SummaryRow& row) {
  for (const RunResults& run : runs) {
    if (run.strategy != row.strategy) continue;
    for (const auto& [head, counts] : run.train_counts) {
      if (head == row.head && counts.size() == row.labels.size()) {
        return {counts, "training split"};
      }
    }
  }
  LabelFrequency out{{}, "test split"};
  for (size_t l = 0; l < row.labels.size(); ++l) {
    out.counts.push_back(row.label_stat("support", l).mean.value_or(0.0));
  }
  return out;
}

std::vector<size_t> most_frequent_first(const std::vector<double>& counts) {
  std::vector<size_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return counts[a] > counts[b]; });
  return order;
}

std::string baseline_strategy(const std::vector<SummaryRow>& rows) {
  return rows.empty() ? std::string() : rows.front().strategy;
}

std::optional<Selection> select_best(const std::vector<RunResults>& runs,
                                     const std::vector<SummaryRow>& rows, const std::string& head) {
  const std::string key = head + ".f1_macro";
  std::optional<Selection> best;
  bool every_run_validated = true;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].head != head || !rows[i].variant.empty()) continue;
    std::vector<double> values;
    for (const RunResults& run : runs) {
      if (run.strategy != rows[i].strategy) continue;
      const std::optional<double> value = run.tested_validation(key);
      if (!value || !std::isfinite(*value)) {
        every_run_validated = false;
        continue;
      }
      values.push_back(*value);
    }
    const MeanStd stat = mean_std(values);
    if (stat.mean && (!best || *stat.mean > *best->value.mean)) best = Selection{i, true, stat};
  }
  if (best && every_run_validated) return best;
  const std::optional<size_t> on_test = best_row(rows, head);
  if (!on_test) return std::nullopt;
  return Selection{*on_test, false, rows[*on_test].scalar("f1_macro")};
}

std::vector<std::pair<uint64_t, double>> per_seed(const std::vector<RunResults>& runs,
                                                  const std::string& strategy,
                                                  const std::string& variant,
                                                  const std::string& head,
                                                  const std::string& metric) {
  std::vector<std::pair<uint64_t, double>> out;
  for (const RunResults& run : runs) {
    if (run.strategy != strategy) continue;
    for (const EvaluationMetrics& evaluation : run.evaluations) {
      if (evaluation.variant != variant) continue;
      for (const HeadMetrics& metrics : evaluation.heads) {
        if (metrics.head != head) continue;
        const std::optional<double> value = metrics.scalar(metric);
        if (value && std::isfinite(*value)) out.emplace_back(run.seed, *value);
      }
    }
  }
  return out;
}

}  // namespace fulcrum::experiment
