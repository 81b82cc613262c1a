#pragma once
// Re-sampling the training split of an imbalanced dataset: ML-ROS random
// oversampling and class-aware sampling, plus the imbalance measures they use.
// Use them on the training split only: validation and test data keep their
// natural distribution, or the metrics would be biased.

#include <cstdint>
#include <span>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/loader.hpp"

namespace fulcrum::data {

/// How the training split is re-sampled: not at all, class-aware sampling, or
/// ML-ROS (both below).
enum class Sampling { None, ClassAware, MLROS };

inline std::span<const Named<Sampling>> name_table(Sampling) {
  static constexpr Named<Sampling> kTable[] = {
      {Sampling::None, "none"}, {Sampling::ClassAware, "class_aware"}, {Sampling::MLROS, "ml_ros"}};
  return kTable;
}

/// Represents: the imbalance of a multi-label target (Charte et al. 2015):
///   IRLbl(l) = (largest label count) / count(l)   (1 for the most frequent label)
///   MeanIR   = mean of IRLbl over the labels with at least one positive.
/// A label with no positive has count 0 and IRLbl +infinity, and is left out of
/// MeanIR (its ratio is undefined, and no row could be cloned for it anyway).
/// mean_ir is 0 when no label has a positive.
struct ImbalanceMeasures {
  std::vector<int64_t> counts;  ///< positives of each label
  std::vector<double> irlbl;    ///< IRLbl of each label
  double mean_ir = 0.0;
};

/// The measures of labels [N, L] (0/1). Throws ShapeError / ValueError for
/// another shape, an empty tensor or a value other than 0 and 1.
ImbalanceMeasures imbalance_measures(const Tensor& labels);

/// The measures of the multiset of rows `rows` of labels (repeats count once
/// each), e.g. of the training set ml_ros returns, without copying it.
/// Throws ValueError for a row outside [0, N).
ImbalanceMeasures imbalance_measures(const Tensor& labels, std::span<const int64_t> rows);

/// ML-ROS, multi-label random oversampling (Charte, Rivera, del Jesus and
/// Herrera 2015, "Addressing imbalance in multilabel classification: Measures
/// and random resampling algorithms", Neurocomputing 163, Algorithm 1):
///
///   clones   = round(N * percentage / 100)            (halves round up)
///   MeanIR   = MeanIR of the original rows, fixed for the whole run
///   minority = labels with IRLbl(l) > MeanIR, ascending; bag(l) = the original
///              rows where label l is positive
///   while clones are left and minority is not empty:
///     for each label l in minority, in order:
///       if IRLbl(l) <= MeanIR, with the counts of the set built so far:
///         remove l from minority (it has caught up) and go on with the next
///       else clone a uniformly random row of bag(l); every label of that row
///         gains a positive (the largest count too, if the row has that label)
///
/// The paper checks IRLbl(l) right after cloning for l; checking before each
/// clone does the same and also notices a label lifted above the line by the
/// clones of co-occurring labels, so it never clones for a label that no longer
/// needs it. Clones are drawn from the original rows only (never clones of
/// clones). Fewer than `clones` rows are added when every minority label has
/// caught up first (more cloning would not reduce the imbalance).
///
/// Requires: labels [N, L] of 0/1 (the training split's), percentage finite
/// and >= 0. Throws ShapeError / ValueError otherwise.
/// Ensures: rows 0..N-1 in order, followed by the cloned rows in drawing order
/// (use with Dataset::subset or shuffled_order); the same inputs and seed give
/// the same rows.
std::vector<int64_t> ml_ros(const Tensor& labels, double percentage, uint64_t seed);

/// Class-aware sampling (Shen, Lin and Huang 2016, "Relay backpropagation for
/// effective learning of deep convolutional neural networks", ECCV, sec. 4.1),
/// as used for multi-label data by Wu et al. 2020 ("Distribution-balanced loss
/// for multi-label classification in long-tailed datasets"):
/// each draw first takes a class, then a row of that class. Both levels walk
/// a shuffled list round-robin and reshuffle it whenever it runs out (the
/// original's RandomCycleIter), so every class is drawn equally often (within
/// one over a whole epoch) and every row of a class equally often within it;
/// rare classes are thus seen as often as frequent ones.
/// "A row of class c" is a row whose class index is c (multi-class), or a row
/// where label c is positive (multi-label, so a row with several labels can be
/// drawn for each of them). Classes with no row are skipped; multi-label rows
/// with no positive label are never drawn.
///
/// Requires: MultiLabel: targets [N, L] of 0/1; MultiClass: targets [N] of
/// non-negative integer class indices (Target::values). At least one class has
/// a row. Throws ShapeError / ValueError otherwise.
/// Ensures: epoch_order depends on (seed, epoch) only, so a resumed run draws
/// the same rows.
class ClassAwareSampler {
 public:
  ClassAwareSampler(const Tensor& targets, TaskKind kind, uint64_t seed);
  /// Samples target.values by target.kind.
  ClassAwareSampler(const Target& target, uint64_t seed);

  /// The rows of epoch `epoch`: num_samples draws (N of them without the
  /// argument; num_samples >= 0, else ValueError).
  std::vector<int64_t> epoch_order(int64_t epoch) const;
  std::vector<int64_t> epoch_order(int64_t epoch, int64_t num_samples) const;

  /// N, the rows of the targets.
  int64_t size() const { return size_; }
  /// The classes with at least one row, ascending: the ones that are drawn.
  const std::vector<int64_t>& sampled_classes() const { return classes_; }
  /// The rows of class c, ascending (empty for a class with none or c out of range).
  std::span<const int64_t> rows_of(int64_t c) const;

 private:
  std::vector<std::vector<int64_t>> class_rows_;  ///< rows of each class index
  std::vector<int64_t> classes_;
  int64_t size_ = 0;
  uint64_t seed_ = 0;
};

/// A loader order (LoaderOptions::order_fn) of num_samples class-aware draws
/// per epoch (the sampler's N when num_samples is 0).
EpochOrderFn class_aware_order(ClassAwareSampler sampler, int64_t num_samples = 0);

/// A loader order that visits the multiset `rows` in a new random order each
/// epoch, from (seed, epoch) only: ML-ROS without copying the cloned rows,
///   options.order_fn = shuffled_order(ml_ros(labels, 25, seed), seed);
EpochOrderFn shuffled_order(std::vector<int64_t> rows, uint64_t seed);

}  // namespace fulcrum::data
