// imbalance_measures: IRLbl and MeanIR (Charte et al. 2015) by hand, on a
// multiset of rows, and the input checks.

#include <gtest/gtest.h>

#include <cmath>

#include "fulcrum/data/sampling.hpp"
#include "sampling_test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

using testing::label_matrix;

TEST(ImbalanceMeasures, HandCase) {
  // Label 0 on 4 rows, label 1 on 2, label 2 on 1, label 3 on none.
  const Tensor labels = label_matrix({{0, 1}, {0, 1, 2}, {0}, {0}}, 4);
  const ImbalanceMeasures m = imbalance_measures(labels);
  EXPECT_EQ(m.counts, (std::vector<int64_t>{4, 2, 1, 0}));
  EXPECT_DOUBLE_EQ(m.irlbl[0], 1.0);
  EXPECT_DOUBLE_EQ(m.irlbl[1], 2.0);
  EXPECT_DOUBLE_EQ(m.irlbl[2], 4.0);
  EXPECT_TRUE(std::isinf(m.irlbl[3])) << "a label with no positive has no finite ratio";
  EXPECT_DOUBLE_EQ(m.mean_ir, 7.0 / 3.0) << "the absent label is left out of MeanIR";
}

TEST(ImbalanceMeasures, BalancedLabelsHaveMeanIrOne) {
  const ImbalanceMeasures m = imbalance_measures(label_matrix({{0}, {1}, {0, 1}}, 2));
  EXPECT_DOUBLE_EQ(m.mean_ir, 1.0);
}

TEST(ImbalanceMeasures, NoPositiveAtAllGivesMeanIrZero) {
  const ImbalanceMeasures m = imbalance_measures(label_matrix({{}, {}}, 3));
  EXPECT_EQ(m.counts, (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(m.mean_ir, 0.0);
}

TEST(ImbalanceMeasures, RowsAreAMultiset) {
  const Tensor labels = label_matrix({{0}, {1}, {0}}, 2);
  const std::vector<int64_t> rows = {1, 1, 1, 0};
  const ImbalanceMeasures m = imbalance_measures(labels, rows);
  EXPECT_EQ(m.counts, (std::vector<int64_t>{1, 3}));
  EXPECT_DOUBLE_EQ(m.irlbl[0], 3.0);
  EXPECT_DOUBLE_EQ(m.mean_ir, 2.0);
}

TEST(ImbalanceMeasures, RejectsBadInput) {
  expect_error<ShapeError>([] { imbalance_measures(Tensor::zeros({4})); },
                           {"imbalance_measures: labels must be [N, L] with N, L >= 1, "
                            "got shape [4]"});
  expect_error<ShapeError>(
      [] {
        imbalance_measures(Tensor::zeros({0, 3}));
      },
      {"imbalance_measures: labels must be [N, L] with N, L >= 1, "
       "got shape [0, 3]"});
  expect_error<ShapeError>([] { imbalance_measures(Tensor()); },
                           {"imbalance_measures: labels are undefined"});
  expect_error<ValueError>(
      [] {
        imbalance_measures(Tensor::from({1, 2}, {1.0f, 0.5f}));
      },
      {"imbalance_measures: labels[0, 1] is 0.5; multi-label targets must "
       "be 0 or 1"});
  const std::vector<int64_t> rows = {0, 3};
  expect_error<ValueError>(
      [&] {
        imbalance_measures(Tensor::zeros({3, 2}), rows);
      },
      {"imbalance_measures: rows[1] = 3 is outside [0, 3)"});
}

}  // namespace
}  // namespace fulcrum::data
