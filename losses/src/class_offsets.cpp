#include "class_offsets.hpp"

#include <cmath>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "loss_support.hpp"

namespace fulcrum::nn::detail {

int64_t class_dim(const Tensor& logits, const char* fn) {
  FULCRUM_CHECK_SHAPE(logits.dim() >= 1,
                      "{}: logits must have shape [C], [N, C] or [N, C, d1, ...], got a scalar",
                      fn);
  return logits.dim() == 1 ? 0 : 1;
}

void check_positive_per_class(const Tensor& logits, const Tensor& per_class, const char* fn,
                              const char* what) {
  FULCRUM_CHECK(per_class.defined(), "{}: {} must be given", fn, what);
  const int64_t classes = logits.size(class_dim(logits, fn));
  FULCRUM_CHECK_SHAPE(per_class.shape() == Shape{classes},
                      "{}: {} of shape {} does not match the {} classes of logits of shape {} "
                      "(expected shape [{}])",
                      fn, what, fulcrum::to_string(per_class.shape()), classes,
                      fulcrum::to_string(logits.shape()), classes);
  const float* v = per_class.data();
  for (int64_t c = 0; c < classes; ++c)
    FULCRUM_CHECK(v[c] > 0.0f && std::isfinite(v[c]),
                  "{}: {}[{}] = {} must be positive and finite (its log shifts the logits)", fn,
                  what, c, v[c]);
}

Tensor add_scaled_log_per_class(const Tensor& logits, const Tensor& per_class, double scale) {
  const Shape& shape = logits.shape();
  const int64_t dim = shape.size() == 1 ? 0 : 1;
  const int64_t classes = shape[static_cast<size_t>(dim)];
  int64_t inner = 1;  // elements per class step: the product of the dimensions after it
  for (size_t d = static_cast<size_t>(dim) + 1; d < shape.size(); ++d) inner *= shape[d];

  std::vector<double> offset(static_cast<size_t>(classes));
  for (int64_t c = 0; c < classes; ++c)
    offset[static_cast<size_t>(c)] = scale * std::log(static_cast<double>(per_class.data()[c]));

  Tensor out = Tensor::empty(shape);
  const float* z = logits.data();
  float* o = out.data();
  for (int64_t i = 0, n = logits.numel(); i < n; ++i)
    o[i] = static_cast<float>(static_cast<double>(z[i]) +
                              offset[static_cast<size_t>((i / inner) % classes)]);
  return out;
}

}  // namespace fulcrum::nn::detail
