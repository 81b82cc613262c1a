#pragma once
// Small inputs whose metrics are worked out by hand in the tests that use them.

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::metrics::testing {

/// 4 samples, 3 labels. Label 1 is never true (one class: no AUC/AP); sample
/// 3 has no true and no predicted label. With threshold 0.5 the decisions are
///   [1 0 0]   [1 0 1]   [0 1 1]   [0 0 0]
/// (sample 2, label 2 scores exactly 0.5: a tie with the threshold is positive).
struct MultiLabelHandCase {
  Tensor y_true = Tensor::from({4, 3}, {1, 0, 1,  //
                                        0, 0, 1,  //
                                        1, 0, 0,  //
                                        0, 0, 0});
  Tensor y_score = Tensor::from({4, 3}, {0.9f, 0.2f, 0.4f,  //
                                         0.6f, 0.1f, 0.8f,  //
                                         0.3f, 0.7f, 0.5f,  //
                                         0.2f, 0.4f, 0.1f});
};

/// 6 samples, 3 classes. Decisions (argmax) 0 1 1 2 0 1 against truth
/// 0 0 1 2 2 1; sample 4 ties classes 0 and 1 and goes to the first, 0.
struct MultiClassHandCase {
  Tensor y_true = Tensor::from({6}, {0, 0, 1, 2, 2, 1});
  Tensor y_prob = Tensor::from({6, 3}, {0.7f, 0.2f, 0.1f,  //
                                        0.3f, 0.6f, 0.1f,  //
                                        0.2f, 0.5f, 0.3f,  //
                                        0.1f, 0.1f, 0.8f,  //
                                        0.4f, 0.4f, 0.2f,  //
                                        0.25f, 0.5f, 0.25f});
};

}  // namespace fulcrum::metrics::testing
