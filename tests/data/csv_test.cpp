// read_csv: header and headerless files, every kind of target, RFC 4180
// quoting, and an error naming file, line and column for each bad input.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "data_test_util.hpp"
#include "fulcrum/data/csv.hpp"

namespace fulcrum::data {
namespace {

using testing::contains;
using testing::data_error;
using testing::TempDir;

std::vector<float> values(const Tensor& t) { return t.to_vector(); }

TargetSpec multi_hot(std::string name, std::vector<std::string> columns) {
  TargetSpec spec;
  spec.name = std::move(name);
  spec.columns = std::move(columns);
  return spec;
}

TargetSpec one_column(std::string name, TaskKind kind, std::string column,
                      std::vector<std::string> classes = {}) {
  TargetSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.column = std::move(column);
  spec.classes = std::move(classes);
  return spec;
}

TEST(ReadCsv, MultiHotColumnsAndTheRestAsFeatures) {
  TempDir dir;
  const auto file = dir.write("x.csv",
                              "a,b,y1,c,y2\n"
                              "1,2,0,3,1\n"
                              "4,5.5,1,-6,1\n");
  CsvOptions options;
  options.targets = {multi_hot("labels", {"y1", "y2"})};
  const Dataset ds = read_csv(file, options);
  EXPECT_EQ(ds.features.shape(), (Shape{2, 3}));
  EXPECT_EQ(values(ds.features), (std::vector<float>{1, 2, 3, 4, 5.5f, -6}));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(ds.targets.size(), 1u);
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.kind, TaskKind::MultiLabel);
  EXPECT_EQ(t.values.shape(), (Shape{2, 2}));
  EXPECT_EQ(values(t.values), (std::vector<float>{0, 1, 1, 1}));
  EXPECT_EQ(t.classes, (std::vector<std::string>{"y1", "y2"}));
  EXPECT_NO_THROW(ds.validate());
}

TEST(ReadCsv, FeatureColumnsInTheGivenOrder) {
  TempDir dir;
  const auto file = dir.write("x.csv", "a,b,c,y\n1,2,3,1\n");
  CsvOptions options;
  options.feature_columns = {"c", "a"};
  options.targets = {multi_hot("y", {"y"})};
  const Dataset ds = read_csv(file, options);
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(values(ds.features), (std::vector<float>{3, 1}));
}

TEST(ReadCsv, LabelListColumnSortsTheLabelsSeen) {
  TempDir dir;
  const auto file = dir.write("tags.csv",
                              "x1,x2,tags\n"
                              "1,2,dog|cat\n"
                              "3,4,\n"
                              "5,6, dog \n");
  CsvOptions options;
  options.targets = {one_column("tags", TaskKind::MultiLabel, "tags")};
  const Dataset ds = read_csv(file, options);
  const Target& t = ds.target("tags");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(values(t.values), (std::vector<float>{1, 1, 0, 0, 0, 1}));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"x1", "x2"}));
}

TEST(ReadCsv, LabelListWithGivenLabelsAndSeparator) {
  TempDir dir;
  const auto file = dir.write("tags.csv", "x,tags\n1,cat;bird\n2,dog\n");
  TargetSpec spec = one_column("tags", TaskKind::MultiLabel, "tags", {"dog", "cat", "bird"});
  spec.separator = ';';
  CsvOptions options;
  options.targets = {spec};
  const Target t = read_csv(file, options).target("tags");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"dog", "cat", "bird"}));
  EXPECT_EQ(values(t.values), (std::vector<float>{0, 1, 1, 1, 0, 0}));
}

TEST(ReadCsv, UnknownLabelNamesLineAndColumn) {
  TempDir dir;
  const auto file = dir.write("tags.csv", "x,tags\n1,cat\n2,cow|dog\n");
  CsvOptions options;
  options.targets = {one_column("tags", TaskKind::MultiLabel, "tags", {"cat", "dog"})};
  const std::string message = data_error([&] { read_csv(file, options); });
  EXPECT_TRUE(contains(message, "tags.csv:3:"));
  EXPECT_TRUE(contains(message, "column 'tags'"));
  EXPECT_TRUE(contains(message, "unknown label 'cow'"));
}

