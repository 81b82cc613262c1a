// The real yeast files (MULAN): in $FULCRUM_YEAST_DIR, else in the shared data
// beside the repository (../shared/datasets/yeast, where CI has them); they
// are not part of the repository, so the test is skipped when neither exists.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/split.hpp"

namespace fulcrum::data {
namespace {

TEST(Yeast, ReadsTheMulanTrainFile) {
  const char* env = std::getenv("FULCRUM_YEAST_DIR");
  const std::filesystem::path dir = env != nullptr ? env : FULCRUM_SHARED_YEAST_DIR;
  if (!std::filesystem::exists(dir / "yeast-train.csv")) {
    GTEST_SKIP() << "no " << (dir / "yeast-train.csv").string()
                 << ": set FULCRUM_YEAST_DIR to the folder holding yeast-train.csv";
  }
  CsvOptions options;
  options.header = false;
  TargetSpec labels;
  labels.name = "labels";
  labels.last = 14;
  options.targets = {labels};
  const Dataset ds = read_csv(dir / "yeast-train.csv", options);
  EXPECT_EQ(ds.features.shape(), (Shape{1500, 103}));
  const Tensor& y = ds.target("labels").values;
  EXPECT_EQ(y.shape(), (Shape{1500, 14}));
  double cardinality = 0.0;
  for (float v : y.values()) cardinality += v;
  cardinality /= 1500.0;
  EXPECT_GT(cardinality, 4.0);  // the README gives about 4.24
  EXPECT_LT(cardinality, 4.5);
  EXPECT_NO_THROW(ds.validate());

  const SplitIndices split = split_dataset(ds, 0.2, 0.0, 0);
  EXPECT_EQ(split.train.size() + split.validation.size(), 1500u);
}

}  // namespace
}  // namespace fulcrum::data
