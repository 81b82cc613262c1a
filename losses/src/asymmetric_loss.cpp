#include "fulcrum/losses/asymmetric_loss.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "elementwise_logit_loss.hpp"
#include "fulcrum/core/error.hpp"

namespace fulcrum::nn {
namespace {

constexpr const char* kName = "asymmetric_loss";
// Relative cost of one element (an exp, a log1p, a log and a pow in double).
constexpr int64_t kCostPerElement = 32;

void check_options(const AsymmetricLossOptions& o) {
  FULCRUM_CHECK(std::isfinite(o.gamma_pos) && o.gamma_pos >= 0.0f,
                "{}: gamma_pos must be finite and >= 0, got {}", kName, o.gamma_pos);
  FULCRUM_CHECK(std::isfinite(o.gamma_neg) && o.gamma_neg >= 0.0f,
                "{}: gamma_neg must be finite and >= 0, got {}", kName, o.gamma_neg);
  FULCRUM_CHECK(o.clip >= 0.0f && o.clip <= 1.0f,
                "{}: clip (the probability margin) must be in [0, 1], got {}", kName, o.clip);
  FULCRUM_CHECK(o.eps > 0.0f && o.eps < 1.0f, "{}: eps must be in (0, 1), got {}", kName, o.eps);
}

// One log term of the loss: log(max(v, eps)) and its derivative in x, which
// is 0 where the clamp is active (PyTorch's clamp passes gradient on v >= eps).
struct LogTerm {
  double value, grad;
};

// The per-element loss and derivative (see the header for the formula).
struct AsymmetricKernel {
  double gamma_pos = 0.0, gamma_neg = 4.0, clip = 0.05, eps = 1e-8;

  struct Parts {
    double L, dL;  // y log(xs_pos) + (1 - y) log(xs_neg), clamped, and d/dx
    double b, db;  // 1 - pt and d/dx
    double gamma;  // gamma_pos y + gamma_neg (1 - y)
  };

  Parts parts(double x, double y) const {
    const detail::Logistic s = detail::logistic(x);
    const double dp = s.p * s.q;  // d sigmoid(x) / dx
    const double log_eps = std::log(eps);

    // Positives: log(max(p, eps)); d log p / dx = 1 - p.
    const LogTerm pos = s.p >= eps ? LogTerm{s.log_p, s.q} : LogTerm{log_eps, 0.0};

    // Negatives: xs_neg = 1 - p, shifted by the margin and clamped at 1.
    double xs_neg = s.q, d_neg = -dp, one_minus_neg = s.p;
    LogTerm neg{};
    if (clip > 0.0) {
      const double shifted = s.q + clip;
      if (shifted > 1.0) {  // clamped at 1: constant, log 1 = 0
        xs_neg = 1.0;
        d_neg = 0.0;
        one_minus_neg = 0.0;
      } else {
        xs_neg = shifted;
        one_minus_neg = std::max(s.p - clip, 0.0);  // = 1 - xs_neg, no cancellation
      }
      neg = xs_neg >= eps ? LogTerm{std::log(xs_neg), d_neg / xs_neg} : LogTerm{log_eps, 0.0};
    } else {
      // log(1 - p) = -softplus(x) and d/dx = -p, accurate even where 1 - p rounds to 1.
      neg = xs_neg >= eps ? LogTerm{s.log_q, -s.p} : LogTerm{log_eps, 0.0};
    }

    Parts r;
    r.L = y * pos.value + (1.0 - y) * neg.value;
    r.dL = y * pos.grad + (1.0 - y) * neg.grad;
    // 1 - pt = y (1 - p) + (1 - y)(1 - xs_neg), each term without cancellation.
    r.b = y * s.q + (1.0 - y) * one_minus_neg;
    r.db = -(y * dp + (1.0 - y) * d_neg);
    r.gamma = gamma_pos * y + gamma_neg * (1.0 - y);
    return r;
  }

  double loss(double x, double y) const {
    const Parts r = parts(x, y);
    return -r.L * std::pow(r.b, r.gamma);  // pow(0, 0) = 1: no focusing when gamma = 0
  }

  double grad(double x, double y) const {
    const Parts r = parts(x, y);
    const double w = std::pow(r.b, r.gamma);
    // d w / dx = gamma b^(gamma-1) db; 0 where gamma = 0 (PyTorch's pow backward)
    // or where 1 - pt is locally constant (db = 0, which includes every b = 0:
    // a clamped negative, or an underflowed sigmoid), where b^(gamma-1) could be
    // infinite.
    const double dw =
        r.gamma != 0.0 && r.db != 0.0 ? r.gamma * std::pow(r.b, r.gamma - 1.0) * r.db : 0.0;
    return -(r.dL * w + r.L * dw);
  }
};

}  // namespace

Tensor asymmetric_loss(const Tensor& input, const Tensor& target,
                       const AsymmetricLossOptions& options) {
  check_options(options);
  const AsymmetricKernel kernel{options.gamma_pos, options.gamma_neg, options.clip, options.eps};
  return detail::elementwise_logit_loss(kName, input, target, options.reduction, kernel,
                                        kCostPerElement);
}

AsymmetricLoss::AsymmetricLoss(AsymmetricLossOptions options) : options_(std::move(options)) {
  check_options(options_);
}

Tensor AsymmetricLoss::forward(const Tensor& input, const Tensor& target) const {
  return asymmetric_loss(input, target, options_);
}

}  // namespace fulcrum::nn