TEST(ReadCsv, MultiClassIndicesNamesAndGivenClasses) {
  TempDir dir;
  const auto indices = dir.write("i.csv", "x,y\n1,0\n2,2\n3,1.0\n");
  const auto names = dir.write("n.csv", "x,y\n1,b\n2,a\n3,b\n");
  CsvOptions options;
  options.targets = {one_column("y", TaskKind::MultiClass, "y")};

  const Target by_index = read_csv(indices, options).target("y");
  EXPECT_EQ(by_index.kind, TaskKind::MultiClass);
  EXPECT_EQ(by_index.values.shape(), (Shape{3}));
  EXPECT_EQ(values(by_index.values), (std::vector<float>{0, 2, 1}));
  EXPECT_EQ(by_index.classes, (std::vector<std::string>{"0", "1", "2"}));

  const Target by_name = read_csv(names, options).target("y");
  EXPECT_EQ(by_name.classes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(values(by_name.values), (std::vector<float>{1, 0, 1}));

  options.targets = {one_column("y", TaskKind::MultiClass, "y", {"b", "a", "c"})};
  const Target given = read_csv(names, options).target("y");
  EXPECT_EQ(values(given.values), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(given.num_classes(), 3);
}

TEST(ReadCsv, ClassIndexOutOfRange) {
  TempDir dir;
  const auto file = dir.write("c.csv", "x,y\n1,0\n2,1\n3,3\n");
  CsvOptions options;
  options.targets = {one_column("y", TaskKind::MultiClass, "y", {"a", "b", "c"})};
  const std::string message = data_error([&] { read_csv(file, options); });
  EXPECT_TRUE(contains(message, "c.csv:4:"));
  EXPECT_TRUE(contains(message, "column 'y'"));
  EXPECT_TRUE(contains(message, "class index 3 is out of range for 3 classes"));
}

TEST(ReadCsv, ClassColumnOfNumbersMustHoldIntegers) {
  TempDir dir;
  const auto file = dir.write("c.csv", "x,y\n1,0\n2,1.5\n");
  CsvOptions options;
  options.targets = {one_column("y", TaskKind::MultiClass, "y")};
  const std::string message = data_error([&] { read_csv(file, options); });
  EXPECT_TRUE(contains(message, "c.csv:3:"));
  EXPECT_TRUE(contains(message, "'1.5' is not a class index"));
}

TEST(ReadCsv, TwoHeadsFromOneFile) {
  TempDir dir;
  const auto file = dir.write("h.csv", "f,l1,l2,kind\n0.5,1,0,2\n-1,0,0,0\n");
  CsvOptions options;
  options.targets = {multi_hot("labels", {"l1", "l2"}),
                     one_column("kind", TaskKind::MultiClass, "kind")};
  const Dataset ds = read_csv(file, options);
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"f"}));
  EXPECT_EQ(ds.targets[0].name, "labels");
  EXPECT_EQ(ds.targets[1].name, "kind");
  EXPECT_EQ(values(ds.targets[1].values), (std::vector<float>{2, 0}));
  EXPECT_NO_THROW(ds.validate());
}

