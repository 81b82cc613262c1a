// IRLbl, MeanIR and MaxIR as Charte et al. (2015) define them, on counts
// worked out by hand.
#include "fulcrum/experiment/imbalance_measures.hpp"

#include <gtest/gtest.h>

#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

TEST(ImbalanceMeasures, IrlblIsTheMostFrequentLabelsCountOverEachLabels) {
  // The most frequent label has 100 positives: IRLbl 1, 2, 10, and none for
  // the label without positives; MeanIR = (1 + 2 + 10) / 3, MaxIR = 10.
  const ImbalanceMeasures m = imbalance_measures({50, 100, 10, 0});
  ASSERT_EQ(m.irlbl.size(), 4u);
  EXPECT_DOUBLE_EQ(*m.irlbl[0], 2.0);
  EXPECT_DOUBLE_EQ(*m.irlbl[1], 1.0);
  EXPECT_DOUBLE_EQ(*m.irlbl[2], 10.0);
  EXPECT_FALSE(m.irlbl[3]);
  EXPECT_DOUBLE_EQ(*m.mean_ir, 13.0 / 3);
  EXPECT_DOUBLE_EQ(*m.max_ir, 10.0);
  EXPECT_EQ(m.absent, 1);
}

TEST(ImbalanceMeasures, BalancedLabelsHaveMeanIrOne) {
  const ImbalanceMeasures m = imbalance_measures({7, 7, 7});
  EXPECT_DOUBLE_EQ(*m.mean_ir, 1.0);
  EXPECT_DOUBLE_EQ(*m.max_ir, 1.0);
}

TEST(ImbalanceMeasures, NoPositivesAtAllAndBadCounts) {
  const ImbalanceMeasures m = imbalance_measures({0, 0});
  EXPECT_FALSE(m.mean_ir);
  EXPECT_FALSE(m.max_ir);
  EXPECT_EQ(m.absent, 2);
  EXPECT_FALSE(imbalance_measures({}).mean_ir);
  testing::expect_error<ValueError>([] { imbalance_measures({3, -1}); }, {"label 1 has count -1"});
}

}  // namespace
}  // namespace fulcrum::experiment
