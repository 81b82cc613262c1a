// read_arff: MULAN/MEKA ARFF files, dense and sparse rows, the -C option,
// and errors with line numbers and attribute names.

#include <gtest/gtest.h>

#include "data_test_util.hpp"
#include "fulcrum/data/arff.hpp"

namespace fulcrum::data {
namespace {

using testing::contains;
using testing::data_error;
using testing::TempDir;

constexpr const char* kDenseMeka =
    "% a MEKA file: the first three attributes are labels\n"
    "@relation 'scene: -C 3'\n"
    "\n"
    "@attribute L1 {0,1}\n"
    "@ATTRIBUTE L2 {0,1}\n"
    "@attribute L3 {0,1}\n"
    "@attribute f1 numeric\n"
    "@attribute 'f two' REAL\n"
    "@data\n"
    "1,0,1,0.5,-1\n"
    "% a comment between rows\n"
    "0,0,0,2,3e-1\n";

TEST(ReadArff, DenseRowsWithMekaFirstLabels) {
  TempDir dir;
  const Dataset ds = read_arff(dir.write("scene.arff", kDenseMeka));
  EXPECT_EQ(ds.features.shape(), (Shape{2, 2}));
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{0.5f, -1, 2, 0.3f}));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"f1", "f two"}));
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"L1", "L2", "L3"}));
  EXPECT_EQ(t.values.to_vector(), (std::vector<float>{1, 0, 1, 0, 0, 0}));
  EXPECT_NO_THROW(ds.validate());
}

constexpr const char* kSparseLastLabels =
    "@relation \"sparse: -C -2\"\n"
    "@attribute a numeric\n"
    "@attribute b numeric\n"
    "@attribute c numeric\n"
    "@attribute y1 {0,1}\n"
    "@attribute y2 {1,0}\n"
    "@data\n"
    "{0 1.5, 3 1, 4 1}\n"
    "{}\n"
    "{1 2,2 -1, 4 0}\r\n";

TEST(ReadArff, SparseRowsWithNegativeMekaOption) {
  TempDir dir;
  const Dataset ds = read_arff(dir.write("sparse.arff", kSparseLastLabels));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{1.5f, 0, 0, 0, 0, 0, 0, 2, -1}));
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"y1", "y2"}));
  // y2 = {1,0}: a sparse row that leaves it out means its first value, 1.
  EXPECT_EQ(t.values.to_vector(), (std::vector<float>{1, 1, 0, 1, 0, 0}));
}

TEST(ReadArff, OptionsOverrideTheRelation) {
  TempDir dir;
  ArffOptions last_one;
  last_one.label_count = 1;
  last_one.target_name = "tail";
  const Dataset ds = read_arff(dir.write("sparse.arff", kSparseLastLabels), last_one);
  EXPECT_EQ(ds.target("tail").classes, (std::vector<std::string>{"y2"}));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "b", "c", "y1"}));

  const auto file = dir.write("scene.arff", kDenseMeka);
  ArffOptions named;
  named.label_names = {"L3", "L1"};
  const Dataset by_name = read_arff(file, named);
  EXPECT_EQ(by_name.target("labels").classes, (std::vector<std::string>{"L3", "L1"}));
  EXPECT_EQ(by_name.target("labels").values.to_vector(), (std::vector<float>{1, 1, 0, 0}));
  EXPECT_EQ(by_name.feature_names, (std::vector<std::string>{"L2", "f1", "f two"}));
}

TEST(ReadArffErrors, NoWayToKnowTheLabels) {
  TempDir dir;
  const auto file = dir.write("plain.arff", "@relation plain\n@attribute a numeric\n"
                                            "@attribute y {0,1}\n@data\n1,0\n");
  const std::string message = data_error([&] { read_arff(file); });
  EXPECT_TRUE(contains(message, "plain.arff"));
  EXPECT_TRUE(contains(message, "label_count"));
  ArffOptions unknown;
  unknown.label_names = {"z"};
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, unknown); }),
                       "unknown label attribute 'z'; the attributes are: a, y"));
}

// One header, each bad data line in turn: the message names line and attribute.
TEST(ReadArffErrors, BadRowsNameLineAndAttribute) {
  TempDir dir;
  const std::string header =
      "@relation 'r: -C -1'\n@attribute a numeric\n@attribute b numeric\n@attribute y {0,1}\n"
      "@data\n1,2,0\n";
  const struct {
    const char* row;
    const char* expected;
  } cases[] = {
      {"1,abc,1", "bad.arff:7: attribute 'b': 'abc' is not a number"},
      {"1,2", "bad.arff:7: 2 values, expected 3"},
      {"1,2,1,4", "bad.arff:7: 4 values, expected 3"},
      {"1,2,2", "bad.arff:7: attribute 'y': '2' is not one of its values {0,1}"},
      {"?,2,1", "bad.arff:7: attribute 'a': missing values ('?') are not supported"},
      {"{5 1}", "bad.arff:7: sparse entry '5 1' is not '<index> <value>' with an index in [0, 3)"},
      {"{0 1, 1}", "bad.arff:7: sparse entry '1'"},
      {"{0 1", "bad.arff:7: a sparse row must be"},
  };
  for (const auto& c : cases) {
    const auto file = dir.write("bad.arff", header + c.row + "\n");
    EXPECT_TRUE(contains(data_error([&] { read_arff(file); }), c.expected)) << "row: " << c.row;
  }
}

TEST(ReadArffErrors, BadHeaders) {
  TempDir dir;
  const auto no_data = dir.write("h.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(no_data); }), "h.arff: no @data section"));
  const auto string_type =
      dir.write("s.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n@attribute t string\n@data\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(string_type); }),
                       "s.arff:3: attribute 't': type 'string' is not supported"));
  const auto words =
      dir.write("w.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n@attribute c {red,blue}\n@data\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(words); }),
                       "w.arff:3: attribute 'c': nominal value 'red' is not a number"));
  const auto junk = dir.write("j.arff", "@relation r\nhello\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(junk); }),
                       "j.arff:2: expected @relation, @attribute or @data"));
  const auto all_labels = dir.write("a.arff", "@relation 'r: -C 2'\n@attribute y {0,1}\n"
                                               "@attribute z {0,1}\n@data\n0,1\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(all_labels); }),
                       "2 labels do not fit 2 attributes"));
  const auto no_rows = dir.write("n.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n"
                                           "@attribute a numeric\n@data\n%\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(no_rows); }), "no data rows"));
  EXPECT_TRUE(contains(data_error([] { read_arff("/nonexistent/x.arff"); }),
                       "cannot open '/nonexistent/x.arff'"));
}

}  // namespace
}  // namespace fulcrum::data
