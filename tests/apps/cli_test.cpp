// `fulcrum train / eval / predict` as a user runs them: exit codes, what is
// printed, and the files a run leaves behind.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fulcrum/train/run_outputs.hpp"
#include "json_outputs.hpp"

namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("fulcrum_cli_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  /// Runs `fulcrum ARGS` in the test's directory, capturing stdout and stderr.
  CommandResult fulcrum(const std::string& args) const {
    const std::string command =
        "cd '" + dir_.string() + "' && '" FULCRUM_BIN "' " + args + " > stdout.txt 2> stderr.txt";
    const int status = std::system(command.c_str());
    CommandResult run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = read_file(dir_ / "stdout.txt");
    run.err = read_file(dir_ / "stderr.txt");
    return run;
  }

  static std::string quickstart() {
    // A path join rather than string + string: GCC 12 reports a false
    // -Warray-bounds on the latter at -O3.
    return (std::filesystem::path(FULCRUM_CONFIGS_DIR) / "quickstart.yaml").string();
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
};

#define EXPECT_CONTAINS(haystack, needle)                                                    \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "no \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

TEST_F(Cli, TrainsTheQuickstartConfigAndPrintsPerLabelMetrics) {
  const CommandResult run =
      fulcrum("train " + quickstart() + " --set training.epochs=2 --output-dir out");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The per-label table of the test split, one row per label.
  EXPECT_CONTAINS(run.out, "on the test split");
  EXPECT_CONTAINS(run.out, "precision");
  for (int l = 0; l < 5; ++l) EXPECT_CONTAINS(run.out, "\nlabel" + std::to_string(l) + " ");
  EXPECT_CONTAINS(run.out, "micro");
  // Logs go to stderr, not stdout; not a terminal, so no progress bar.
  EXPECT_CONTAINS(run.err, "epoch 2/2");
  EXPECT_EQ(run.out.find("epoch 1/2"), std::string::npos);
  EXPECT_EQ(run.err.find('\r'), std::string::npos);

  const fulcrum::train::RunPaths paths{dir_ / "out"};
  for (const auto& file :
       {paths.config(), paths.metrics_log(), paths.last_checkpoint(), paths.best_checkpoint(),
        paths.test_metrics_json(), paths.test_metrics_csv(), paths.summary()}) {
    EXPECT_TRUE(fs::exists(file)) << file;
  }
  EXPECT_EQ(fulcrum::train::read_metrics_log(paths.metrics_log()).size(), 2u);
  EXPECT_CONTAINS(read_file(paths.config()), "epochs: 2");
}

TEST_F(Cli, ResumeContinuesTheRun) {
  ASSERT_EQ(
      fulcrum("train " + quickstart() + " -q --set training.epochs=2 --output-dir out").exit_code,
      0);
  const CommandResult run =
      fulcrum("train " + quickstart() + " -q --set training.epochs=3 --output-dir out --resume");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto log = fulcrum::train::read_metrics_log(dir_ / "out" / "metrics.jsonl");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2]["epoch"], 3);
}

