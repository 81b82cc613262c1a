#pragma once
// Float64 references of the losses, from the formulas in their headers (and
// PyTorch's / torchvision's / the ASL paper's definitions), for the gradient
// check. Written element by element, without the care for cancellation that
// the implementations take: in double, at the test's inputs, it is not needed.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "fulcrum/losses/asymmetric_loss.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/losses/focal_loss.hpp"
#include "fulcrum/losses/reduction.hpp"
#include "support/reference.hpp"

namespace fulcrum::nn::reference {

using testing::ref::Array;

inline Array reduce(const Array& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::None:
      return losses;
    case Reduction::Mean:
      return testing::ref::mean(losses);
    case Reduction::Sum:
      return testing::ref::sum(losses);
  }
  return {};
}

/// w * [(1 - t) softplus(x) + pw t softplus(-x)]; weight and pos_weight may be undefined.
inline Array bce_with_logits(const Array& x, const Array& t, const Array& weight,
                             const Array& pos_weight, Reduction reduction) {
  using testing::ref::map;
  using testing::ref::softplus;
  const Array pw = pos_weight.defined() ? pos_weight : testing::ref::full({}, 1.0);
  Array losses = map(t, [](double v) { return 1.0 - v; }) * map(x, &softplus) +
                 pw * t * map(x, [](double v) { return softplus(-v); });
  if (weight.defined()) losses = weight * losses;
  return reduce(losses, reduction);
}

inline Array sigmoid_focal_loss(const Array& x, const Array& t, const SigmoidFocalLossOptions& o) {
  const double alpha = o.alpha, gamma = o.gamma;
  const Array losses = testing::ref::zip(x, t, [alpha, gamma](double v, double y) {
    const double p = testing::ref::sigmoid(v);
    const double ce = (1.0 - y) * testing::ref::softplus(v) + y * testing::ref::softplus(-v);
    const double p_t = p * y + (1.0 - p) * (1.0 - y);
    double loss = ce * std::pow(1.0 - p_t, gamma);
    if (alpha >= 0) loss *= alpha * y + (1.0 - alpha) * (1.0 - y);
    return loss;
  });
  return reduce(losses, o.reduction);
}

inline Array asymmetric_loss(const Array& x, const Array& t, const AsymmetricLossOptions& o) {
  const double gamma_pos = o.gamma_pos, gamma_neg = o.gamma_neg, clip = o.clip, eps = o.eps;
  const Array losses = testing::ref::zip(x, t, [=](double v, double y) {
    const double xs_pos = testing::ref::sigmoid(v);
    double xs_neg = 1.0 - xs_pos;
    if (clip > 0) xs_neg = std::min(xs_neg + clip, 1.0);
    const double L =
        y * std::log(std::max(xs_pos, eps)) + (1.0 - y) * std::log(std::max(xs_neg, eps));
    const double one_minus_pt = y * (1.0 - xs_pos) + (1.0 - y) * (1.0 - xs_neg);
    const double gamma = gamma_pos * y + gamma_neg * (1.0 - y);
    return -L * std::pow(one_minus_pt, gamma);
  });
  return reduce(losses, o.reduction);
}

/// PyTorch's cross_entropy over class dimension 1, with index targets (shape
/// without dim 1) or probability targets (input's shape).
inline Array cross_entropy(const Array& x, const Array& target,
                           const CrossEntropyLossOptions& options) {
  const Array log_p = testing::ref::log_softmax(x, 1);
  const int64_t n = x.shape[0], classes = x.shape[1], inner = x.numel() / (n * classes);
  const bool probabilities = target.shape == x.shape;
  const Array w = options.weight.defined() ? testing::ref::from(options.weight)
                                           : testing::ref::full({classes}, 1.0);
  const double eps = options.label_smoothing;
  const auto per_class = static_cast<double>(classes);
  Shape shape = x.shape;
  shape.erase(shape.begin() + 1);
  Array losses = testing::ref::full(shape, 0.0);
  double divisor = 0.0;
  for (int64_t s = 0; s < n; ++s)
    for (int64_t i = 0; i < inner; ++i) {
      const auto at = [&](int64_t c) { return (s * classes + c) * inner + i; };
      double& loss = losses.values[s * inner + i];
      if (probabilities) {
        for (int64_t c = 0; c < classes; ++c) {
          const double smoothed = (1.0 - eps) * target.values[at(c)] + eps / per_class;
          loss -= w.values[c] * smoothed * log_p.values[at(c)];
        }
        divisor += 1.0;
        continue;
      }
      const auto y = static_cast<int64_t>(target.values[s * inner + i]);
      if (y == options.ignore_index) continue;
      loss = -(1.0 - eps) * w.values[y] * log_p.values[at(y)];
      for (int64_t c = 0; c < classes; ++c)
        loss -= eps / per_class * w.values[c] * log_p.values[at(c)];
      divisor += w.values[y];
    }
  if (options.reduction == Reduction::Mean) return (1.0 / divisor) * testing::ref::sum(losses);
  return reduce(losses, options.reduction);
}

/// cross_entropy(x + tau * log(priors)) with the shift along dimension 1.
inline Array logit_adjusted_cross_entropy(const Array& x, const Array& target, const Array& priors,
                                          double tau, const CrossEntropyLossOptions& options) {
  Shape along_classes(x.shape.size() - 1, 1);
  along_classes.front() = priors.numel();
  const Array shift = testing::ref::reshape(
      testing::ref::map(priors, [tau](double p) { return tau * std::log(p); }), along_classes);
  return cross_entropy(x + shift, target, options);
}

}  // namespace fulcrum::nn::reference
