#pragma once
// A synthetic multi-label / multi-head dataset with known label probabilities.

#include <cstdint>
#include <string>
#include <vector>

#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {

/// Represents: one synthetic target.
/// MultiLabel: frequencies[l] is label l's positive rate, in (0, 1).
/// MultiClass: frequencies[k] is class k's prior, > 0, summing to 1; at least 2.
struct SyntheticHeadSpec {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<double> frequencies;
};

/// Represents: the generative model of make_synthetic.
///   x ~ N(0, I_features). A few (min(3, features)) shared unit directions s_k.
///   Every label (or class) j of every head gets a unit weight vector
///     w_j ∝ sqrt(label_correlation) c_j + sqrt(1 - label_correlation) u_j,
///   where c_j is a positive mix of the shared directions and u_j its own random
///   direction, so label_correlation (in [0, 1]) is roughly the cosine between
///   two labels' weights: 0 gives nearly independent labels, 1 labels driven by
///   the same factors (they co-occur most).
///   A label's true probability is p = sigmoid(3 (w_j . x) / noise + b_j); a
///   class's is softmax_j(3 (w_j . x) / noise + b_j). noise > 0: larger values
///   give probabilities nearer the base rates (a harder problem).
///   The biases b_j are solved on the sample so that the mean probability is
///   exactly the requested frequency; labels are then drawn from p, so their
///   rates match the frequencies up to sampling error, about
///   sqrt(f (1 - f) / samples).
/// The same options (seed included) give the same data, bit for bit.
struct SyntheticOptions {
  int64_t samples = 1000;
  int64_t features = 20;
  double label_correlation = 0.3;
  double noise = 1.0;
  uint64_t seed = 0;
  std::vector<SyntheticHeadSpec> heads{};
};

/// The dataset and, per head (same order as dataset.targets), the true
/// probabilities the labels were drawn from: [N, L] per-label probabilities
/// for a multi-label head, [N, K] class probabilities for a multi-class head.
struct SyntheticData {
  Dataset dataset;
  std::vector<Tensor> probabilities;
};

/// Draws a dataset from the model above. Features are named "x0", "x1", ...;
/// labels "label0", ..., classes "class0", ... . Throws ValueError for options
/// out of range (no heads, a frequency outside (0, 1), priors not summing to 1).
SyntheticData make_synthetic_data(const SyntheticOptions& options);

/// make_synthetic_data(options).dataset.
Dataset make_synthetic(const SyntheticOptions& options);

}  // namespace fulcrum::data
