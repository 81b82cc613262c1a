// The JSON form of the metrics (what test_metrics.json holds): names, null for
// undefined values, shortest decimals for thresholds, files that read back.

#include "fulcrum/train/metrics_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/metrics.hpp"
#include "json_outputs.hpp"
#include "metrics/expect_error.hpp"
#include "metrics/hand_cases.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::train {
namespace {

using metrics::testing::expect_error;

const std::vector<std::string> kLabels = {"cat", "dog", "bird"};

metrics::MultiLabelMetrics hand_multilabel() {
  metrics::testing::MultiLabelHandCase c;
  return metrics::multilabel_metrics(c.y_true, c.y_score, 0.5f);
}

metrics::MultiClassMetrics hand_multiclass() {
  metrics::testing::MultiClassHandCase c;
  return metrics::multiclass_metrics(c.y_true, c.y_prob);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(MetricsJson, DefaultNamesAreIndices) {
  EXPECT_EQ(to_json(hand_multilabel())["labels"], nlohmann::json({"0", "1", "2"}));
}

TEST(MetricsJson, WrongNumberOfNamesThrows) {
  const std::vector<std::string> two = {"a", "b"};
  expect_error<ValueError>([&] { to_json(hand_multilabel(), two); }, {"to_json"});
}

TEST(MetricsJson, MultiLabelHasNullForUndefined) {
  const auto m = hand_multilabel();
  const auto j = to_json(m, kLabels);
  EXPECT_EQ(j["task"], "multilabel");
  EXPECT_EQ(j["n_labels"], 3);
  EXPECT_EQ(j["ranked_labels"], nlohmann::json({"cat", "bird"}));
  ASSERT_EQ(j["per_label"].size(), 3u);
  EXPECT_EQ(j["per_label"][1]["label"], "dog");
  EXPECT_TRUE(j["per_label"][1]["roc_auc"].is_null());
  EXPECT_TRUE(j["per_label"][1]["average_precision"].is_null());
  EXPECT_EQ(j["per_label"][0]["roc_auc"].get<double>(), *m.roc_auc[0]);
  EXPECT_EQ(j["per_label"][2]["support"], 2);
  EXPECT_EQ(j["f1_samples"].get<double>(), m.f1_samples);
  EXPECT_EQ(j["roc_auc_macro"].get<double>(), *m.roc_auc_macro);
  EXPECT_EQ(j["expected_calibration_error"].get<double>(), m.expected_calibration_error);
}

TEST(MetricsJson, ThresholdsAreWrittenAsTheirShortestDecimal) {
  metrics::testing::MultiLabelHandCase c;
  const std::vector<float> thresholds = {0.3f, 0.5f, 0.65f};
  const auto m = metrics::multilabel_metrics(c.y_true, c.y_score, thresholds);
  const auto j = to_json(m, kLabels);
  EXPECT_EQ(j["per_label"][0]["threshold"].get<double>(), 0.3);
  EXPECT_EQ(j["per_label"][2]["threshold"].get<double>(), 0.65);
}

TEST(MetricsJson, MultiClass) {
  const auto m = hand_multiclass();
  const std::vector<std::string> names = {"red", "green", "blue"};
  const auto j = to_json(m, names);
  EXPECT_EQ(j["task"], "multiclass");
  EXPECT_EQ(j["confusion_matrix"], nlohmann::json({{1, 1, 0}, {0, 2, 0}, {1, 0, 1}}));
  EXPECT_EQ(j["per_class"][1]["class"], "green");
  EXPECT_EQ(j["per_class"][1]["f1"].get<double>(), m.f1_per_class[1]);
  EXPECT_EQ(j["log_loss"].get<double>(), m.log_loss);
}

TEST(MetricsJson, StringFormIsTheSameObject) {
  const auto m = hand_multilabel();
  EXPECT_EQ(nlohmann::json::parse(to_json_string(m, kLabels)), to_json(m, kLabels));
  EXPECT_EQ(to_json_string(m, kLabels, -1).find('\n'), std::string::npos);
}

TEST(MetricsJson, WritesFilesThatReadBack) {
  const fulcrum::testing::TempDir tmp;
  const std::filesystem::path& dir = tmp.path();
  const auto m = hand_multilabel();
  write_json(dir / "eval.json", m, kLabels);
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "eval.json")), to_json(m, kLabels));
  const auto mc = hand_multiclass();
  write_json(dir / "mc.json", mc);
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "mc.json")), to_json(mc));
  expect_error<Error>([&] { write_json(dir / "missing" / "eval.json", m); },
                      {"cannot write", "missing"});
}

}  // namespace
}  // namespace fulcrum::train
