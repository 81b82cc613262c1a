// The text table and CSV forms of the metrics: undefined values are shown as
// such, names are used and quoted, files are written and read back. (The JSON
// form is fulcrum::train's: tests/trainer/metrics_json_test.cpp.)

#include "fulcrum/metrics/report.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "expect_error.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/metrics.hpp"
#include "hand_cases.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::metrics {
namespace {

using testing::expect_error;

const std::vector<std::string> kLabels = {"cat", "dog", "bird"};

MultiLabelMetrics hand_multilabel() {
  testing::MultiLabelHandCase c;
  return multilabel_metrics(c.y_true, c.y_score, 0.5f);
}

MultiClassMetrics hand_multiclass() {
  testing::MultiClassHandCase c;
  return multiclass_metrics(c.y_true, c.y_prob);
}

/// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) found.push_back(line);
  return found;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(MultiLabelReport, TableHasOneRowPerLabelAndMarksUndefined) {
  const std::string table = format_report(hand_multilabel(), kLabels);
  const auto cat = lines_starting_with(table, "cat ");
  const auto dog = lines_starting_with(table, "dog ");
  ASSERT_EQ(cat.size(), 1u) << table;
  ASSERT_EQ(dog.size(), 1u) << table;
  EXPECT_NE(cat[0].find("0.7500"), std::string::npos) << cat[0];  // AUC
  EXPECT_NE(cat[0].find("0.8333"), std::string::npos) << cat[0];  // AP
  EXPECT_NE(dog[0].find("n/a"), std::string::npos) << dog[0];
  EXPECT_EQ(lines_starting_with(table, "micro").size(), 1u);
  EXPECT_EQ(lines_starting_with(table, "samples").size(), 1u);
  EXPECT_NE(table.find("2 of 3 labels"), std::string::npos) << table;
  EXPECT_NE(table.find("one class in y_true: dog"), std::string::npos) << table;
  EXPECT_NE(table.find("ECE (15 bins)"), std::string::npos) << table;
}

TEST(MultiLabelReport, DefaultNamesAreIndices) {
  const std::string table = format_report(hand_multilabel());
  EXPECT_EQ(lines_starting_with(table, "2 ").size(), 1u) << table;
}

TEST(MultiLabelReport, WrongNumberOfNamesThrows) {
  const std::vector<std::string> two = {"a", "b"};
  expect_error<ValueError>([&] { format_report(hand_multilabel(), two); },
                           {"format_report", "3 labels", "2 name(s)"});
  expect_error<ValueError>([&] { to_csv(hand_multilabel(), two); }, {"to_csv"});
}

TEST(MultiLabelReport, CsvRowsRoundTripAndLeaveUndefinedEmpty) {
  const auto m = hand_multilabel();
  const std::string csv = to_csv(m, kLabels);
  EXPECT_EQ(csv.rfind("metric,label,value\n", 0), 0u);
  EXPECT_NE(csv.find("\nroc_auc,dog,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nsupport,bird,2\n"), std::string::npos) << csv;
  const auto row = lines_starting_with(csv, "f1_micro,,");
  ASSERT_EQ(row.size(), 1u);
  // The shortest round-trip representation reads back exactly.
  EXPECT_EQ(std::stod(row[0].substr(std::string("f1_micro,,").size())), m.f1_micro);
  // Every row has three fields: 24 summary rows + 8 per label, plus the header.
  EXPECT_EQ(lines_starting_with(csv, "").size(), 1u + 24u + 8u * 3u);
}

TEST(MultiLabelReport, CsvQuotesNamesWithCommasAndQuotes) {
  const std::vector<std::string> odd = {"a,b", "say \"hi\"", "c"};
  const std::string csv = to_csv(hand_multilabel(), odd);
  EXPECT_NE(csv.find("\nf1,\"a,b\","), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nf1,\"say \"\"hi\"\"\","), std::string::npos) << csv;
}

TEST(MultiLabelReport, ThresholdsAreWrittenAsTheirShortestDecimal) {
  testing::MultiLabelHandCase c;
  const std::vector<float> thresholds = {0.3f, 0.5f, 0.65f};
  const auto m = multilabel_metrics(c.y_true, c.y_score, thresholds);
  const std::string csv = to_csv(m, kLabels);
  EXPECT_NE(csv.find("\nthreshold,cat,0.3\n"), std::string::npos) << csv;
  EXPECT_NE(lines_starting_with(format_report(m, kLabels), "bird ")[0].find("0.6500"),
            std::string::npos);
}

TEST(MultiClassReport, TableShowsConfusionMatrix) {
  const std::vector<std::string> names = {"red", "green", "blue"};
  const std::string table = format_report(hand_multiclass(), names);
  EXPECT_NE(table.find("confusion matrix (rows: true class"), std::string::npos) << table;
  // The confusion row of "blue" (true class 2): 1 0 1; its per-class row comes first.
  const auto blue = lines_starting_with(table, "blue ");
  ASSERT_EQ(blue.size(), 2u) << table;
  std::istringstream row(blue[1]);
  std::string name;
  int64_t a = -1, b = -1, c = -1;
  row >> name >> a >> b >> c;
  EXPECT_EQ(std::vector<int64_t>({a, b, c}), (std::vector<int64_t>{1, 0, 1})) << blue[1];
  EXPECT_NE(table.find("log loss"), std::string::npos);
}

TEST(MultiClassReport, Csv) {
  const auto m = hand_multiclass();
  const std::vector<std::string> names = {"red", "green", "blue"};
  const std::string csv = to_csv(m, names);
  EXPECT_NE(csv.find("\nconfusion_matrix,red->green,1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nconfusion_matrix,green->green,2\n"), std::string::npos) << csv;
  expect_error<ValueError>([&] { to_csv(m, std::vector<std::string>{"x"}); },
                           {"to_csv", "3 classes", "1 name(s)"});
}

TEST(Report, WritesFilesThatReadBack) {
  const fulcrum::testing::TempDir tmp;
  const std::filesystem::path& dir = tmp.path();
  const auto m = hand_multilabel();
  write_csv(dir / "eval.csv", m, kLabels);
  EXPECT_EQ(read_file(dir / "eval.csv"), to_csv(m, kLabels));
  const auto mc = hand_multiclass();
  write_csv(dir / "mc.csv", mc);
  EXPECT_EQ(read_file(dir / "mc.csv"), to_csv(mc));
  expect_error<Error>([&] { write_csv(dir / "missing" / "eval.csv", m); },
                      {"write_csv", "missing"});
}

}  // namespace
}  // namespace fulcrum::metrics
