#pragma once
// Dropout, after torch.nn.Dropout.

#include <string>

#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/module.hpp"

namespace fulcrum::nn {

/// Represents: inverted dropout. In training mode each element is kept with
/// probability 1 - p and scaled by 1 / (1 - p), so the expected output equals
/// the input; the mask is a constant tensor multiplied in, so gradients flow
/// through the kept elements with the same scale. In eval mode, or when
/// p == 0, the input is returned unchanged (no random numbers are drawn).
/// When the generator's row_shard() says the input is rows [b, b + n) of a
/// batch of G rows split across processes, the mask is rows [b, b + n) of the
/// mask of the whole batch, and the generator advances as for the whole batch.
/// Requires: 0 <= p < 1 (ValueError otherwise); `gen` outlives the module.
class Dropout : public Module {
 public:
  explicit Dropout(float p = 0.5f, Generator& gen = default_generator());

  Tensor forward(const Tensor& input) override;
  float p() const { return p_; }

  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;

 private:
  Tensor draw_mask(const Shape& shape);
  Tensor scaled_mask(const Shape& shape);

  float p_;
  Generator* gen_;  // not owned
};

}  // namespace fulcrum::nn
