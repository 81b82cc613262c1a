// Stratified splits: every row used once, label proportions kept (better than
// a random split for rare labels), determinism.

#include "fulcrum/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fulcrum/data/synthetic.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

using Folds = std::vector<std::vector<int64_t>>;

// Every row 0..n-1 appears in exactly one fold, and folds are ascending.
void expect_partition(const Folds& folds, int64_t n) {
  std::vector<int> seen(static_cast<size_t>(n), 0);
  for (const auto& fold : folds) {
    EXPECT_TRUE(std::is_sorted(fold.begin(), fold.end()));
    for (int64_t row : fold) {
      ASSERT_GE(row, 0);
      ASSERT_LT(row, n);
      ++seen[row];
    }
  }
  for (int64_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "row " << i;
}

// Positive rows of `label` in `fold`.
int64_t positives(const Tensor& labels, const std::vector<int64_t>& fold, int64_t label) {
  int64_t count = 0;
  for (int64_t row : fold) count += labels.data()[row * labels.size(1) + label] == 1.0f;
  return count;
}

// Sum over labels and folds of |fold positive count - fraction * label count|.
double stratification_error(const Tensor& labels, const Folds& folds,
                            const std::vector<double>& fractions) {
  double error = 0.0;
  for (int64_t l = 0; l < labels.size(1); ++l) {
    int64_t total = 0;
    for (const auto& fold : folds) total += positives(labels, fold, l);
    for (size_t j = 0; j < folds.size(); ++j)
      error += std::fabs(static_cast<double>(positives(labels, folds[j], l)) -
                         fractions[j] * static_cast<double>(total));
  }
  return error;
}

Tensor imbalanced_labels(int64_t n, uint64_t seed) {
  SyntheticOptions o;
  o.samples = n;
  o.seed = seed;
  o.heads = {{"labels", TaskKind::MultiLabel, {0.6, 0.3, 0.1, 0.03, 0.01}}};
  return make_synthetic(o).targets[0].values;
}

TEST(IterativeStratification, EveryFoldKeepsEachLabelsShare) {
  const Tensor labels = imbalanced_labels(2000, 3);
  const std::vector<double> fractions = {0.6, 0.2, 0.2};
  const Folds folds = iterative_stratification(labels, fractions, 11);
  ASSERT_EQ(folds.size(), 3u);
  expect_partition(folds, 2000);
  for (int64_t l = 0; l < labels.size(1); ++l) {
    int64_t total = 0;
    for (const auto& fold : folds) total += positives(labels, fold, l);
    for (size_t j = 0; j < 3; ++j) {
      const double want = fractions[j] * static_cast<double>(total);
      EXPECT_NEAR(static_cast<double>(positives(labels, folds[j], l)), want,
                  std::max(2.0, 0.05 * want))
          << "label " << l << ", fold " << j;
    }
  }
  for (size_t j = 0; j < 3; ++j)
    EXPECT_NEAR(static_cast<double>(folds[j].size()), fractions[j] * 2000, 0.02 * 2000);
}

TEST(IterativeStratification, BeatsARandomSplitOnRareLabels) {
  const std::vector<double> fractions = {0.8, 0.1, 0.1};
  double iterative = 0.0, random = 0.0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const Tensor labels = imbalanced_labels(1000, seed);
    iterative += stratification_error(labels, iterative_stratification(labels, fractions, seed),
                                      fractions);
    random += stratification_error(labels, random_split(1000, fractions, seed), fractions);
  }
  EXPECT_LT(iterative, 0.5 * random) << "iterative " << iterative << ", random " << random;
}

TEST(IterativeStratification, ARareLabelIsSpreadExactly) {
  // Ten positives of one label among 1000 rows: 8 / 1 / 1.
  std::vector<float> values(1000 * 2, 0.0f);
  for (int64_t i = 0; i < 1000; i += 100) values[i * 2] = 1.0f;
  for (int64_t i = 0; i < 1000; i += 2) values[i * 2 + 1] = 1.0f;
  const Tensor labels = Tensor::from({1000, 2}, values);
  const std::vector<double> fractions = {0.8, 0.1, 0.1};
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const Folds folds = iterative_stratification(labels, fractions, seed);
    expect_partition(folds, 1000);
    EXPECT_EQ(positives(labels, folds[0], 0), 8);
    EXPECT_EQ(positives(labels, folds[1], 0), 1);
    EXPECT_EQ(positives(labels, folds[2], 0), 1);
    EXPECT_EQ(folds[0].size(), 800u);
    EXPECT_EQ(folds[1].size(), 100u);
  }
}

TEST(IterativeStratification, DeterministicForASeed) {
  const Tensor labels = imbalanced_labels(500, 1);
  const std::vector<double> fractions = {0.5, 0.5};
  EXPECT_EQ(iterative_stratification(labels, fractions, 4),
            iterative_stratification(labels, fractions, 4));
  EXPECT_NE(iterative_stratification(labels, fractions, 4),
            iterative_stratification(labels, fractions, 5));
}

