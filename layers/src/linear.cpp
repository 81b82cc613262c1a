#include "fulcrum/layers/linear.hpp"

#include <fmt/format.h>

#include <cmath>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/sparse.hpp"

namespace fulcrum::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool bias, Generator& gen)
    : in_features_(in_features), out_features_(out_features) {
  FULCRUM_CHECK(in_features > 0 && out_features > 0,
                "Linear: in_features and out_features must be positive, got {} and {}", in_features,
                out_features);
  // kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / fan_in),
  // which simplifies to 1 / sqrt(fan_in); PyTorch uses the same bound for the bias.
  const float bound = static_cast<float>(1.0 / std::sqrt(static_cast<double>(in_features)));
  weight_ = register_parameter("weight", uniform({out_features, in_features}, -bound, bound, gen));
  if (bias) bias_ = register_parameter("bias", uniform({out_features}, -bound, bound, gen));
}

void Linear::check_input(const Tensor& input) const {
  FULCRUM_CHECK_SHAPE(input.dim() >= 1 && input.size(-1) == in_features_,
                      "Linear({} -> {}): input of shape {} must end in {} features", in_features_,
                      out_features_, fulcrum::to_string(input.shape()), in_features_);
}

Tensor Linear::forward(const Tensor& input) {
  check_input(input);
  return fulcrum::linear(input, weight_, bias_);
}

Tensor Linear::forward_relu(const Tensor& input) {
  check_input(input);
  return fulcrum::linear_relu(input, weight_, bias_);
}

Tensor Linear::forward_sparse(const std::shared_ptr<const CsrMatrix>& input) {
  FULCRUM_CHECK(input != nullptr, "Linear: the sparse input is null");
  FULCRUM_CHECK_SHAPE(input->cols == in_features_,
                      "Linear({} -> {}): sparse input of shape [{}, {}] must end in {} features",
                      in_features_, out_features_, input->rows, input->cols, in_features_);
  return fulcrum::sparse_linear(input, weight_, bias_);
}

std::string Linear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", in_features_, out_features_,
                     bias_.defined());
}

}  // namespace fulcrum::nn
