#include "fulcrum/losses/focal_loss.hpp"

#include <cmath>
#include <utility>

#include "elementwise_logit_loss.hpp"
#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {
namespace {

constexpr const char* kName = "sigmoid_focal_loss";
// Relative cost of one element (an exp, a log1p and a pow in double).
constexpr int64_t kCostPerElement = 24;

void check_options(const SigmoidFocalLossOptions& o) {
  FULCRUM_CHECK(std::isfinite(o.gamma) && o.gamma >= 0.0f,
                "{}: gamma must be finite and >= 0, got {}", kName, o.gamma);
  FULCRUM_CHECK(std::isfinite(o.alpha) && o.alpha <= 1.0f,
                "{}: alpha must be in [0, 1], or negative to disable the weighting, got {}", kName,
                o.alpha);
}

// The per-element loss and derivative (see the header for the formulas).
struct FocalKernel {
  double alpha = 0.25;  // < 0: no alpha factor
  double gamma = 2.0;

  double alpha_factor(double t) const {
    return alpha >= 0 ? alpha * t + (1.0 - alpha) * (1.0 - t) : 1.0;
  }

  double loss(double x, double t) const {
    const detail::Logistic s = detail::logistic(x);
    const double ce = -(1.0 - t) * s.log_q - t * s.log_p;
    const double miss = s.p * (1.0 - t) + s.q * t;  // 1 - p_t, without cancellation
    return alpha_factor(t) * ce * std::pow(miss, gamma);
  }

  double grad(double x, double t) const {
    const detail::Logistic s = detail::logistic(x);
    const double ce = -(1.0 - t) * s.log_q - t * s.log_p;
    const double miss = s.p * (1.0 - t) + s.q * t;
    const double dce = (1.0 - t) * s.p - t * s.q;  // = p - t, without cancellation
    const double dmiss = s.p * s.q * (1.0 - 2.0 * t);
    double d = dce * std::pow(miss, gamma);
    // Where dmiss is 0 the modulating factor is locally constant. This also
    // covers miss == 0 (only when p or 1 - p underflows, making dmiss 0), where
    // miss^(gamma - 1) would be infinite for gamma < 1.
    if (gamma != 0.0 && dmiss != 0.0) d += gamma * ce * std::pow(miss, gamma - 1.0) * dmiss;
    return alpha_factor(t) * d;
  }
};

}  // namespace

Tensor sigmoid_focal_loss(const Tensor& input, const Tensor& target,
                          const SigmoidFocalLossOptions& options) {
  check_options(options);
  const FocalKernel kernel{options.alpha, options.gamma};
  return detail::elementwise_logit_loss(kName, input, target, options.reduction, kernel,
                                        kCostPerElement);
}

SigmoidFocalLoss::SigmoidFocalLoss(SigmoidFocalLossOptions options) : options_(std::move(options)) {
  check_options(options_);
}

Tensor SigmoidFocalLoss::forward(const Tensor& input, const Tensor& target) const {
  return sigmoid_focal_loss(input, target, options_);
}

}  // namespace fulcrum::nn
