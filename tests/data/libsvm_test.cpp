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

// One stray large index in a small file implies a dense matrix of gigabytes:
// it is refused on its line, before anything of that size is allocated.
TEST(ReadLibsvm, AnIndexThatWouldMakeTheDenseMatrixTooLargeIsRefusedOnItsLine) {
  TempDir dir;
  const auto file = dir.write("wide.svm", "0 1:1\n1 3000000:1\n0 2:1\n");
  LibsvmOptions options;
  options.max_elements = 1000000;
  const std::string message = data_error([&] { read_libsvm(file, options); });
  EXPECT_TRUE(contains(message, {"wide.svm:2: feature index 3000000 on line 2 would make a 2 x "
                                 "3000000 dense float32 matrix (24.0 MB)",
                                 "at most 1000000 elements", "LibsvmOptions::max_elements"}))
      << message;
}

TEST(ReadLibsvm, RowsThatTogetherExceedTheLimitAreRefusedAtTheWidestLine) {
  TempDir dir;
  // Each row is within the limit (10 x 100 <= 1000), the 11 rows are not.
  std::string text = "0 1:1\n1 100:1\n";
  for (int i = 0; i < 9; ++i) text += "0 1:2\n";
  const auto file = dir.write("rows.svm", text);
  LibsvmOptions options;
  options.max_elements = 1000;
  const std::string message = data_error([&] { read_libsvm(file, options); });
  EXPECT_TRUE(contains(message, {"rows.svm:2: feature index 100 on line 2 with 11 examples would "
                                 "make a 11 x 100 dense float32 matrix",
                                 "at most 1000 elements"}))
      << message;
}

TEST(ReadLibsvm, ALabelIdThatWouldMakeTheLabelsTooLargeIsRefused) {
  TempDir dir;
  const auto file = dir.write("labels.svm", "0 1:1\n5000 1:1\n");
  LibsvmOptions options;
  options.max_elements = 1000;
  const std::string message = data_error([&] { read_libsvm(file, options); });
  EXPECT_TRUE(contains(message, {"labels.svm:2: label 5000 on line 2 would make a 2 x 5001 dense "
                                 "float32 matrix", "at most 1000 elements"}))
      << message;
}

TEST(ReadLibsvm, NumFeaturesOverTheLimitIsRefused) {
  TempDir dir;
  const auto file = dir.write("n.svm", "0 1:1\n1 2:1\n");
  LibsvmOptions options;
  options.num_features = 600;
  options.max_elements = 1000;
  const std::string message = data_error([&] { read_libsvm(file, options); });
  EXPECT_TRUE(contains(message, {"n.svm: 2 examples with num_features = 600 would make a 2 x 600 "
                                 "dense float32 matrix"}))
      << message;
}

TEST(ReadLibsvm, TheDefaultLimitRefusesAnIndexOfAHugeMatrixWithoutAllocatingIt) {
  // 2^28 elements (1 GiB of float32) by default; an index of 2^40 on the
  // first line is refused at once.
  EXPECT_EQ(LibsvmOptions{}.max_elements, int64_t{1} << 28);
  TempDir dir;
  const auto file = dir.write("huge.svm", "0 1099511627776:1\n");
  const std::string message = data_error([&] { read_libsvm(file); });
  EXPECT_TRUE(contains(message, {"huge.svm:1: feature index 1099511627776 on line 1 would make a "
                                 "1 x 1099511627776 dense float32 matrix (4398.0 GB)",
                                 "at most 268435456 elements"}))
      << message;
}

TEST(ReadLibsvm, AMatrixAtTheLimitIsRead) {
  TempDir dir;
  const auto file = dir.write("ok.svm", "0 1:1\n1 500:1\n");
  LibsvmOptions options;
  options.max_elements = 1000;
  EXPECT_EQ(read_libsvm(file, options).features.shape(), (Shape{2, 500}));
}

}  // namespace
}  // namespace fulcrum::data
