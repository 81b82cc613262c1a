#include "fulcrum/metrics/multilabel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/metrics/calibration.hpp"
#include "fulcrum/metrics/input.hpp"
#include "fulcrum/metrics/ranking.hpp"
#include "ranking_keys.hpp"

namespace fulcrum::metrics {
namespace {

constexpr const char* kFn = "multilabel_metrics";

/// a / b, or 0 when b is 0 (sklearn's zero_division=0).
double ratio(double a, double b) { return b == 0 ? 0.0 : a / b; }

/// F1 from precision and recall, the way sklearn 1.2 computes it (0 if both are 0).
double f1_of(double precision, double recall) {
  return ratio(2 * precision * recall, precision + recall);
}

/// Counts of one confusion table.
struct Counts {
  double tp = 0, fp = 0, fn = 0;
  double precision() const { return ratio(tp, tp + fp); }
  double recall() const { return ratio(tp, tp + fn); }
};

void validate(const Tensor& y_true, const Tensor& y_score, std::span<const float> thresholds) {
  detail::check_label_matrices(y_true, y_score, kFn);
  const int64_t labels = y_true.size(1);
  FULCRUM_CHECK_SHAPE(thresholds.size() == 1 || static_cast<int64_t>(thresholds.size()) == labels,
                      "{}: {} thresholds given for {} labels; give one per label or a single "
                      "one for all",
                      kFn, thresholds.size(), labels);
  for (size_t j = 0; j < thresholds.size(); ++j)
    FULCRUM_CHECK(!std::isnan(thresholds[j]), "{}: threshold {} is NaN", kFn, j);
  const auto truth = y_true.values();
  for (size_t i = 0; i < truth.size(); ++i)
    FULCRUM_CHECK(truth[i] == 0.0f || truth[i] == 1.0f,
                  "{}: y_true{} is {}; multi-label targets must be 0 or 1", kFn,
                  detail::index_string(y_true.shape(), static_cast<int64_t>(i)), truth[i]);
  detail::check_probabilities(y_score, kFn, "y_score");
}

/// Fills the decision metrics: per-label, micro, macro, weighted and samples
/// averages, hamming loss and subset accuracy.
void decision_metrics(const std::vector<double>& truth, const std::vector<double>& predicted,
                      MultiLabelMetrics& m) {
  const auto n = static_cast<size_t>(m.n_samples), L = static_cast<size_t>(m.n_labels);
  std::vector<Counts> per_label(L);
  Counts total;
  double wrong = 0, exact_rows = 0;
  double sum_p = 0, sum_r = 0, sum_f = 0;  // samples averaging
  for (size_t i = 0; i < n; ++i) {
    Counts row;
    for (size_t j = 0; j < L; ++j) {
      const double t = truth[i * L + j], p = predicted[i * L + j];
      row.tp += t * p;
      row.fp += (1 - t) * p;
      row.fn += t * (1 - p);
    }
    for (size_t j = 0; j < L; ++j) {
      const double t = truth[i * L + j], p = predicted[i * L + j];
      per_label[j].tp += t * p;
      per_label[j].fp += (1 - t) * p;
      per_label[j].fn += t * (1 - p);
    }
    total.tp += row.tp;
    total.fp += row.fp;
    total.fn += row.fn;
    wrong += row.fp + row.fn;
    exact_rows += row.fp + row.fn == 0 ? 1 : 0;
    sum_p += row.precision();
    sum_r += row.recall();
    sum_f += f1_of(row.precision(), row.recall());
  }
  m.precision.resize(L);
  m.recall.resize(L);
  m.f1.resize(L);
  m.support.resize(L);
  double support_sum = 0, weighted_p = 0, weighted_r = 0, weighted_f = 0;
  double macro_p = 0, macro_r = 0, macro_f = 0;
  for (size_t j = 0; j < L; ++j) {
    const Counts& c = per_label[j];
    m.precision[j] = c.precision();
    m.recall[j] = c.recall();
    m.f1[j] = f1_of(m.precision[j], m.recall[j]);
    const double support = c.tp + c.fn;
    m.support[j] = static_cast<int64_t>(support);
    macro_p += m.precision[j];
    macro_r += m.recall[j];
    macro_f += m.f1[j];
    support_sum += support;
    weighted_p += support * m.precision[j];
    weighted_r += support * m.recall[j];
    weighted_f += support * m.f1[j];
  }
  const auto labels = static_cast<double>(L), samples = static_cast<double>(n);
  m.precision_micro = total.precision();
  m.recall_micro = total.recall();
  m.f1_micro = f1_of(m.precision_micro, m.recall_micro);
  m.precision_macro = macro_p / labels;
  m.recall_macro = macro_r / labels;
  m.f1_macro = macro_f / labels;
  m.precision_weighted = ratio(weighted_p, support_sum);
  m.recall_weighted = ratio(weighted_r, support_sum);
  m.f1_weighted = ratio(weighted_f, support_sum);
  m.precision_samples = sum_p / samples;
  m.recall_samples = sum_r / samples;
  m.f1_samples = sum_f / samples;
  m.hamming_loss = wrong / (samples * labels);
  m.subset_accuracy = exact_rows / samples;
}

/// Fills ROC-AUC and average precision, per ranked label, macro and micro:
/// one sort of each label's keys (in parallel: labels are independent) and
/// one of all of them pooled, each giving both metrics.
void ranking_metrics(const Tensor& y_true, const Tensor& y_score, MultiLabelMetrics& m) {
  const auto n = static_cast<size_t>(m.n_samples), L = static_cast<size_t>(m.n_labels);
  m.roc_auc.assign(L, std::nullopt);
  m.average_precision.assign(L, std::nullopt);
  for (size_t j = 0; j < L; ++j) {
    const auto positives = static_cast<size_t>(m.support[j]);
    if (positives != 0 && positives != n)  // one class: no ranking metric
      m.ranked_labels.push_back(static_cast<int64_t>(j));
  }
  if (m.ranked_labels.empty()) return;
  const size_t ranked = m.ranked_labels.size();
  const auto truth = y_true.values(), score = y_score.values();
  // The keys of the [n, ranked] columns, label after label: each label's own
  // slice, and together the pooled values of the micro averages.
  std::vector<uint64_t> keys(n * ranked);
  parallel_for(
      static_cast<int64_t>(ranked),
      [&](int64_t first, int64_t last) {
        // Gathered a few columns at a time, so that each row's cache line
        // serves them all.
        constexpr int64_t kColumns = 16;
        for (int64_t block = first; block < last; block += kColumns) {
          const int64_t block_end = std::min(block + kColumns, last);
          for (size_t i = 0; i < n; ++i)
            for (auto r = static_cast<size_t>(block); r < static_cast<size_t>(block_end); ++r) {
              const size_t at = i * L + static_cast<size_t>(m.ranked_labels[r]);
              keys[r * n + i] = detail::ranking_key(score[at], truth[at] != 0.0f);
            }
        }
        std::vector<uint64_t> scratch;
        for (auto r = static_cast<size_t>(first); r < static_cast<size_t>(last); ++r) {
          const std::span<uint64_t> column{keys.data() + r * n, n};
          detail::sort_ranking_keys(column, scratch);
          const BinaryRanking label = detail::ranking_of_sorted_keys(column);
          const auto j = static_cast<size_t>(m.ranked_labels[r]);
          m.roc_auc[j] = label.roc_auc;
          m.average_precision[j] = label.average_precision;
        }
      },
      /*cost_per_item=*/static_cast<int64_t>(n) * 16);
  double auc_sum = 0, ap_sum = 0;  // in label order, whatever the threads did
  for (const int64_t j : m.ranked_labels) {
    auc_sum += *m.roc_auc[static_cast<size_t>(j)];
    ap_sum += *m.average_precision[static_cast<size_t>(j)];
  }
  m.roc_auc_macro = auc_sum / static_cast<double>(ranked);
  m.average_precision_macro = ap_sum / static_cast<double>(ranked);
  std::vector<uint64_t> scratch;
  detail::sort_ranking_keys(keys, scratch);
  const BinaryRanking micro = detail::ranking_of_sorted_keys(keys);
  m.roc_auc_micro = micro.roc_auc;
  m.average_precision_micro = micro.average_precision;
}

/// Each label's Brier score, summed row after row so that the matrix is read
/// in its own order (the same sums, term by term, as brier_score per column).
void brier_scores(const std::vector<double>& truth, const std::vector<double>& score,
                  MultiLabelMetrics& m) {
  const auto n = static_cast<size_t>(m.n_samples), L = static_cast<size_t>(m.n_labels);
  std::vector<double> sums(L, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < L; ++j) {
      const double d = score[i * L + j] - truth[i * L + j];
      sums[j] += d * d;
    }
  m.brier.resize(L);
  double brier_sum = 0;
  for (size_t j = 0; j < L; ++j) {
    m.brier[j] = sums[j] / static_cast<double>(n);
    brier_sum += m.brier[j];
  }
  m.brier_per_label_mean = brier_sum / static_cast<double>(L);
}

}  // namespace

MultiLabelMetrics multilabel_metrics(const Tensor& y_true, const Tensor& y_score,
                                     std::span<const float> thresholds) {
  validate(y_true, y_score, thresholds);
  MultiLabelMetrics m;
  m.n_samples = y_true.size(0);
  m.n_labels = y_true.size(1);
  const auto n = static_cast<size_t>(m.n_samples), L = static_cast<size_t>(m.n_labels);
  m.thresholds.resize(L);
  for (size_t j = 0; j < L; ++j) m.thresholds[j] = thresholds[thresholds.size() == 1 ? 0 : j];

  const std::vector<double> truth = detail::to_doubles(y_true);
  const std::vector<double> score = detail::to_doubles(y_score);
  // Decide in float32, the precision the scores were computed in.
  std::vector<double> predicted(n * L);
  const auto scores32 = y_score.values();
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < L; ++j)
      predicted[i * L + j] = scores32[i * L + j] >= m.thresholds[j] ? 1.0 : 0.0;

  decision_metrics(truth, predicted, m);
  ranking_metrics(y_true, y_score, m);
  m.label_ranking_average_precision =
      label_ranking_average_precision(truth, score, m.n_samples, m.n_labels);
  m.coverage_error = coverage_error(truth, score, m.n_samples, m.n_labels);
  brier_scores(truth, score, m);
  m.expected_calibration_error = expected_calibration_error(truth, score, kCalibrationBins);
  return m;
}

MultiLabelMetrics multilabel_metrics(const Tensor& y_true, const Tensor& y_score, float threshold) {
  return multilabel_metrics(y_true, y_score, std::span<const float>(&threshold, 1));
}

}  // namespace fulcrum::metrics
