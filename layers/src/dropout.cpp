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
  Tensor mask = draw_mask(input.shape());
  for (float& m : mask.values()) m *= scale;
  return fulcrum::mul(input, mask);
}

// With a split batch (RowShard), the draws of the rows before and after this
// process's rows are skipped, so the mask equals those rows of the whole
// batch's mask and the generator ends where the unsplit draw would.
Tensor Dropout::draw_mask(const Shape& shape) {
  const RowShard shard = gen_->row_shard();
  if (!shard.split() || shape.empty()) return bernoulli(shape, 1.0f - p_, *gen_);
  const int64_t rows = shape[0];
  FULCRUM_CHECK(shard.begin >= 0 && shard.begin + rows <= shard.global,
                "Dropout: rows [{}, {}) of the input are outside the batch of {} rows the "
                "generator's row shard names",
                shard.begin, shard.begin + rows, shard.global);
  int64_t per_row = 1;
  for (size_t d = 1; d < shape.size(); ++d) per_row *= shape[d];
  gen_->discard(static_cast<uint64_t>(shard.begin * per_row));
  Tensor mask = bernoulli(shape, 1.0f - p_, *gen_);
  gen_->discard(static_cast<uint64_t>((shard.global - shard.begin - rows) * per_row));
  return mask;
}

std::string Dropout::extra_repr() const { return fmt::format("p={}", p_); }

}  // namespace fulcrum::nn
