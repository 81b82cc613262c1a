#pragma once
// Adam and AdamW, the single-tensor (non-foreach) algorithms of torch.optim.Adam
// and torch.optim.AdamW, step for step:
//   t += 1                                    (per parameter, as PyTorch)
//   g  = grad + weight_decay * p              (Adam only: L2 penalty)
//   p *= 1 - lr * weight_decay                (AdamW only: decoupled decay)
//   m  = beta1 * m + (1 - beta1) * g
//   v  = beta2 * v + (1 - beta2) * g * g
//   v_max = max(v_max, v)                     (amsgrad)
//   denom = sqrt(v or v_max) / sqrt(1 - beta2^t) + eps
//   p -= lr / (1 - beta1^t) * m / denom
// in float32 with PyTorch's rounding: the scalars in double, then each tensor
// operation rounded as its CPU kernels round (fused multiply-adds where they
// fuse), so the same gradients give PyTorch's parameters to the bit.

#include <utility>
#include <vector>

#include "fulcrum/optim/optimizer.hpp"

namespace fulcrum::optim {

/// The hyperparameters of Adam, with PyTorch's defaults.
/// Requires: lr >= 0, both betas in [0, 1), eps >= 0, weight_decay >= 0, all
/// finite (the constructor throws ValueError naming the option otherwise).
struct AdamOptions {
  double lr = 1e-3;
  std::pair<double, double> betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;  ///< L2 penalty, added to the gradient
  bool amsgrad = false;
};

/// AdamOptions for AdamW: the same fields, weight_decay defaults to 1e-2 and is
/// decoupled from the gradient.
struct AdamWOptions {
  double lr = 1e-3;
  std::pair<double, double> betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 1e-2;  ///< decoupled: p *= 1 - lr * weight_decay
  bool amsgrad = false;
};

/// torch.optim.Adam. State per parameter: its update count `step` (used for
/// bias correction, so a parameter that had no gradient in some steps is
/// corrected exactly as in PyTorch), exp_avg, exp_avg_sq and, with amsgrad,
/// max_exp_avg_sq; allocated as zeros at the parameter's first update.
class Adam : public Optimizer {
 public:
  explicit Adam(std::vector<Tensor> params, AdamOptions options = {});
  void step() override;

 protected:
  enum class WeightDecay { kL2, kDecoupled };
  Adam(std::vector<Tensor> params, const AdamOptions& options, WeightDecay mode,
       const char* name);

  std::vector<std::string> param_state_names() const override;
  std::vector<Tensor> export_param_state(size_t i) const override;
  void import_param_state(size_t i, std::vector<Tensor> values) override;

 private:
  struct ParamState {
    int64_t step = 0;
    Tensor exp_avg;
    Tensor exp_avg_sq;
    Tensor max_exp_avg_sq;  ///< defined only with amsgrad
  };

  void update(Tensor& param, const Tensor& grad, ParamState& state) const;

  AdamOptions options_;  ///< options_.lr is the initial rate; lr() is the current one
  WeightDecay mode_;
  std::vector<ParamState> state_;
};

/// torch.optim.AdamW: Adam with decoupled weight decay (Loshchilov & Hutter).
class AdamW : public Adam {
 public:
  explicit AdamW(std::vector<Tensor> params, AdamWOptions options = {});
};

}  // namespace fulcrum::optim