TEST_F(Cli, EvalAndPredictWithTheCheckpoint) {
  ASSERT_EQ(
      fulcrum("train " + quickstart() + " -q --set training.epochs=2 --output-dir out").exit_code,
      0);
  const CommandResult eval =
      fulcrum("eval " + quickstart() +
              " --checkpoint out/best.safetensors --split validation --json v.json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_CONTAINS(eval.out, "on the validation split");
  EXPECT_TRUE(fs::exists(dir_ / "v.json"));

  // Three rows of the quickstart's 20 features, by name, in another order.
  std::string csv;
  for (int f = 19; f >= 0; --f) csv += fmt::format("x{}{}", f, f ? "," : "\n");
  for (int r = 0; r < 3; ++r) {
    for (int f = 0; f < 20; ++f) csv += fmt::format("{}{}", 0.1 * (r - f % 3), f < 19 ? "," : "\n");
  }
  write("rows.csv", csv);
  const CommandResult predict = fulcrum(
      "predict --checkpoint out/best.safetensors --input rows.csv --output preds.csv --logits");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  std::ifstream in(dir_ / "preds.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("labels.label0,labels.label1,", 0), 0u) << header;
  EXPECT_CONTAINS(header, "labels.label4.pred");
  EXPECT_CONTAINS(header, "labels.label4.logit");
  int rows = 0;
  for (std::string line; std::getline(in, line);) ++rows;
  EXPECT_EQ(rows, 3);

  write("bad.csv", "x0,x1\n1,2\n");
  const CommandResult missing =
      fulcrum("predict --checkpoint out/best.safetensors --input bad.csv --output p.csv");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_CONTAINS(missing.err, "fulcrum: error: ");
  EXPECT_CONTAINS(missing.err, "missing feature columns x2, x3");
}

TEST_F(Cli, AConfigErrorExitsWithTwoNamingTheKey) {
  const CommandResult typo =
      fulcrum("train " + quickstart() + " --set training.epocs=2 --output-dir out");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_CONTAINS(typo.err, "fulcrum: error: ");
  EXPECT_CONTAINS(typo.err, "training.epocs");

  write("bad.yaml",
        "model:\n  heads:\n    labels: {kind: multilabel}\n  backbone:\n    dropout: 1.5\n"
        "data:\n  synthetic:\n    heads:\n      labels: {frequencies: [0.5]}\n");
  const CommandResult bad = fulcrum("train bad.yaml");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_CONTAINS(bad.err, "model.backbone.dropout");
  EXPECT_FALSE(fs::exists(dir_ / "runs"));

  const CommandResult no_file = fulcrum("train nope.yaml");
  EXPECT_EQ(no_file.exit_code, 2);
  EXPECT_CONTAINS(no_file.err, "nope.yaml");
}

TEST_F(Cli, AMissingDataFileExitsWithThree) {
  write("csv.yaml",
        "data:\n  source: csv\n  train: no_such_file.csv\n  targets:\n    labels: {last: 2}\n"
        "model:\n  heads:\n    labels: {kind: multilabel}\n");
  const CommandResult run = fulcrum("train csv.yaml");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_CONTAINS(run.err, "fulcrum: error: ");
  EXPECT_CONTAINS(run.err, "no_such_file.csv");
}

TEST_F(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(fulcrum("").exit_code, 2);
  EXPECT_EQ(fulcrum("fly").exit_code, 2);
  const CommandResult run = fulcrum("train " + quickstart() + " --epochs 3");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_CONTAINS(run.err, "fulcrum: error: ");
  EXPECT_EQ(fulcrum("predict --input x.csv --output y.csv").exit_code, 2);  // no --checkpoint
  EXPECT_EQ(fulcrum("eval " + quickstart() + " --checkpoint c --split dev").exit_code, 2);
  const CommandResult resume = fulcrum("train " + quickstart() + " --resume --output-dir empty");
  EXPECT_EQ(resume.exit_code, 2);
  EXPECT_CONTAINS(resume.err, "last.safetensors");
}

TEST_F(Cli, HelpOnEverySubcommandAndVersion) {
  for (const char* command : {"--help", "train --help", "eval --help", "predict --help"}) {
    const CommandResult run = fulcrum(command);
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_CONTAINS(run.out, "Usage");
  }
  EXPECT_CONTAINS(fulcrum("train --help").out, "--set");
  EXPECT_CONTAINS(fulcrum("predict --help").out, "--checkpoint");
  const CommandResult version = fulcrum("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_CONTAINS(version.out, "fulcrum ");
}

// The CSV as rows of named columns (a tiny reader: no quoted commas here).
std::vector<std::pair<std::string, std::vector<std::string>>> columns_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::pair<std::string, std::vector<std::string>>> columns;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) columns.push_back({name, {}});
  while (std::getline(in, line)) {
    std::stringstream row(line);
    size_t c = 0;
    for (std::string field; std::getline(row, field, ','); ++c)
      columns.at(c).second.push_back(field);
  }
  return columns;
}

TEST_F(Cli, PredictServesAModelTrainedFromCppObjects) {
  // A user's own program: a MultiHead, HeadLosses and an optimizer made in
  // C++, trained by the Trainer without any config.
  const std::string command =
      "cd '" + dir_.string() + "' && '" FULCRUM_HAND_BUILT_EXAMPLE "' hand > example.txt 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(dir_ / "example.txt");
  ASSERT_TRUE(fs::exists(dir_ / "hand" / "best.safetensors"));
  EXPECT_FALSE(fs::exists(dir_ / "hand" / "config.yaml")) << "there was no config to write";

  const CommandResult predict = fulcrum(
      "predict --checkpoint hand/best.safetensors --input hand/test_rows.csv --output p.csv");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const auto served = columns_of(dir_ / "p.csv");
  const auto own = columns_of(dir_ / "hand" / "in_process.csv");
  ASSERT_EQ(served.size(), own.size());
  int compared = 0;
  for (size_t c = 0; c < served.size(); ++c) {
    ASSERT_EQ(served[c].first, own[c].first);
    ASSERT_EQ(served[c].second.size(), 240u);
    if (served[c].first.ends_with(".pred")) continue;  // rating.pred is a class name in the CSV
    for (size_t i = 0; i < served[c].second.size(); ++i) {
      EXPECT_NEAR(std::stod(served[c].second[i]), std::stod(own[c].second[i]), 1e-6)
          << served[c].first << " row " << i;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 240 * 7);  // 4 tag and 3 rating probabilities per row

  // No config in the checkpoint: eval needs one for the data, and says so.
  const CommandResult eval = fulcrum("eval --checkpoint hand/best.safetensors");
  EXPECT_EQ(eval.exit_code, 2);
  EXPECT_CONTAINS(eval.err, "without a run config");
}

TEST_F(Cli, EvalWithoutAConfigUsesTheStoredOneAndReproducesTheTestMetrics) {
  ASSERT_EQ(
      fulcrum("train " + quickstart() + " -q --set training.epochs=2 --output-dir out").exit_code,
      0);
  const CommandResult eval = fulcrum("eval --checkpoint out/best.safetensors --json t.json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto trained = nlohmann::json::parse(read_file(dir_ / "out" / "test_metrics.json"));
  const auto evaluated = nlohmann::json::parse(read_file(dir_ / "t.json"));
  EXPECT_EQ(evaluated["samples"], trained["samples"]);
  for (const char* metric : {"f1_micro", "f1_macro", "roc_auc_macro", "hamming_loss", "loss"}) {
    EXPECT_EQ(evaluated["heads"]["labels"][metric], trained["heads"]["labels"][metric]) << metric;
  }
  EXPECT_EQ(evaluated["loss"], trained["loss"]);
}

}  // namespace
