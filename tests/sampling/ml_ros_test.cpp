// ML-ROS (Charte et al. 2015): hand cases with a known number of clones, the
// stopping rule, its effect on the imbalance of synthetic data, determinism
// and the input checks.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "fulcrum/data/sampling.hpp"
#include "fulcrum/data/synthetic.hpp"
#include "sampling_test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

using testing::label_matrix;

std::vector<int64_t> iota_rows(int64_t n) {
  std::vector<int64_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  return rows;
}

// 1000 rows: label 0 on every row, label 1 on rows 0..9, label 2 on rows
// 500..549. IRLbl = (1, 100, 20), MeanIR = 121 / 3, so label 1 is the only
// minority label. Its rows also carry label 0, so after k clones
// IRLbl(1) = (1000 + k) / (10 + k), which is still above MeanIR for k = 15
// (40.6) and below it for k = 16 (39.08): ML-ROS can clone 16 rows at most.
Tensor one_minority_labels() {
  std::vector<std::vector<int64_t>> rows(1000);
  for (int64_t i = 0; i < 1000; ++i) {
    rows[i].push_back(0);
    if (i < 10) rows[i].push_back(1);
    if (i >= 500 && i < 550) rows[i].push_back(2);
  }
  return label_matrix(rows, 3);
}

TEST(MlRos, OriginalRowsComeFirstThenTheRequestedClones) {
  const Tensor labels = one_minority_labels();
  for (double percentage : {0.0, 0.4, 1.0, 1.5}) {
    const auto rows = ml_ros(labels, percentage, 7);
    const auto wanted = static_cast<size_t>(std::round(10.0 * percentage));
    ASSERT_EQ(rows.size(), 1000 + wanted) << "percentage " << percentage;
    EXPECT_TRUE(std::equal(rows.begin(), rows.begin() + 1000, iota_rows(1000).begin()));
    for (size_t i = 1000; i < rows.size(); ++i)
      EXPECT_LT(rows[i], 10) << "a clone comes from the bag of the minority label";
  }
}

TEST(MlRos, StopsWhenTheMinorityLabelsCatchUp) {
  const Tensor labels = one_minority_labels();
  const auto rows = ml_ros(labels, 10.0, 7);  // 100 clones wanted
  ASSERT_EQ(rows.size(), 1016u) << "see one_minority_labels for the 16";
  const ImbalanceMeasures before = imbalance_measures(labels);
  const ImbalanceMeasures after = imbalance_measures(labels, rows);
  EXPECT_LE(after.irlbl[1], before.mean_ir);
  EXPECT_LT(after.mean_ir, before.mean_ir);
}

TEST(MlRos, TinyHandCase) {
  // Rows 0..8 have label 0, row 9 label 1: IRLbl = (1, 9), MeanIR = 5. One
  // clone of row 9 gives IRLbl(1) = 4.5 <= 5, which ends the run.
  std::vector<std::vector<int64_t>> lists(10, std::vector<int64_t>{0});
  lists[9] = {1};
  const auto rows = ml_ros(label_matrix(lists, 2), 100.0, 3);
  std::vector<int64_t> expected = iota_rows(10);
  expected.push_back(9);
  EXPECT_EQ(rows, expected);
}

TEST(MlRos, BalancedOrEmptyLabelsAddNothing) {
  const Tensor balanced = label_matrix({{0}, {1}, {0, 1}, {}}, 2);
  EXPECT_EQ(ml_ros(balanced, 50.0, 0), iota_rows(4));
  // A label with no positive has no bag to clone from and is not a minority.
  const Tensor absent = label_matrix({{0}, {0}, {0}}, 2);
  EXPECT_EQ(ml_ros(absent, 100.0, 0), iota_rows(3));
}

SyntheticData imbalanced_data() {
  SyntheticOptions options;
  options.samples = 3000;
  options.features = 4;
  options.seed = 11;
  options.heads = {{"labels", TaskKind::MultiLabel, {0.4, 0.2, 0.1, 0.04, 0.02, 0.01}}};
  return make_synthetic_data(options);
}

