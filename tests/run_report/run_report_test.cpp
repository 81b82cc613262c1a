// report.html of real (tiny) runs: written by the Trainer, its sections, its
// numbers against test_metrics.json, drawn again identically; and
// test_predictions.csv against the Predictor on the test split.
#include "fulcrum/train/run_report.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "fulcrum/config/loader.hpp"
#include "fulcrum/config/run_data.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/test_predictions.hpp"
#include "fulcrum/train/trainer.hpp"
#include "support/errors.hpp"
#include "support/markup_checks.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::train {
namespace {

namespace fs = std::filesystem;
using fulcrum::testing::count_of;
using fulcrum::testing::xml_problem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A multilabel head trained with pos_weight and a multiclass head, or (with
// no_validation) the multilabel head alone without a validation split.
std::string run_yaml(const fs::path& out, bool no_validation) {
  std::string yaml = fmt::format(
      "name: two_heads\nseed: 5\nthreads: 1\noutput_dir: {}\n"
      "data:\n  source: synthetic\n  synthetic:\n    samples: 400\n    features: 6\n"
      "    heads:\n      labels: {{kind: multilabel, frequencies: [0.5, 0.3, 0.15, 0.08]}}\n",
      out.string());
  if (!no_validation) yaml += "      rating: {kind: multiclass, frequencies: [0.2, 0.3, 0.5]}\n";
  yaml += fmt::format("  validation_fraction: {}\n  test_fraction: 0.3\n",
                      no_validation ? "0.0" : "0.2");
  yaml +=
      "model:\n  backbone: {sizes: [12]}\n  heads:\n"
      "    labels: {kind: multilabel, loss: {pos_weight: neg_over_pos}}\n";
  if (!no_validation) yaml += "    rating: {kind: multiclass}\n";
  yaml += "training:\n  epochs: 4\n  batch_size: 32\n  progress: false\n";
  return yaml;
}

fs::path train_run(const std::string& tag, bool no_validation) {
  const fs::path dir = fulcrum::testing::test_dir(tag);
  const fs::path out = dir / "run";
  Trainer trainer(config::parse_config(run_yaml(out, no_validation), (dir / "run.yaml").string()));
  trainer.fit();
  return out;
}

class RunReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { run_ = new fs::path(train_run("two_heads", false)); }
  static void TearDownTestSuite() { delete run_; }
  static const fs::path& run() { return *run_; }
  static nlohmann::json test_metrics() {
    return nlohmann::json::parse(read_file(RunPaths{run()}.test_metrics_json()));
  }

 private:
  static fs::path* run_;
};

fs::path* RunReport::run_ = nullptr;

TEST_F(RunReport, TheTrainerWritesAWellFormedSelfContainedPage) {
  const std::string page = read_file(RunPaths{run()}.report());
  ASSERT_FALSE(page.empty()) << "no report.html in " << run();
  EXPECT_EQ(xml_problem(page), "");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NOT_CONTAINS(page, "<script");
  EXPECT_NOT_CONTAINS(page, " src=");
  EXPECT_NOT_CONTAINS(page, " href=");
  // The only URL is the SVG namespace, one per chart.
  EXPECT_EQ(count_of(page, "http"), count_of(page, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_CONTAINS(page, "<h1>Run two_heads</h1>");
  EXPECT_CONTAINS(page, "fulcrum ");
  EXPECT_CONTAINS(page, "<summary>config.yaml</summary>");
  EXPECT_CONTAINS(page, "pos_weight: neg_over_pos");
}

TEST_F(RunReport, HasCurvesPerHeadAndLabelAndAConfusionMatrix) {
  const std::string page = read_file(RunPaths{run()}.report());
  const nlohmann::json metrics = test_metrics();
  const size_t ranked = metrics["heads"]["labels"]["ranked_labels"].size();
  ASSERT_GT(ranked, 0u);
  // Loss + validation per head (2), PR and ROC per ranked label, reliability.
  EXPECT_EQ(count_of(page, "<svg"), 1 + 2 + 2 * ranked + 1);
  EXPECT_CONTAINS(page, ">training loss</text>");
  EXPECT_CONTAINS(page, ">validation loss</text>");
  EXPECT_CONTAINS(page, ">Validation, head &#39;rating&#39;</text>");
  EXPECT_CONTAINS(page, "Head 'labels': multilabel, 4 labels");
  EXPECT_CONTAINS(page, "Head 'rating': multiclass, 3 classes");
  EXPECT_CONTAINS(page, ">raw sigmoid(z) (ECE ");
  EXPECT_CONTAINS(page, ">recalibrated sigmoid(z - log pos_weight) (ECE ");
  EXPECT_CONTAINS(page, "<h3>Confusion matrix</h3>");
  EXPECT_NOT_CONTAINS(page, "no validation split");
}

TEST_F(RunReport, TablesShowTheNumbersOfTestMetricsJson) {
  const std::string page = read_file(RunPaths{run()}.report());
  const nlohmann::json labels = test_metrics()["heads"]["labels"];
  const auto cell = [](const nlohmann::json& v) {
    return v.is_null() ? std::string("–") : fmt::format("{:.4f}", v.get<double>());
  };
  // Rows by support, most frequent first.
  std::vector<nlohmann::json> rows(labels["per_label"].begin(), labels["per_label"].end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a["support"].template get<int64_t>() > b["support"].template get<int64_t>();
  });
  size_t previous = 0;
  for (const nlohmann::json& row : rows) {
    const std::string expected = fmt::format(
        "<tr><td class=\"name\">{}</td><td>{}</td><td>{:.4g}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        row["label"].get<std::string>(), row["support"].get<int64_t>(),
        row["threshold"].get<double>(), cell(row["precision"]), cell(row["recall"]),
        cell(row["f1"]), cell(row["average_precision"]), cell(row["roc_auc"]));
    const size_t at = page.find(expected);
    EXPECT_NE(at, std::string::npos) << expected;
    EXPECT_GT(at, previous) << "not in order of support: " << expected;
    previous = at;
  }
  EXPECT_CONTAINS(page, "<td>" + cell(labels["f1_micro"]) + "</td><td>" + cell(labels["f1_macro"]));
  // The confusion matrix's counts, row by row.
  const nlohmann::json rating = test_metrics()["heads"]["rating"];
  const size_t begin = page.find("<h3>Confusion matrix</h3>");
  const size_t end = page.find("</table>", begin);
  const std::string matrix = page.substr(begin, end - begin);
  const std::regex count_cell(">([0-9]+)</td>");
  std::vector<int64_t> counts;
  for (auto it = std::sregex_iterator(matrix.begin(), matrix.end(), count_cell);
       it != std::sregex_iterator(); ++it) {
    counts.push_back(std::stoll((*it)[1]));
  }
  std::vector<int64_t> expected;
  for (const auto& row : rating["confusion_matrix"]) {
    for (const auto& value : row) expected.push_back(value.get<int64_t>());
  }
  EXPECT_EQ(counts, expected);
  EXPECT_CONTAINS(page, "<td>" + cell(rating["accuracy"]) + "</td><td>" +
                            cell(rating["balanced_accuracy"]) + "</td>");
}

TEST_F(RunReport, IsDrawnAgainIdenticallyFromTheRunsFiles) {
  const std::string written = read_file(RunPaths{run()}.report());
  EXPECT_EQ(render_run_report(run()), written);
  // Fewer curves on request: the two most frequent labels only.
  const std::string fewer = render_run_report(run(), {.curve_labels = 2});
  EXPECT_CONTAINS(fewer, "The 2 most frequent of the 4 labels");
  EXPECT_CONTAINS(fewer, ">label0 (AP ");
  EXPECT_CONTAINS(fewer, ">label1 (AP ");
  EXPECT_NOT_CONTAINS(fewer, ">label3 (AP ");
  EXPECT_CONTAINS(fewer, "<td class=\"name\">label3</td>");  // the table keeps every label
}

TEST_F(RunReport, TestPredictionsEqualThePredictorsOnTheTestSplit) {
  const RunPaths paths{run()};
  const Predictor predictor = Predictor::load(paths.best_checkpoint());
  const config::RunData data = config::load_run_data(*predictor.config());
  const Predictions expected = predictor.predict(data.test.features, {.raw = true});
  const TestPredictions written =
      read_test_predictions(paths.test_predictions(), predictor.card().heads);
  ASSERT_EQ(written.rows, data.test.size());
  const auto column = [&](const std::string& name) {
    const auto it = std::find(expected.columns.begin(), expected.columns.end(), name);
    EXPECT_NE(it, expected.columns.end()) << name;
    const auto c = it - expected.columns.begin();
    std::vector<float> values;
    const int64_t width = expected.values.size(1);
    for (int64_t i = 0; i < written.rows; ++i)
      values.push_back(expected.values.data()[i * width + c]);
    return values;
  };
  for (const HeadPredictions& head : written.heads) {
    const auto k = static_cast<int64_t>(head.labels.size());
    for (int64_t c = 0; c < k; ++c) {
      const std::string name = head.name + "." + head.labels[static_cast<size_t>(c)];
      std::vector<float> probabilities, decisions;
      for (int64_t i = 0; i < written.rows; ++i) {
        probabilities.push_back(head.probabilities.data()[i * k + c]);
        if (head.kind == TaskKind::MultiLabel)
          decisions.push_back(head.decisions.data()[i * k + c]);
      }
      EXPECT_EQ(probabilities, column(name)) << name;
      if (head.kind == TaskKind::MultiLabel) {
        EXPECT_EQ(decisions, column(name + ".pred")) << name;
      }
    }
    if (head.kind == TaskKind::MultiClass) {
      EXPECT_EQ(head.decisions.to_vector(), column(head.name + ".pred"));
    }
    EXPECT_EQ(head.truth.to_vector(), data.test.target(head.name).values.to_vector());
  }
}

TEST(RunReportWithoutValidation, SaysSoAndDrawsTheTrainingLoss) {
  const fs::path run = train_run("no_validation", true);
  const std::string page = read_file(RunPaths{run}.report());
  EXPECT_EQ(xml_problem(page), "");
  EXPECT_CONTAINS(page, "The run had no validation split");
  EXPECT_CONTAINS(page, ">training loss</text>");
  EXPECT_NOT_CONTAINS(page, ">validation loss</text>");
  EXPECT_NOT_CONTAINS(page, "Validation, head");
  EXPECT_NOT_CONTAINS(page, "Confusion matrix");
}

TEST(RunReportErrors, ADirectoryWithoutACheckpointIsNamed) {
  const fs::path dir = fulcrum::testing::test_dir("empty");
  fulcrum::testing::expect_error<Error>([&] { render_run_report(dir); },
                                        {dir.string().c_str(), "not the directory of a run"});
}

}  // namespace
}  // namespace fulcrum::train
