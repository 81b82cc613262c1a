// read_libsvm: the LIBSVM multi-label format, and its errors.

#include <gtest/gtest.h>

#include "data_test_util.hpp"
#include "fulcrum/data/libsvm.hpp"

namespace fulcrum::data {
namespace {

using testing::contains;
using testing::data_error;
using testing::TempDir;

TEST(ReadLibsvm, LabelsAndSparseFeatures) {
  TempDir dir;
  const auto file = dir.write("ml.svm",
                              "1,3 1:0.5 4:0.2\n"
                              " 2:1\n"
                              "\n"
                              "# a comment line\n"
                              "0 3:-1 1:2 # trailing comment\r\n");
  const Dataset ds = read_libsvm(file);
  EXPECT_EQ(ds.features.shape(), (Shape{3, 4}));
  EXPECT_EQ(ds.features.to_vector(),
            (std::vector<float>{0.5f, 0, 0, 0.2f, 0, 1, 0, 0, 2, 0, -1, 0}));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"f1", "f2", "f3", "f4"}));
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(t.values.to_vector(), (std::vector<float>{0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_NO_THROW(ds.validate());
}

TEST(ReadLibsvm, FixedWidthsAndZeroBasedIndices) {
  TempDir dir;
  const auto file = dir.write("z.svm", "1 0:1 2:3\n2 1:4\n");
  LibsvmOptions options;
  options.zero_based = true;
  options.num_features = 5;
  options.num_labels = 4;
  options.target_name = "tags";
  const Dataset ds = read_libsvm(file, options);
  EXPECT_EQ(ds.features.shape(), (Shape{2, 5}));
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{1, 0, 3, 0, 0, 0, 4, 0, 0, 0}));
  EXPECT_EQ(ds.feature_names.front(), "f0");
  EXPECT_EQ(ds.target("tags").values.shape(), (Shape{2, 4}));
  EXPECT_EQ(ds.target("tags").values.to_vector(), (std::vector<float>{0, 1, 0, 0, 0, 0, 1, 0}));
}

TEST(ReadLibsvmErrors, EachBadLineIsNamed) {
  TempDir dir;
  LibsvmOptions bounded;
  bounded.num_features = 4;
  bounded.num_labels = 3;
  const struct {
    const char* line;
    const char* expected;
  } cases[] = {
      {"1 2:abc", "bad.svm:2: feature 2: 'abc' is not a number"},
      {"1 0:1", "bad.svm:2: feature index '0' is not an integer >= 1"},
      {"1 x:1", "bad.svm:2: feature index 'x' is not an integer >= 1"},
      {"1 5:1", "bad.svm:2: feature index 5 is out of range for num_features = 4"},
      {"3 1:1", "bad.svm:2: label 3 is out of range for num_labels = 3"},
      {"a,1 1:1", "bad.svm:2: label 'a' is not a label id"},
      {"1,-2 1:1", "bad.svm:2: label '-2' is not a label id"},
      {"1 1:1 7", "bad.svm:2: '7' is not an 'index:value' pair"},
      {"1 2:1 2:3", "bad.svm:2: feature index 2 appears twice"},
      {"1 1:1e40", "bad.svm:2: feature 1: '1e40' is out of the float32 range"},
  };
  for (const auto& c : cases) {
    const auto file = dir.write("bad.svm", std::string("0 1:1\n") + c.line + "\n");
    EXPECT_TRUE(contains(data_error([&] { read_libsvm(file, bounded); }), c.expected))
        << "line: " << c.line;
  }
  EXPECT_TRUE(contains(data_error([&] { read_libsvm(dir.write("e.svm", "\n\n")); }),
                       "e.svm: no examples"));
  EXPECT_TRUE(contains(data_error([&] { read_libsvm(dir.write("n.svm", "1:1\n")); }),
                       "no example has a label"));
  EXPECT_TRUE(contains(data_error([] { read_libsvm("/nonexistent/a.svm"); }),
                       "cannot open '/nonexistent/a.svm'"));
}

}  // namespace
}  // namespace fulcrum::data
