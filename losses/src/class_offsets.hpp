#pragma once
// Shifting logits by a per-class amount along the class dimension: the common
// step of logit adjustment and of undoing class weights. Private to losses/.

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::nn::detail {

/// The class dimension of `logits`: 1 for [N, C, d1, ...], 0 for a single row
/// [C]. Throws ShapeError naming `fn` for a scalar.
int64_t class_dim(const Tensor& logits, const char* fn);

/// Checks that `per_class` (called `what` in messages) has shape [C] for the
/// C classes of `logits` and holds only positive finite values: it is going to
/// be logged. Throws ShapeError / ValueError naming `fn`, `what` and the
/// shapes or the first bad element.
void check_positive_per_class(const Tensor& logits, const Tensor& per_class, const char* fn,
                              const char* what);

/// logits + scale * log(per_class[c]) along the class dimension, each element
/// formed in double and rounded once. A new tensor outside the graph.
/// Requires check_positive_per_class to have passed.
Tensor add_scaled_log_per_class(const Tensor& logits, const Tensor& per_class, double scale);

}  // namespace fulcrum::nn::detail
