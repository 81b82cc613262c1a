#include "fulcrum/losses/class_weights.hpp"

#include <cmath>

#include "class_offsets.hpp"
#include "fulcrum/core/error.hpp"
#include "loss_support.hpp"

namespace fulcrum::nn {
namespace {

// Positives per column of a [N, C] matrix of 0/1, checked element by element.
std::vector<int64_t> positives_per_label(const Tensor& targets, const char* what) {
  FULCRUM_CHECK(targets.defined(), "{}: targets must be given", what);
  FULCRUM_CHECK_SHAPE(targets.dim() == 2,
                      "{}: targets must be a [N, C] matrix of 0/1 (rows: examples, columns: "
                      "labels), got shape {}",
                      what, fulcrum::to_string(targets.shape()));
  const int64_t rows = targets.size(0), labels = targets.size(1);
  std::vector<int64_t> positives(static_cast<size_t>(labels), 0);
  const float* t = targets.data();
  for (int64_t i = 0; i < rows * labels; ++i) {
    if (t[i] != 0.0f && t[i] != 1.0f)
      throw_value_error(fmt::format("{}: targets{} = {} is not 0 or 1", what,
                                    detail::index_string(targets.shape(), i), t[i]));
    if (t[i] == 1.0f) ++positives[static_cast<size_t>(i % labels)];
  }
  return positives;
}

// weight_c = rule(count_c) for counts > 0; 1 (and reported) for empty ones.
template <typename Rule>
Tensor per_class(const std::vector<int64_t>& counts, std::vector<int64_t>* empty, Rule rule) {
  Tensor out = Tensor::empty({static_cast<int64_t>(counts.size())});
  float* w = out.data();
  for (size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] == 0) {
      w[c] = 1.0f;
      if (empty) empty->push_back(static_cast<int64_t>(c));
    } else {
      w[c] = static_cast<float>(rule(static_cast<double>(counts[c])));
    }
  }
  return out;
}

}  // namespace

Tensor pos_weight_neg_over_pos(const Tensor& targets,
                               std::vector<int64_t>* labels_without_positives) {
  const auto positives = positives_per_label(targets, "pos_weight_neg_over_pos");
  const double rows = static_cast<double>(targets.size(0));
  return per_class(positives, labels_without_positives,
                   [rows](double pos) { return (rows - pos) / pos; });
}

Tensor inverse_frequency_weight(const Tensor& targets,
                                std::vector<int64_t>* labels_without_positives) {
  const auto positives = positives_per_label(targets, "inverse_frequency_weight");
  const double rows = static_cast<double>(targets.size(0));
  const double labels = static_cast<double>(targets.size(1));
  return per_class(positives, labels_without_positives,
                   [rows, labels](double count) { return rows / (labels * count); });
}

Tensor class_weight_balanced(const Tensor& class_indices, int64_t num_classes,
                             std::vector<int64_t>* absent_classes) {
  constexpr const char* kName = "class_weight_balanced";
  FULCRUM_CHECK(class_indices.defined(), "{}: class_indices must be given", kName);
  FULCRUM_CHECK(num_classes >= 1, "{}: num_classes must be at least 1, got {}", kName,
                num_classes);
  FULCRUM_CHECK_SHAPE(class_indices.dim() == 1, "{}: class_indices must have shape [N], got {}",
                      kName, fulcrum::to_string(class_indices.shape()));
  std::vector<int64_t> counts(static_cast<size_t>(num_classes), 0);
  const float* y = class_indices.data();
  for (int64_t i = 0; i < class_indices.numel(); ++i) {
    if (!(y[i] >= 0.0f && y[i] < static_cast<float>(num_classes) && y[i] == std::floor(y[i])))
      throw_value_error(fmt::format("{}: class_indices[{}] = {} is not a class index in [0, {})",
                                    kName, i, y[i], num_classes));
    ++counts[static_cast<size_t>(y[i])];
  }
  const double n = static_cast<double>(class_indices.numel());
  const double classes = static_cast<double>(num_classes);
  return per_class(counts, absent_classes,
                   [n, classes](double count) { return n / (classes * count); });
}

Tensor recalibrate_pos_weight_logits(const Tensor& logits, const Tensor& pos_weight) {
  constexpr const char* kName = "recalibrate_pos_weight_logits";
  FULCRUM_CHECK(logits.defined() && pos_weight.defined(), "{}: logits and pos_weight must be given",
                kName);
  FULCRUM_CHECK_SHAPE(broadcasts_to(pos_weight.shape(), logits.shape()),
                      "{}: pos_weight of shape {} does not broadcast to logits of shape {}", kName,
                      fulcrum::to_string(pos_weight.shape()), fulcrum::to_string(logits.shape()));
  const float* pw = pos_weight.data();
  for (int64_t i = 0; i < pos_weight.numel(); ++i)
    FULCRUM_CHECK(pw[i] > 0.0f && std::isfinite(pw[i]),
                  "{}: pos_weight{} = {} must be positive and finite (its log shifts the logits)",
                  kName, detail::index_string(pos_weight.shape(), i), pw[i]);
  Tensor out = Tensor::empty(logits.shape());
  const detail::BroadcastIndex at(pos_weight.shape(), logits.shape());
  const float* z = logits.data();
  float* o = out.data();
  for (int64_t i = 0; i < logits.numel(); ++i)
    o[i] = static_cast<float>(static_cast<double>(z[i]) - std::log(static_cast<double>(pw[at(i)])));
  return out;
}

// -- counts and the rules on counts ---------------------------------------------