TEST(ReadCsv, QuotesCrlfBlankLinesAndOtherDelimiters) {
  TempDir dir;
  const auto file = dir.write("q.csv",
                              "\"size, cm\";\"say \"\"hi\"\"\";tags\r\n"
                              "\"1.5\";2;\"a;b\"\r\n"
                              "\r\n"
                              " 3 ;+4;\"b|c\"\r\n"
                              "\r\n");
  CsvOptions options;
  options.delimiter = ';';
  options.targets = {one_column("tags", TaskKind::MultiLabel, "tags")};
  const Dataset ds = read_csv(file, options);
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"size, cm", "say \"hi\""}));
  EXPECT_EQ(values(ds.features), (std::vector<float>{1.5f, 2, 3, 4}));
  EXPECT_EQ(ds.target("tags").classes, (std::vector<std::string>{"a;b", "b", "c"}));
  EXPECT_EQ(values(ds.target("tags").values), (std::vector<float>{1, 0, 0, 0, 1, 1}));
}

TEST(ReadCsv, LineNumbersCountLinesInsideQuotedFields) {
  TempDir dir;
  const auto file = dir.write("m.csv", "x,note\n1,\"two\nlines\"\n\n2,ok\nabc,ok\n");
  CsvOptions options;
  options.feature_columns = {"x"};
  options.targets = {one_column("note", TaskKind::MultiClass, "note")};
  const std::string message = data_error([&] { read_csv(file, options); });
  EXPECT_TRUE(contains(message, "m.csv:6: column 'x': 'abc' is not a number"));
}

TEST(ReadCsv, HeaderlessYeastShapeWithLast14) {
  CsvOptions options;
  options.header = false;
  TargetSpec labels;
  labels.name = "labels";
  labels.last = 14;
  options.targets = {labels};
  const auto file = testing::fixture("yeast_tiny.csv");
  const Dataset ds = read_csv(file, options);
  EXPECT_EQ(ds.features.shape(), (Shape{6, 103}));
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.values.shape(), (Shape{6, 14}));
  EXPECT_EQ(ds.feature_names.front(), "c0");
  EXPECT_EQ(ds.feature_names.back(), "c102");
  EXPECT_EQ(t.classes.front(), "c103");
  EXPECT_EQ(t.classes.back(), "c116");

  // Every value agrees with a plain split of the file.
  std::ifstream in(file);
  std::string line;
  int64_t row = 0;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    for (int64_t c = 0; std::getline(fields, field, ','); ++c) {
      const float want = std::stof(field);
      const float got = c < 103 ? ds.features.data()[row * 103 + c]
                                : t.values.data()[row * 14 + (c - 103)];
      ASSERT_EQ(got, want) << "row " << row << ", column " << c;
    }
    ++row;
  }
  EXPECT_EQ(row, 6);
}

TEST(ReadCsv, ReadsAHundredThousandRowsQuickly) {
  TempDir dir;
  std::string text = "a,b,c,d,e,f,g,h,y1,y2\n";
  constexpr int64_t kRows = 100000;
  for (int64_t i = 0; i < kRows; ++i)
    text += fmt::format("{},{}.25,-{}e-3,1,2,3,4,5,{},{}\n", i, i % 7, i % 13, i % 2, i % 3 == 0 ? 1 : 0);
  const auto file = dir.write("big.csv", text);
  CsvOptions options;
  options.targets = {multi_hot("y", {"y1", "y2"})};
  const auto start = std::chrono::steady_clock::now();
  const Dataset ds = read_csv(file, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(ds.size(), kRows);
  EXPECT_EQ(ds.features.data()[(kRows - 1) * 8], static_cast<float>(kRows - 1));
  EXPECT_EQ(ds.features.data()[(kRows - 1) * 8 + 2], -((kRows - 1) % 13) * 1e-3f);
  EXPECT_LT(seconds, 5.0) << "reading 1e5 rows took " << seconds << " s";
}

// -- errors ------------------------------------------------------------------------

TEST(ReadCsvErrors, MissingFileNamesThePath) {
  const std::string message =
      data_error([] { read_csv("/nonexistent/dir/missing.csv", CsvOptions{}); });
  EXPECT_TRUE(contains(message, "/nonexistent/dir/missing.csv"));
  EXPECT_TRUE(contains(message, "cannot open"));
}

TEST(ReadCsvErrors, RaggedRowSaysHowManyFields) {
  TempDir dir;
  const auto file = dir.write("yeast-train.csv", "1,2,3\n4,5,6\n7,8\n");
  CsvOptions options;
  options.header = false;
  const std::string message = data_error([&] { read_csv(file, options); });
  EXPECT_TRUE(contains(message, "yeast-train.csv:3: 2 fields, expected 3 (as in line 1)"));
}

TEST(ReadCsvErrors, NonNumericFeatureNamesColumn) {
  TempDir dir;
  const auto file = dir.write("x.csv", "f1,f2,f3\n1,2,3\n\n1,2,3\n1,2,abc\n");
  const std::string message = data_error([&] { read_csv(file, CsvOptions{}); });
  EXPECT_TRUE(contains(message, "x.csv:5: column 'f3': 'abc' is not a number"));
}

TEST(ReadCsvErrors, EmptyAndNonFiniteFields) {
  TempDir dir;
  const auto empty = dir.write("e.csv", "a,b\n1,\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(empty, CsvOptions{}); }),
                       "e.csv:2: column 'b': an empty field is not a number"));
  const auto nan = dir.write("n.csv", "a,b\n1,nan\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(nan, CsvOptions{}); }),
                       "n.csv:2: column 'b': 'nan' is not a finite number"));
  const auto huge = dir.write("h.csv", "a,b\n1e39,1\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(huge, CsvOptions{}); }),
                       "h.csv:2: column 'a': '1e39' is out of the float32 range"));
}

