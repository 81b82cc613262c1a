// Dataset: target lookup, subsets and the invariant checks.

#include <gtest/gtest.h>

#include "data_test_util.hpp"
#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {
namespace {

using testing::contains;
using testing::data_error;

Dataset small_dataset() {
  Dataset ds;
  ds.features = Tensor::from({3, 2}, {0, 1, 2, 3, 4, 5});
  ds.feature_names = {"a", "b"};
  ds.targets.push_back({"labels", TaskKind::MultiLabel, Tensor::from({3, 1}, {1, 0, 1}), {"y"}});
  ds.targets.push_back(
      {"kind", TaskKind::MultiClass, Tensor::from({3}, {2, 0, 1}), {"p", "q", "r"}});
  return ds;
}

TEST(Dataset, SizesAndTargetLookup) {
  const Dataset ds = small_dataset();
  EXPECT_EQ(ds.size(), 3);
  EXPECT_EQ(ds.num_features(), 2);
  EXPECT_EQ(ds.target("kind").num_classes(), 3);
  const std::string message = data_error([&] { ds.target("colour"); });
  EXPECT_TRUE(contains(message, "no target named 'colour'; the dataset has: labels, kind"));
  EXPECT_EQ(Dataset{}.size(), 0);
}

TEST(Dataset, SubsetCopiesTheRowsInOrder) {
  const Dataset ds = small_dataset();
  const std::vector<int64_t> rows = {2, 0, 2};
  const Dataset sub = ds.subset(rows);
  EXPECT_EQ(sub.features.to_vector(), (std::vector<float>{4, 5, 0, 1, 4, 5}));
  EXPECT_EQ(sub.targets[0].values.to_vector(), (std::vector<float>{1, 1, 1}));
  EXPECT_EQ(sub.targets[1].values.to_vector(), (std::vector<float>{1, 2, 1}));
  EXPECT_EQ(sub.targets[1].classes, ds.targets[1].classes);
  EXPECT_FALSE(sub.features.same(ds.features));
  const std::vector<int64_t> outside = {3};
  EXPECT_TRUE(contains(data_error([&] { ds.subset(outside); }), "row 3 is out of range for 3"));
}

TEST(Dataset, ValidateNamesWhatIsWrong) {
  EXPECT_NO_THROW(small_dataset().validate());
  Dataset bad_label = small_dataset();
  bad_label.targets[0].values.data()[1] = 0.5f;
  EXPECT_TRUE(contains(data_error([&] { bad_label.validate("train.csv"); }),
                       "train.csv: target 'labels' (multi-label): value 0.5 is not 0 or 1"));
  Dataset bad_class = small_dataset();
  bad_class.targets[1].values.data()[0] = 3.0f;
  EXPECT_TRUE(contains(data_error([&] { bad_class.validate(); }),
                       "class index 3 is not an integer in [0, 3)"));
  Dataset bad_names = small_dataset();
  bad_names.feature_names.pop_back();
  EXPECT_TRUE(contains(data_error([&] { bad_names.validate(); }), "1 feature names for 2"));
  Dataset bad_rows = small_dataset();
  bad_rows.targets[1].values = Tensor::zeros({2});
  EXPECT_TRUE(contains(data_error([&] { bad_rows.validate(); }), "shape [2], expected [3]"));
}

}  // namespace
}  // namespace fulcrum::data
