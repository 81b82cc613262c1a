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
  return fulcrum::mul(input, draw_mask(input.shape()));
}

// With a split batch (RowShard), the draws of the rows before and after this
// process's rows are skipped, so the mask equals those rows of the whole
// batch's mask and the generator ends where the unsplit draw would.
Tensor Dropout::draw_mask(const Shape& shape) {
  const RowShard shard = gen_->row_shard();
  if (!shard.split() || shape.empty()) return scaled_mask(shape);
  const int64_t rows = shape[0];
  FULCRUM_CHECK(shard.begin >= 0 && shard.begin + rows <= shard.global,
                "Dropout: rows [{}, {}) of the input are outside the batch of {} rows the "
                "generator's row shard names",
                shard.begin, shard.begin + rows, shard.global);
  int64_t per_row = 1;
  for (size_t d = 1; d < shape.size(); ++d) per_row *= shape[d];
  gen_->discard(static_cast<uint64_t>(shard.begin * per_row));
  Tensor mask = scaled_mask(shape);
  gen_->discard(static_cast<uint64_t>((shard.global - shard.begin - rows) * per_row));
  return mask;
}

// Kept elements hold 1 / (1 - p), the others 0: the bits of a 0/1 mask times
// the scale.
Tensor Dropout::scaled_mask(const Shape& shape) {
  Tensor mask = Tensor::empty(shape);
  gen_->fill_bernoulli(mask.values(), 1.0f - p_, 1.0f / (1.0f - p_));
  return mask;
}

std::string Dropout::extra_repr() const { return fmt::format("p={}", p_); }

}  // namespace fulcrum::nn
