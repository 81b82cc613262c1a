#include "fulcrum/losses/logit_adjustment.hpp"

#include <cmath>
#include <utility>

#include "class_offsets.hpp"
#include "fulcrum/core/error.hpp"
#include "loss_support.hpp"

namespace fulcrum::nn {
namespace {

constexpr const char* kLossName = "logit_adjusted_cross_entropy";

void check_tau(float tau, const char* fn) {
  FULCRUM_CHECK(std::isfinite(tau), "{}: tau must be finite, got {}", fn, tau);
}

}  // namespace

Tensor class_priors(const std::vector<int64_t>& counts) {
  constexpr const char* kName = "class_priors";
  FULCRUM_CHECK(!counts.empty(), "{}: counts must hold at least one class", kName);
  double total = 0.0;
  for (size_t c = 0; c < counts.size(); ++c) {
    FULCRUM_CHECK(counts[c] > 0,
                  "{}: class {} has count {}; every class needs at least one training example "
                  "(its log prior would be -inf)",
                  kName, c, counts[c]);
    total += static_cast<double>(counts[c]);
  }
  Tensor out = Tensor::empty({static_cast<int64_t>(counts.size())});
  for (size_t c = 0; c < counts.size(); ++c)
    out.data()[c] = static_cast<float>(static_cast<double>(counts[c]) / total);
  return out;
}

Tensor logit_adjusted_cross_entropy(const Tensor& input, const Tensor& target,
                                    const Tensor& class_priors, float tau,
                                    const CrossEntropyLossOptions& options) {
  FULCRUM_CHECK(input.defined() && target.defined(), "{}: input and target must be given",
                kLossName);
  FULCRUM_CHECK_SHAPE(input.dim() >= 2,
                      "{}: input must have shape [N, C] or [N, C, d1, ...] (class dimension 1), "
                      "got {}",
                      kLossName, fulcrum::to_string(input.shape()));
  check_tau(tau, kLossName);
  detail::check_positive_per_class(input, class_priors, kLossName, "class_priors");
  // Checked here so that a NaN is reported against this loss's input, not
  // against the shifted logits cross_entropy sees.
  detail::check_all_finite(input, kLossName, "input");

  Tensor shifted = detail::add_scaled_log_per_class(input, class_priors, tau);
  // The shift is constant, so its node passes the gradient through unchanged.
  shifted = record("logit_adjust", shifted, {input},
                   [](const Tensor&, const Tensor& grad_output, const std::vector<Tensor>& in) {
                     accumulate_grad(in[0], grad_output);
                   });
  return cross_entropy(shifted, target, options);
}

Tensor logit_adjust(const Tensor& logits, const Tensor& priors, float tau) {
  constexpr const char* kName = "logit_adjust";
  FULCRUM_CHECK(logits.defined(), "{}: logits must be given", kName);
  check_tau(tau, kName);
  detail::check_positive_per_class(logits, priors, kName, "priors");
  return detail::add_scaled_log_per_class(logits, priors, -static_cast<double>(tau));
}

LogitAdjustedCrossEntropyLoss::LogitAdjustedCrossEntropyLoss(
    LogitAdjustedCrossEntropyLossOptions options)
    : options_(std::move(options)) {
  const char* kName = "LogitAdjustedCrossEntropyLoss";
  check_tau(options_.tau, kName);
  const Tensor& priors = options_.class_priors;
  FULCRUM_CHECK(priors.defined(), "{}: class_priors must be given", kName);
  FULCRUM_CHECK_SHAPE(priors.dim() == 1, "{}: class_priors must have shape [C], got {}", kName,
                      fulcrum::to_string(priors.shape()));
  // The same check as per call, against a row of the right number of classes.
  detail::check_positive_per_class(Tensor::empty(priors.shape()), priors, kName, "class_priors");
  (void)CrossEntropyLoss(options_.cross_entropy);  // checks label_smoothing now
}

Tensor LogitAdjustedCrossEntropyLoss::forward(const Tensor& input, const Tensor& target) const {
  return logit_adjusted_cross_entropy(input, target, options_.class_priors, options_.tau,
                                      options_.cross_entropy);
}

}  // namespace fulcrum::nn
