// `fulcrum report RUN_DIR` as a user runs it: it draws the report.html that
// `fulcrum train` wrote again, byte for byte, and refuses what is not a run.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/command.hpp"
#include "support/markup_checks.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using fulcrum::testing::CommandResult;
using fulcrum::testing::read_file;

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fulcrum::testing::test_dir("report_cli"); }

  CommandResult fulcrum(const std::string& args) const {
    return fulcrum::testing::run_fulcrum(dir_, args);
  }

  // Two heads, a multilabel one and a multiclass one, trained in a moment.
  void train_tiny() const {
    std::ofstream(dir_ / "tiny.yaml")
        << "name: tiny\nseed: 2\nthreads: 1\n"
           "data:\n  synthetic:\n    samples: 300\n    features: 5\n    heads:\n"
           "      tags: {kind: multilabel, frequencies: [0.4, 0.2, 0.1]}\n"
           "      grade: {kind: multiclass, frequencies: [0.3, 0.7]}\n"
           "model:\n  backbone: {sizes: [8]}\n  heads:\n"
           "    tags: {kind: multilabel}\n    grade: {kind: multiclass}\n"
           "training:\n  epochs: 3\n  batch_size: 32\n";
    const CommandResult run = fulcrum("train tiny.yaml --output-dir run -q");
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  fs::path dir_;
};

TEST_F(ReportCli, DrawsTheReportTrainWroteAgain) {
  train_tiny();
  const fs::path page = dir_ / "run" / "report.html";
  const std::string written = read_file(page);
  ASSERT_NE(written.find("<h1>Run tiny</h1>"), std::string::npos) << written;
  ASSERT_TRUE(fs::exists(dir_ / "run" / "test_predictions.csv"));
  fs::remove(page);
  const CommandResult report = fulcrum("report run");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(report.out, "run/report.html\n");
  EXPECT_EQ(read_file(page), written);
  EXPECT_EQ(fulcrum::testing::xml_problem(written), "");
}

TEST_F(ReportCli, RefusesWhatIsNotARunDirectory) {
  const CommandResult missing = fulcrum("report no_such_dir");
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_CONTAINS(missing.err, "no_such_dir");
  fs::create_directories(dir_ / "empty");
  const CommandResult empty = fulcrum("report empty");
  EXPECT_EQ(empty.exit_code, 1) << empty.err;
  EXPECT_CONTAINS(empty.err, "'empty' holds no best.safetensors or last.safetensors");
  const CommandResult zero = fulcrum("report empty --curve-labels 0");
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
  EXPECT_CONTAINS(zero.err, "--curve-labels");
}

}  // namespace