TEST(ReadCsvErrors, UnknownColumnsListTheColumns) {
  TempDir dir;
  const auto file = dir.write("x.csv", "a,b,c\n1,2,3\n");
  CsvOptions options;
  options.targets = {multi_hot("labels", {"c", "zz"})};
  std::string message = data_error([&] { read_csv(file, options); });
  EXPECT_TRUE(contains(message, "x.csv"));
  EXPECT_TRUE(contains(message, "target 'labels': unknown column 'zz'"));
  EXPECT_TRUE(contains(message, "a, b, c"));

  options.targets = {multi_hot("labels", {"c"})};
  options.feature_columns = {"a", "nope"};
  message = data_error([&] { read_csv(file, options); });
  EXPECT_TRUE(contains(message, "unknown feature column 'nope'"));
  EXPECT_TRUE(contains(message, "a, b, c"));
}

TEST(ReadCsvErrors, LabelThatIsNotZeroOrOne) {
  TempDir dir;
  const auto file = dir.write("l.csv", "a,y\n1,1\n2,2\n");
  CsvOptions options;
  options.targets = {multi_hot("labels", {"y"})};
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       "l.csv:3: column 'y': '2' is not a label (0 or 1)"));
}

TEST(ReadCsvErrors, BrokenQuotingEmptyFilesAndDuplicateNames) {
  TempDir dir;
  const auto unclosed = dir.write("u.csv", "a,b\n1,2\n3,\"4\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(unclosed, CsvOptions{}); }),
                       "u.csv:3: a quoted field is never closed"));
  const auto trailing = dir.write("t.csv", "a,b\n1,\"2\"x\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(trailing, CsvOptions{}); }),
                       "t.csv:2: field 2: unexpected 'x' after a closing quote"));
  const auto empty = dir.write("empty.csv", "");
  EXPECT_TRUE(contains(data_error([&] { read_csv(empty, CsvOptions{}); }), "empty.csv: the file is empty"));
  const auto header_only = dir.write("h.csv", "a,b\n\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(header_only, CsvOptions{}); }), "no data rows"));
  const auto twice = dir.write("d.csv", "a,b,a\n1,2,3\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(twice, CsvOptions{}); }),
                       "d.csv:1: the column name 'a' appears twice (fields 1 and 3)"));
}

