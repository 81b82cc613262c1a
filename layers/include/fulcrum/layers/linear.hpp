#pragma once
// Linear: y = x W^T + b, after torch.nn.Linear.

#include <cstdint>
#include <string>

#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/module.hpp"

namespace fulcrum::nn {

/// Represents: an affine map from in_features to out_features.
/// Parameters: "weight" [out_features, in_features] (PyTorch's layout) and,
/// when bias is true, "bias" [out_features].
/// Initialisation is PyTorch's: kaiming_uniform_(a = sqrt(5)) for the weight,
/// which is U(-1/sqrt(in), 1/sqrt(in)), and the same bound for the bias;
/// weight first, then bias, drawn from `gen`.
/// Requires: in_features, out_features > 0; inputs of shape [..., in_features].
/// Ensures: output of shape [..., out_features].
class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true,
         Generator& gen = default_generator());
  Linear(int64_t in_features, int64_t out_features, Generator& gen)
      : Linear(in_features, out_features, true, gen) {}

  Tensor forward(const Tensor& input) override;
  /// The same map on sparse input, without densifying it (sparse_linear).
  Tensor forward_sparse(const std::shared_ptr<const CsrMatrix>& input) override;
  /// relu(forward(input)) as one fused op (linear_relu), with the same
  /// numbers; Sequential and MLP use it for a Linear followed by a ReLU.
  Tensor forward_relu(const Tensor& input);

  const Tensor& weight() const { return weight_; }
  /// Undefined when the layer was built with bias = false.
  const Tensor& bias() const { return bias_; }
  int64_t in_features() const { return in_features_; }
  int64_t out_features() const { return out_features_; }

  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;

 private:
  void check_input(const Tensor& input) const;

  int64_t in_features_;
  int64_t out_features_;
  Tensor weight_;
  Tensor bias_;
};

}  // namespace fulcrum::nn
