// `fulcrum experiment` on a config with a `datasets` list: each data set's own
// experiment in its folder, then the report over data sets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using fulcrum::testing::read_file;

// A synthetic base of 300 rows, 2 epochs: a fraction of a second per run.
std::string tiny_base(double frequency) {
  std::ostringstream yaml;
  yaml << "seed: 0\nthreads: 1\n"
          "data:\n  synthetic:\n    samples: 300\n    features: 6\n    heads:\n"
          "      labels:\n        kind: multilabel\n        frequencies: [0.5, 0.2, "
       << frequency
       << "]\n"
          "model:\n  backbone:\n    sizes: [8]\n  heads:\n    labels:\n      kind: multilabel\n"
          "training:\n  epochs: 2\n  batch_size: 32\n  progress: false\n";
  return yaml.str();
}

#define EXPECT_CONTAINS(haystack, needle)                                                    \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "no \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

TEST(DatasetExperimentCli, RunsEachDataSetThenReportsRanksOverThem) {
  const fs::path dir = fulcrum::testing::test_dir("datasets");
  std::ofstream(dir / "a.yaml") << tiny_base(0.1);
  std::ofstream(dir / "b.yaml") << tiny_base(0.05);
  std::ofstream(dir / "exp.yaml")
      << "output_dir: out\nseeds: [0, 1]\nparallel: 2\n"
         "datasets:\n  - {name: first, base: a.yaml}\n"
         "  - {name: second, base: b.yaml, set: [training.epochs=1]}\n"
         "strategies:\n  - {name: plain, set: []}\n"
         "  - {name: weighted, set: [model.heads.labels.loss.pos_weight=neg_over_pos]}\n";
  const fulcrum::testing::CommandResult experiment =
      fulcrum::testing::run_fulcrum(dir, "experiment exp.yaml --quiet");
  ASSERT_EQ(experiment.exit_code, 0) << experiment.err;

  for (const char* dataset : {"first", "second"}) {
    for (const char* run : {"plain/seed0", "plain/seed1", "weighted/seed0", "weighted/seed1"}) {
      EXPECT_TRUE(fs::exists(dir / "out" / dataset / "runs" / run / "test_metrics.json"))
          << dataset << "/" << run;
    }
    EXPECT_TRUE(fs::exists(dir / "out" / dataset / "summary.md")) << dataset;
  }
  const std::string summary = read_file(dir / "out" / "summary.md");
  EXPECT_CONTAINS(summary, "# Experiment exp over 2 data sets");
  EXPECT_CONTAINS(summary, "| strategy | first | second | average rank |");
  EXPECT_CONTAINS(summary, "Friedman's test (k = 2 strategies, N = 2 data sets)");
  EXPECT_TRUE(fs::exists(dir / "out" / "plots" / "cd_f1_macro.svg"));
  EXPECT_TRUE(fs::exists(dir / "out" / "ranks.csv"));
  EXPECT_CONTAINS(experiment.out, "report over data sets:");
  EXPECT_CONTAINS(experiment.out, "## macro-F1 (higher is better)");

  // A second invocation finds every run finished and only rewrites the reports.
  EXPECT_EQ(fulcrum::testing::run_fulcrum(dir, "experiment exp.yaml --quiet").exit_code, 0);
  EXPECT_EQ(read_file(dir / "out" / "summary.md"), summary);
}

}  // namespace