TEST(ReadCsvErrors, SpecsThatDoNotFit) {
  TempDir dir;
  const auto file = dir.write("s.csv", "a,b,c\n1,0,1\n");
  CsvOptions options;

  TargetSpec two_ways = multi_hot("labels", {"b"});
  two_ways.last = 1;
  options.targets = {two_ways};
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }), "exactly one of"));

  TargetSpec too_many;
  too_many.name = "labels";
  too_many.last = 4;
  options.targets = {too_many};
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       "last = 4, but the file has only 3 columns"));

  options.targets = {multi_hot("labels", {"b", "c"})};
  options.feature_columns = {"a", "c"};
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       "column 'c' cannot be both a feature and part of target 'labels'"));

  options.feature_columns = {};
  options.targets = {multi_hot("labels", {"a", "b", "c"})};
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }), "no feature columns"));

  options.targets = {multi_hot("one", {"b"}), multi_hot("two", {"b"})};
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       "column 'b' is used by two targets"));

  options.targets = {one_column("k", TaskKind::MultiClass, "")};
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       "target 'k': a multi-class target takes exactly one `column`"));
}

// One pathological line cannot make the reader hold memory out of proportion
// to the data: a record over max_line_bytes or max_fields is refused as it
// is split. The tests lower the limits; the defaults are the documented ones.
TEST(ReadCsv, TheDefaultLineLimitsAreTheDocumentedOnes) {
  EXPECT_EQ(CsvOptions{}.max_line_bytes, int64_t{64} << 20);
  EXPECT_EQ(CsvOptions{}.max_fields, int64_t{1} << 20);
}

TEST(ReadCsv, ALineJustOverTheByteLimitIsRefusedWithFileAndLine) {
  TempDir dir;
  CsvOptions options;
  options.max_line_bytes = 4096;
  options.max_fields = 1 << 20;
  // Line 2 is one number, "0.000...", of 4097 bytes; line 1 is short.
  const auto file = dir.write("long.csv", "a\n0." + std::string(4095, '0') + "\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       {"long.csv:2: the line is longer than 4096 bytes (max_line_bytes)"}));
  // Exactly at the limit it is read.
  const auto ok = dir.write("ok.csv", "a\n0." + std::string(4094, '0') + "\n");
  EXPECT_EQ(read_csv(ok, options).features.shape(), (Shape{1, 1}));
}

TEST(ReadCsv, AQuotedFieldOverTheByteLimitIsRefusedAtTheLineItBegins) {
  TempDir dir;
  CsvOptions options;
  options.max_line_bytes = 100;
  const auto file =
      dir.write("quoted.csv", "a,b\n1,\"" + std::string(60, 'x') + "\n" + std::string(60, 'y') +
                                  "\"\n");
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       {"quoted.csv:2: the line is longer than 100 bytes"}));
}

TEST(ReadCsv, ALineWithOneFieldTooManyIsRefusedWithFileAndLine) {
  TempDir dir;
  CsvOptions options;
  options.max_fields = 1000;
  std::string line = "0";
  for (int i = 0; i < 1000; ++i) line += ",0";  // 1001 fields
  const auto file = dir.write("wide.csv", line + "\n");
  options.header = false;
  EXPECT_TRUE(contains(data_error([&] { read_csv(file, options); }),
                       {"wide.csv:1: the line has more than 1000 fields (max_fields)"}));
  line.resize(line.size() - 2);  // 1000 fields: read
  EXPECT_EQ(read_csv(dir.write("ok.csv", line + "\n"), options).features.shape(),
            (Shape{1, 1000}));
}

TEST(ReadCsv, LimitsBelowOneAreRefused) {
  TempDir dir;
  CsvOptions options;
  options.max_fields = 0;
  EXPECT_TRUE(contains(data_error([&] { read_csv(dir.write("a.csv", "a\n1\n"), options); }),
                       {"max_line_bytes (67108864) and max_fields (0) must be >= 1"}));
}

}  // namespace
}  // namespace fulcrum::data