namespace {

// Checks per-class counts given directly: at least one, none negative, none
// above `max_count` (when given).
void check_counts(const std::vector<int64_t>& counts, const char* what, int64_t max_count = -1) {
  FULCRUM_CHECK(!counts.empty(), "{}: counts must hold at least one class", what);
  for (size_t c = 0; c < counts.size(); ++c) {
    FULCRUM_CHECK(counts[c] >= 0, "{}: counts[{}] = {} is negative", what, c, counts[c]);
    FULCRUM_CHECK(max_count < 0 || counts[c] <= max_count,
                  "{}: counts[{}] = {} exceeds num_examples = {}", what, c, counts[c], max_count);
  }
}

void check_num_examples(int64_t num_examples, const char* what) {
  FULCRUM_CHECK(num_examples >= 1, "{}: num_examples must be at least 1, got {}", what,
                num_examples);
}

// sqrt(N / (C * count)): the square root of the balanced rule.
Tensor sqrt_inverse_frequency(const std::vector<int64_t>& counts, double examples,
                              std::vector<int64_t>* empty) {
  const double classes = static_cast<double>(counts.size());
  return per_class(counts, empty, [examples, classes](double count) {
    return std::sqrt(examples / (classes * count));
  });
}

// Cui et al.: (1 - beta) / (1 - beta^n) for the present classes, scaled so
// that they sum to their number; absent classes get 1 (see the header).
Tensor effective_number(const std::vector<int64_t>& counts, double beta, const char* what,
                        std::vector<int64_t>* empty) {
  FULCRUM_CHECK(beta >= 0.0 && beta < 1.0, "{}: beta must be in [0, 1), got {}", what, beta);
  // 1 - beta^n as -expm1(n log beta): no cancellation for beta near 1.
  // beta = 0 gives log 0 = -inf and expm1(-inf) = -1: every weight 1.
  const double log_beta = std::log(beta);
  const auto raw = [beta, log_beta](double n) { return (1.0 - beta) / -std::expm1(n * log_beta); };
  double total = 0.0, present = 0.0;
  for (int64_t n : counts) {
    if (n == 0) continue;
    total += raw(static_cast<double>(n));
    present += 1.0;
  }
  const double scale = present > 0.0 ? present / total : 1.0;
  return per_class(counts, empty, [&](double n) { return raw(n) * scale; });
}

}  // namespace

std::vector<int64_t> label_positive_counts(const Tensor& targets) {
  return positives_per_label(targets, "label_positive_counts");
}

std::vector<int64_t> class_counts(const Tensor& class_indices, int64_t num_classes) {
  constexpr const char* kName = "class_counts";
  FULCRUM_CHECK(class_indices.defined(), "{}: class_indices must be given", kName);
  FULCRUM_CHECK(num_classes >= 1, "{}: num_classes must be at least 1, got {}", kName, num_classes);
  FULCRUM_CHECK_SHAPE(class_indices.dim() == 1, "{}: class_indices must have shape [N], got {}",
                      kName, fulcrum::to_string(class_indices.shape()));
  std::vector<int64_t> counts(static_cast<size_t>(num_classes), 0);
  const float* y = class_indices.data();
  for (int64_t i = 0; i < class_indices.numel(); ++i) {
    if (!(y[i] >= 0.0f && y[i] < static_cast<float>(num_classes) && y[i] == std::floor(y[i])))
      throw_value_error(fmt::format("{}: class_indices[{}] = {} is not a class index in [0, {})",
                                    kName, i, y[i], num_classes));
    ++counts[static_cast<size_t>(y[i])];
  }
  return counts;
}

Tensor inverse_frequency_weight(const std::vector<int64_t>& counts, int64_t num_examples,
                                std::vector<int64_t>* empty_classes) {
  constexpr const char* kName = "inverse_frequency_weight";
  check_num_examples(num_examples, kName);
  check_counts(counts, kName, num_examples);
  const double examples = static_cast<double>(num_examples);
  const double classes = static_cast<double>(counts.size());
  return per_class(counts, empty_classes,
                   [examples, classes](double count) { return examples / (classes * count); });
}

Tensor sqrt_inverse_frequency_weight(const Tensor& targets,
                                     std::vector<int64_t>* labels_without_positives) {
  const auto positives = positives_per_label(targets, "sqrt_inverse_frequency_weight");
  return sqrt_inverse_frequency(positives, static_cast<double>(targets.size(0)),
                                labels_without_positives);
}

Tensor sqrt_inverse_frequency_weight(const std::vector<int64_t>& counts, int64_t num_examples,
                                     std::vector<int64_t>* empty_classes) {
  constexpr const char* kName = "sqrt_inverse_frequency_weight";
  check_num_examples(num_examples, kName);
  check_counts(counts, kName, num_examples);
  return sqrt_inverse_frequency(counts, static_cast<double>(num_examples), empty_classes);
}

Tensor effective_number_weight(const Tensor& targets, double beta,
                               std::vector<int64_t>* labels_without_positives) {
  constexpr const char* kName = "effective_number_weight";
  return effective_number(positives_per_label(targets, kName), beta, kName,
                          labels_without_positives);
}

Tensor effective_number_weight(const std::vector<int64_t>& counts, double beta,
                               std::vector<int64_t>* empty_classes) {
  constexpr const char* kName = "effective_number_weight";
  check_counts(counts, kName);
  return effective_number(counts, beta, kName, empty_classes);
}

Tensor recalibrate_class_weight_logits(const Tensor& logits, const Tensor& class_weight) {
  constexpr const char* kName = "recalibrate_class_weight_logits";
  FULCRUM_CHECK(logits.defined(), "{}: logits must be given", kName);
  detail::check_positive_per_class(logits, class_weight, kName, "class_weight");
  return detail::add_scaled_log_per_class(logits, class_weight, -1.0);
}

}  // namespace fulcrum::nn
