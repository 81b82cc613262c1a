// ClassAwareSampler (Shen et al. 2016): classes drawn equally often even at
// 100:1 imbalance, rows of a class drawn equally often, empty classes skipped,
// determinism in (seed, epoch), and the input checks.

#include <gtest/gtest.h>

#include <algorithm>

#include "fulcrum/data/sampling.hpp"
#include "sampling_test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

using testing::class_vector;
using testing::label_matrix;
using testing::occurrences;

// 1010 rows: class 0 on rows 0..999, class 1 on rows 1000..1009 (100:1).
std::vector<int64_t> hundred_to_one() {
  std::vector<int64_t> classes(1010, 0);
  std::fill(classes.begin() + 1000, classes.end(), 1);
  return classes;
}

// Whether every count is floor(total / k) or ceil(total / k).
void expect_even(const std::map<int64_t, int64_t>& counts, int64_t total, int64_t k) {
  ASSERT_EQ(static_cast<int64_t>(counts.size()), k);
  for (const auto& [value, count] : counts) {
    EXPECT_GE(count, total / k) << "value " << value;
    EXPECT_LE(count, (total + k - 1) / k) << "value " << value;
  }
}

TEST(ClassAwareSampler, DrawsClassesEquallyAtHundredToOne) {
  const std::vector<int64_t> classes = hundred_to_one();
  const ClassAwareSampler sampler(class_vector(classes), TaskKind::MultiClass, 3);
  EXPECT_EQ(sampler.sampled_classes(), (std::vector<int64_t>{0, 1}));
  const auto order = sampler.epoch_order(0, 4001);
  ASSERT_EQ(order.size(), 4001u);
  std::vector<int64_t> drawn_classes;
  for (int64_t row : order) drawn_classes.push_back(classes[row]);
  // Round-robin over the classes: 2000 or 2001 each, where plain shuffling
  // would give class 1 about 40.
  expect_even(occurrences(drawn_classes), 4001, 2);

  // Within a class every row is drawn equally often: the 10 rare rows 200
  // times each, the 1000 frequent rows 2 times each (give or take one).
  std::vector<int64_t> rare, frequent;
  for (int64_t row : order) (classes[row] == 1 ? rare : frequent).push_back(row);
  expect_even(occurrences(rare), static_cast<int64_t>(rare.size()), 10);
  expect_even(occurrences(frequent), static_cast<int64_t>(frequent.size()), 1000);
}

TEST(ClassAwareSampler, MultiLabelDrawsLabelsEquallyAtHundredToOne) {
  // Disjoint labels on 1000, 100 and 10 rows: a drawn row names its label.
  std::vector<std::vector<int64_t>> lists;
  for (int64_t i = 0; i < 1110; ++i) lists.push_back({i < 1000 ? 0 : i < 1100 ? 1 : 2});
  const ClassAwareSampler sampler(label_matrix(lists, 3), TaskKind::MultiLabel, 9);
  const auto order = sampler.epoch_order(2, 3000);
  std::vector<int64_t> drawn;
  for (int64_t row : order) drawn.push_back(lists[row][0]);
  expect_even(occurrences(drawn), 3000, 3);
}