TEST(MlRos, ReducesImbalanceOfSyntheticData) {
  const Tensor labels = imbalanced_data().dataset.targets[0].values;
  const ImbalanceMeasures before = imbalance_measures(labels);
  std::vector<int64_t> minority;
  for (size_t l = 0; l < before.irlbl.size(); ++l)
    if (before.irlbl[l] > before.mean_ir) minority.push_back(static_cast<int64_t>(l));
  ASSERT_GE(minority.size(), 2u) << "the data should have several minority labels";

  const double percentage = 5.0;  // 150 clones wanted
  const auto rows = ml_ros(labels, percentage, 5);
  const ImbalanceMeasures after = imbalance_measures(labels, rows);
  EXPECT_LT(after.mean_ir, before.mean_ir);

  // Every clone has a minority label.
  for (size_t i = 3000; i < rows.size(); ++i) {
    bool has_minority = false;
    for (int64_t l : minority) has_minority |= labels.data()[rows[i] * 6 + l] != 0.0f;
    EXPECT_TRUE(has_minority) << "clone " << i << " is row " << rows[i];
  }
  // Each minority label's share of the rows grows, and so does the minority
  // labels' share of all positives.
  auto share = [](const ImbalanceMeasures& m, const std::vector<int64_t>& of) {
    int64_t part = 0;
    for (int64_t l : of) part += m.counts[l];
    return static_cast<double>(part) /
           static_cast<double>(std::accumulate(m.counts.begin(), m.counts.end(), int64_t{0}));
  };
  EXPECT_GT(share(after, minority), share(before, minority));
  for (int64_t l : minority)
    EXPECT_GT(static_cast<double>(after.counts[l]) / static_cast<double>(rows.size()),
              static_cast<double>(before.counts[l]) / 3000.0)
        << "label " << l;

  // Either every wanted clone was added, or the run stopped because every
  // minority label caught up: IRLbl(l) = largest / count(l) <= MeanIR when it
  // was dropped, with a largest count at least the original one, so
  // count(l) >= original largest / MeanIR. (Its IRLbl may have risen again
  // since, as clones of other labels raise the largest count.)
  EXPECT_LE(rows.size(), 3150u);
  if (rows.size() < 3150u) {
    const int64_t largest = *std::max_element(before.counts.begin(), before.counts.end());
    for (int64_t l : minority)
      EXPECT_GE(static_cast<double>(after.counts[l]), static_cast<double>(largest) / before.mean_ir)
          << "label " << l;
  }
}

TEST(MlRos, SameSeedSameRowsOtherSeedOtherRows) {
  const Tensor labels = imbalanced_data().dataset.targets[0].values;
  const auto a = ml_ros(labels, 3.0, 1);
  EXPECT_EQ(a, ml_ros(labels, 3.0, 1));
  EXPECT_NE(a, ml_ros(labels, 3.0, 2));
  EXPECT_GT(a.size(), 3000u);
}

TEST(MlRos, RejectsBadInput) {
  const Tensor labels = label_matrix({{0}, {1}}, 2);
  try {
    ml_ros(labels, -1.0, 0);
    ADD_FAILURE() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("percentage = -1"), std::string::npos) << e.what();
  }
  expect_error<ValueError>([&] { ml_ros(labels, std::nan(""), 0); },
                           {"ml_ros: percentage = nan must be a finite number >= 0"});
  expect_error<ShapeError>([] { ml_ros(Tensor::zeros({2}), 10.0, 0); },
                           {"ml_ros: labels must be [N, L] with N, L >= 1, got shape [2]"});
  try {
    ml_ros(Tensor::from({2, 2}, {0.0f, 1.0f, 2.0f, 0.0f}), 10.0, 0);
    ADD_FAILURE() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("labels[1, 0] is 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fulcrum::data
