#pragma once
// Splitting a dataset into folds (train / validation / test) that keep the
// label proportions, which matters most for rare labels.

#include <cstdint>
#include <span>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {

/// The three parts of a run's data.
enum class Split { Train, Validation, Test };

inline std::span<const Named<Split>> name_table(Split) {
  static constexpr Named<Split> kTable[] = {
      {Split::Train, "train"}, {Split::Validation, "validation"}, {Split::Test, "test"}};
  return kTable;
}

/// Iterative stratification for multi-label data (Sechidis, Tsoumakas and
/// Vlahavas 2011, the algorithm skmultilearn implements). Rows are shuffled
/// with `seed`; then, repeatedly, the label with the fewest unassigned
/// positive rows is taken and each of those rows goes to the fold that still
/// wants the most rows of that label (ties: the fold that wants the most rows
/// overall, then a random one); rows without labels go to the fold that wants
/// the most rows. Fold j wants fractions[j] of all rows and of each label.
/// Requires: labels [N, L] of 0/1; fractions >= 0 summing to 1.
/// Ensures: every row in exactly one fold; each fold's indices ascending;
/// the same inputs give the same folds.
std::vector<std::vector<int64_t>> iterative_stratification(const Tensor& labels,
                                                           std::span<const double> fractions,
                                                           uint64_t seed);

/// Stratification for a multi-class target: class indices [N] (floats, as in
/// Target::values). Each class is spread over the folds in proportion (the
/// same greedy rule as above, one label per row). Same guarantees.
std::vector<std::vector<int64_t>> stratified_split(const Tensor& classes,
                                                   std::span<const double> fractions,
                                                   uint64_t seed);

/// A plain random split of rows 0..n-1: fold j gets round(n * fractions[j])
/// rows (cumulative rounding, so the sizes add up to n).
std::vector<std::vector<int64_t>> random_split(int64_t n, std::span<const double> fractions,
                                               uint64_t seed);

/// Row indices of the three parts of a dataset, each ascending.
struct SplitIndices {
  std::vector<int64_t> train;
  std::vector<int64_t> validation;
  std::vector<int64_t> test;
};

/// Splits off validation_fraction and test_fraction of the rows (each in
/// [0, 1), summing to < 1), stratified on the first target: iteratively for a
/// multi-label target, per class for a multi-class one, randomly if there is
/// no target.
SplitIndices split_dataset(const Dataset& dataset, double validation_fraction,
                           double test_fraction, uint64_t seed);

}  // namespace fulcrum::data