TEST(ClassAwareSampler, MultiLabelRowsCanCarrySeveralLabels) {
  // Label 0 on rows 0..999; label 1 on rows 0..9 and 1000..1009; label 2 on
  // none (skipped); rows 1010..1019 have no label (never drawn).
  std::vector<std::vector<int64_t>> lists(1020);
  for (int64_t i = 0; i < 1000; ++i) lists[i].push_back(0);
  for (int64_t i = 0; i < 10; ++i) lists[i].push_back(1);
  for (int64_t i = 1000; i < 1010; ++i) lists[i].push_back(1);
  const Tensor labels = label_matrix(lists, 3);
  const ClassAwareSampler sampler(labels, TaskKind::MultiLabel, 1);
  EXPECT_EQ(sampler.sampled_classes(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(sampler.rows_of(1).size(), 20u);
  EXPECT_TRUE(sampler.rows_of(2).empty());
  EXPECT_TRUE(sampler.rows_of(7).empty());

  const auto order = sampler.epoch_order(0, 4000);
  int64_t with_label1 = 0;
  for (int64_t row : order) {
    ASSERT_LT(row, 1010) << "a row without labels is never drawn";
    with_label1 += labels.data()[row * 3 + 1] != 0.0f ? 1 : 0;
  }
  // 2000 draws of label 1, plus the label-0 draws that hit rows 0..9: the
  // 2000 label-0 draws are two full cycles over its 1000 rows, so 20 exactly.
  // Only 2% of the rows have label 1.
  EXPECT_EQ(with_label1, 2020);
}

TEST(ClassAwareSampler, SkipsClassesWithoutRows) {
  const ClassAwareSampler sampler(class_vector({0, 2, 2, 0, 2, 5}), TaskKind::MultiClass, 4);
  EXPECT_EQ(sampler.sampled_classes(), (std::vector<int64_t>{0, 2, 5}));
  const auto order = sampler.epoch_order(0, 300);
  const std::vector<int64_t> classes = {0, 2, 2, 0, 2, 5};
  std::vector<int64_t> drawn;
  for (int64_t row : order) drawn.push_back(classes[row]);
  expect_even(occurrences(drawn), 300, 3);
}

TEST(ClassAwareSampler, OrderDependsOnlyOnSeedAndEpoch) {
  const Tensor classes = class_vector(hundred_to_one());
  const ClassAwareSampler a(classes, TaskKind::MultiClass, 42);
  const ClassAwareSampler b(classes, TaskKind::MultiClass, 42);
  const ClassAwareSampler c(classes, TaskKind::MultiClass, 43);
  const auto a3 = a.epoch_order(3);
  EXPECT_EQ(a3.size(), 1010u) << "an epoch has N draws by default";
  EXPECT_EQ(a.epoch_order(2).size(), 1010u);
  EXPECT_EQ(a3, a.epoch_order(3)) << "the same epoch again, after another one";
  EXPECT_EQ(a3, b.epoch_order(3));
  EXPECT_NE(a3, a.epoch_order(4));
  EXPECT_NE(a3, c.epoch_order(3));
  EXPECT_TRUE(a.epoch_order(0, 0).empty());
}

TEST(ClassAwareSampler, TakesATarget) {
  const Target target{"kind", TaskKind::MultiClass, class_vector({1, 0, 1}), {"a", "b"}};
  const ClassAwareSampler from_target(target, 8);
  const ClassAwareSampler from_tensor(target.values, TaskKind::MultiClass, 8);
  EXPECT_EQ(from_target.epoch_order(1, 50), from_tensor.epoch_order(1, 50));
  EXPECT_EQ(from_target.size(), 3);
}

TEST(ClassAwareSampler, RejectsBadInput) {
  expect_error<ValueError>(
      [] {
        ClassAwareSampler(label_matrix({{}, {}}, 2), TaskKind::MultiLabel, 0);
      },
      {"ClassAwareSampler: no class has a row", "of 2 rows with no positive label"});
  expect_error<ValueError>(
      [] {
        ClassAwareSampler(Tensor::from({2}, {0.0f, 1.5f}), TaskKind::MultiClass, 0);
      },
      {"ClassAwareSampler: class index [1] is 1.5; it must be an integer"});
  expect_error<ValueError>(
      [] {
        ClassAwareSampler(Tensor::from({2}, {0.0f, -1.0f}), TaskKind::MultiClass, 0);
      },
      {"ClassAwareSampler: class index [1] is -1; it must be an integer"});
  expect_error<ShapeError>(
      [] {
        ClassAwareSampler(Tensor::zeros({2, 2}), TaskKind::MultiClass, 0);
      },
      {"ClassAwareSampler: class indices must be [N] with N >= 1, got shape [2, 2]"});
  expect_error<ShapeError>(
      [] { ClassAwareSampler(Tensor::zeros({2}), TaskKind::MultiLabel, 0); },
      {"ClassAwareSampler: labels must be [N, L] with N, L >= 1, got shape [2]"});
  const ClassAwareSampler ok(class_vector({0, 1}), TaskKind::MultiClass, 0);
  expect_error<ValueError>([&] { ok.epoch_order(0, -1); },
                           {"ClassAwareSampler", "num_samples = -1 must be >= 0"});
}

}  // namespace
}  // namespace fulcrum::data
