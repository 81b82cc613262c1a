#include "fulcrum/layers/dropout.hpp"

#include <fmt/format.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"

namespace fulcrum::nn {

Dropout::Dropout(float p, Generator& gen) : p_(p), gen_(&gen) {
  // Written so that NaN fails too. p == 1 is refused: it would scale by 1/0.
  FULCRUM_CHECK(p >= 0.0f && p < 1.0f, "Dropout: p must be in [0, 1), got {}", p);
}

Tensor Dropout::forward(const Tensor& input) {
  if (!is_training() || p_ == 0.0f) return input;
  const float scale = 1.0f / (1.0f - p_);
  Tensor mask = bernoulli(input.shape(), 1.0f - p_, *gen_);
  for (float& m : mask.values()) m *= scale;
  return fulcrum::mul(input, mask);
}

std::string Dropout::extra_repr() const { return fmt::format("p={}", p_); }

}  // namespace fulcrum::nn