TEST(IterativeStratification, ZeroFractionFoldsStayEmpty) {
  const Tensor labels = imbalanced_labels(300, 2);
  const std::vector<double> fractions = {0.7, 0.0, 0.3};
  const Folds folds = iterative_stratification(labels, fractions, 0);
  expect_partition(folds, 300);
  EXPECT_TRUE(folds[1].empty());
}

TEST(IterativeStratification, BadInputsThrow) {
  const Tensor labels = Tensor::from({2, 1}, {0, 1});
  const std::vector<double> bad_sum = {0.5, 0.4};
  expect_error<ValueError>([&] { iterative_stratification(labels, bad_sum, 0); },
                           {"split: fold fractions sum to 0.9", "not 1"});
  const std::vector<double> negative = {1.5, -0.5};
  expect_error<ValueError>([&] { iterative_stratification(labels, negative, 0); },
                           {"split: fold fraction -0.5 is not >= 0"});
  const std::vector<double> ok = {0.5, 0.5};
  expect_error<ValueError>(
      [&] {
        iterative_stratification(Tensor::from({2, 1}, {0, 0.5f}), ok, 0);
      },
      {"iterative_stratification: label value 0.5 at row 1, label 0 is not 0 or 1"});
  expect_error<ShapeError>(
      [&] {
        iterative_stratification(Tensor::from({2}, {0, 1}), ok, 0);
      },
      {"iterative_stratification: expected labels [N, L], got [2]"});
}

TEST(StratifiedSplit, EachClassIsSpreadInProportion) {
  // 600 rows of class 0, 300 of class 7, 100 of class 2.
  std::vector<float> values;
  for (int i = 0; i < 1000; ++i) values.push_back(i % 10 < 6 ? 0.0f : i % 10 < 9 ? 7.0f : 2.0f);
  const Tensor classes = Tensor::from({1000}, values);
  const std::vector<double> fractions = {0.7, 0.15, 0.15};
  const Folds folds = stratified_split(classes, fractions, 9);
  expect_partition(folds, 1000);
  for (float c : {0.0f, 7.0f, 2.0f}) {
    int64_t total = 0;
    for (float v : values) total += v == c;
    for (size_t j = 0; j < 3; ++j) {
      int64_t count = 0;
      for (int64_t row : folds[j]) count += values[row] == c;
      EXPECT_NEAR(static_cast<double>(count), fractions[j] * static_cast<double>(total), 1.0)
          << "class " << c << ", fold " << j;
    }
  }
  expect_error<ValueError>(
      [&] {
        stratified_split(Tensor::from({2}, {0, -1}), fractions, 0);
      },
      {"stratified_split: -1 is not a class index"});
}

TEST(RandomSplit, SizesAddUpAndOrderIsShuffled) {
  const std::vector<double> fractions = {0.7, 0.2, 0.1};
  const Folds folds = random_split(101, fractions, 3);
  expect_partition(folds, 101);
  EXPECT_EQ(folds[0].size(), 71u);  // round(70.7)
  EXPECT_EQ(folds[1].size(), 20u);  // round(90.9) - 71
  EXPECT_EQ(folds[2].size(), 10u);
  std::vector<int64_t> first(folds[0].begin(), folds[0].end());
  std::vector<int64_t> prefix(71);
  for (int64_t i = 0; i < 71; ++i) prefix[i] = i;
  EXPECT_NE(first, prefix);
  EXPECT_EQ(random_split(101, fractions, 3), folds);
}

TEST(SplitDataset, StratifiesOnTheFirstTarget) {
  SyntheticOptions o;
  o.samples = 1000;
  o.heads = {{"kind", TaskKind::MultiClass, {0.9, 0.1}}, {"labels", TaskKind::MultiLabel, {0.5}}};
  const Dataset ds = make_synthetic(o);
  const SplitIndices split = split_dataset(ds, 0.1, 0.2, 5);
  expect_partition({split.train, split.validation, split.test}, 1000);
  EXPECT_NEAR(static_cast<double>(split.validation.size()), 100, 2);
  EXPECT_NEAR(static_cast<double>(split.test.size()), 200, 2);
  int64_t minority = 0, minority_test = 0;
  for (float v : ds.targets[0].values.values()) minority += v == 1.0f;
  for (int64_t row : split.test) minority_test += ds.targets[0].values.data()[row] == 1.0f;
  EXPECT_NEAR(static_cast<double>(minority_test), 0.2 * static_cast<double>(minority), 1.0);

  const SplitIndices no_test = split_dataset(ds, 0.25, 0.0, 5);
  EXPECT_TRUE(no_test.test.empty());
  expect_partition({no_test.train, no_test.validation, no_test.test}, 1000);

  Dataset unlabelled = ds;
  unlabelled.targets.clear();
  const SplitIndices plain = split_dataset(unlabelled, 0.1, 0.1, 5);
  EXPECT_EQ(plain.validation.size(), 100u);

  expect_error<ValueError>([&] { split_dataset(ds, 0.5, 0.5, 0); },
                           {"split_dataset: validation fraction 0.5 and test fraction 0.5"});
  expect_error<ValueError>([&] { split_dataset(ds, -0.1, 0.2, 0); },
                           {"split_dataset: validation fraction -0.1 and test fraction 0.2"});
}

}  // namespace
}  // namespace fulcrum::data
