#include "fulcrum/metrics/multiclass.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/input.hpp"

namespace fulcrum::metrics {
namespace {

constexpr const char* kFn = "multiclass_metrics";

double ratio(double a, double b) { return b == 0 ? 0.0 : a / b; }

void validate(const Tensor& y_true, const Tensor& y_prob) {
  detail::check_rank(y_true, 1, kFn, "y_true", "[n_samples] class indices with n_samples >= 1");
  detail::check_rank(y_prob, 2, kFn, "y_prob", "[n_samples, n_classes] with both >= 1");
  FULCRUM_CHECK_SHAPE(y_true.size(0) == y_prob.size(0),
                      "{}: y_true has shape {} but y_prob has shape {}; they must be "
                      "[n_samples] and [n_samples, n_classes]",
                      kFn, to_string(y_true.shape()), to_string(y_prob.shape()));
  const int64_t classes = y_prob.size(1);
  const auto truth = y_true.values();
  for (size_t i = 0; i < truth.size(); ++i) {
    const float t = truth[i];
    FULCRUM_CHECK(
        std::isfinite(t) && t == std::floor(t) && t >= 0.0f && t < static_cast<float>(classes),
        "{}: y_true[{}] is {}; it must be a class index in 0..{} (y_prob has "
        "shape {})",
        kFn, i, t, classes - 1, to_string(y_prob.shape()));
  }
  detail::check_probabilities(y_prob, kFn, "y_prob");
}

}  // namespace

MultiClassMetrics multiclass_metrics(const Tensor& y_true, const Tensor& y_prob) {
  validate(y_true, y_prob);
  MultiClassMetrics m;
  m.n_samples = y_true.size(0);
  m.n_classes = y_prob.size(1);
  const auto n = static_cast<size_t>(m.n_samples), C = static_cast<size_t>(m.n_classes);
  const auto truth = y_true.values();
  const auto prob = y_prob.values();

  // Decisions, confusion matrix and log loss in one pass.
  // sklearn clips to [eps, 1 - eps] with eps = float64 machine epsilon, then
  // renormalises each row so rows that do not sum to 1 exactly still work.
  constexpr double eps = std::numeric_limits<double>::epsilon();
  m.confusion_matrix.assign(C * C, 0);
  double correct = 0, log_loss_sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto row = prob.subspan(i * C, C);
    const auto t = static_cast<size_t>(truth[i]);
    size_t predicted = 0;
    double row_sum = 0;
    for (size_t c = 0; c < C; ++c) {
      if (row[c] > row[predicted]) predicted = c;  // first maximum, like argmax
      row_sum += std::clamp(static_cast<double>(row[c]), eps, 1 - eps);
    }
    m.confusion_matrix[t * C + predicted] += 1;
    correct += t == predicted ? 1 : 0;
    log_loss_sum -= std::log(std::clamp(static_cast<double>(row[t]), eps, 1 - eps) / row_sum);
  }
  const auto samples = static_cast<double>(n);
  m.accuracy = correct / samples;
  m.log_loss = log_loss_sum / samples;

  m.precision_per_class.resize(C);
  m.recall_per_class.resize(C);
  m.f1_per_class.resize(C);
  m.support_per_class.resize(C);
  double present = 0, f1_sum = 0, f1_weighted_sum = 0;
  double with_support = 0, recall_sum = 0;
  for (size_t c = 0; c < C; ++c) {
    double true_count = 0, predicted_count = 0;
    for (size_t k = 0; k < C; ++k) {
      true_count += static_cast<double>(m.confusion_matrix[c * C + k]);
      predicted_count += static_cast<double>(m.confusion_matrix[k * C + c]);
    }
    const auto tp = static_cast<double>(m.confusion_matrix[c * C + c]);
    const double precision = ratio(tp, predicted_count);
    const double recall = ratio(tp, true_count);
    m.precision_per_class[c] = precision;
    m.recall_per_class[c] = recall;
    m.f1_per_class[c] = ratio(2 * precision * recall, precision + recall);
    m.support_per_class[c] = static_cast<int64_t>(true_count);
    if (true_count > 0 || predicted_count > 0) {  // sklearn's default `labels`
      present += 1;
      f1_sum += m.f1_per_class[c];
    }
    if (true_count > 0) {
      with_support += 1;
      recall_sum += recall;
    }
    f1_weighted_sum += true_count * m.f1_per_class[c];
  }
  m.f1_macro = f1_sum / present;  // present >= 1: every sample has a true class
  m.f1_weighted = f1_weighted_sum / samples;
  m.balanced_accuracy = recall_sum / with_support;
  return m;
}

}  // namespace fulcrum::metrics
