// The report over data sets, on fabricated run results: the comparison
// tables, average ranks and tests per metric, data sets left out when a
// strategy has no value, and the files written.
#include "fulcrum/experiment/multi_dataset_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "experiment_test_util.hpp"

namespace fulcrum::experiment {
namespace {

using testing::read_file;

// One run: the trainer's evaluation of head "labels" with these metrics, and a
// recalibrated variant that must not count.
RunResults run(const std::string& strategy, uint64_t seed, double macro_f1, double hamming) {
  RunResults result;
  result.strategy = strategy;
  result.seed = seed;
  HeadMetrics head;
  head.head = "labels";
  head.scalars = {{"f1_macro", macro_f1},
                  {"f1_micro", macro_f1 + 0.1},
                  {"average_precision_macro", std::nullopt},
                  {"hamming_loss", hamming}};
  result.evaluations.push_back({"", {head}});
  HeadMetrics recalibrated = head;
  recalibrated.scalars[0].second = 0.99;
  result.evaluations.push_back({kRecalibratedVariant, {recalibrated}});
  return result;
}

// Three strategies on four data sets, two seeds each. "b" is best on every
// data set by macro-F1 and "c" worst; by Hamming loss "a" is best.
std::vector<DatasetRuns> fabricated() {
  std::vector<DatasetRuns> datasets;
  for (int d = 0; d < 4; ++d) {
    DatasetRuns dataset{"set" + std::to_string(d), {}};
    const double shift = 0.01 * d;
    for (uint64_t seed : {0, 1}) {
      const double noise = seed == 0 ? -0.005 : 0.005;
      dataset.runs.push_back(run("a", seed, 0.50 + shift + noise, 0.10));
      dataset.runs.push_back(run("b", seed, 0.60 + shift + noise, 0.20));
      dataset.runs.push_back(run("c", seed, 0.40 + shift + noise, 0.30));
    }
    datasets.push_back(std::move(dataset));
  }
  return datasets;
}

const RankedMetric kMacroF1{"f1_macro", "macro-F1", true};
const RankedMetric kHamming{"hamming_loss", "Hamming loss", false};

TEST(CompareOverDatasets, RanksTheMeansOverSeedsOfTheTrainersEvaluation) {
  const RankComparison c = compare_over_datasets(fabricated(), kMacroF1);
  EXPECT_EQ(c.strategies, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.ranked_datasets, (std::vector<std::string>{"set0", "set1", "set2", "set3"}));
  EXPECT_TRUE(c.left_out.empty());
  ASSERT_EQ(c.scores.size(), 4u);
  EXPECT_NEAR(c.scores[2][0], 0.52, 1e-12);  // the recalibrated 0.99 is not used
  EXPECT_EQ(c.cells[0][1], "0.6000 ± 0.0071");
  EXPECT_EQ(c.average_ranks, (std::vector<double>{2, 1, 3}));
  ASSERT_TRUE(c.friedman && c.nemenyi);
  // The same ranking on every data set: chi2 = N (k - 1) = 8.
  EXPECT_NEAR(c.friedman->chi_square, 8.0, 1e-12);
  EXPECT_EQ(c.friedman->iman_davenport_p, 0.0);
  EXPECT_EQ(c.nemenyi->datasets, 4);
  EXPECT_EQ(c.nemenyi->methods, 3);

  const RankComparison hamming = compare_over_datasets(fabricated(), kHamming);
  EXPECT_EQ(hamming.average_ranks, (std::vector<double>{1, 2, 3}));
}

TEST(CompareOverDatasets, LeavesOutDataSetsWhereAStrategyHasNoValue) {
  std::vector<DatasetRuns> datasets = fabricated();
  // "c" failed on set1; nobody has a macro AP anywhere.
  auto& runs = datasets[1].runs;
  runs.erase(std::remove_if(runs.begin(), runs.end(),
                            [](const RunResults& r) { return r.strategy == "c"; }),
             runs.end());
  const RankComparison c = compare_over_datasets(datasets, kMacroF1);
  EXPECT_EQ(c.left_out, std::vector<std::string>{"set1"});
  EXPECT_EQ(c.ranked_datasets.size(), 3u);
  ASSERT_TRUE(c.friedman);
  EXPECT_EQ(c.friedman->datasets, 3);

  const RankComparison ap =
      compare_over_datasets(datasets, {"average_precision_macro", "macro AP", true});
  EXPECT_TRUE(ap.ranked_datasets.empty());
  EXPECT_EQ(ap.left_out.size(), 4u);
  EXPECT_TRUE(ap.average_ranks.empty());
  EXPECT_FALSE(ap.friedman);
}

TEST(CompareOverDatasets, OneDataSetHasRanksButNoTest) {
  std::vector<DatasetRuns> datasets = fabricated();
  datasets.resize(1);
  const RankComparison c = compare_over_datasets(datasets, kMacroF1);
  EXPECT_EQ(c.average_ranks, (std::vector<double>{2, 1, 3}));
  EXPECT_FALSE(c.friedman);
  EXPECT_FALSE(c.nemenyi);
}

TEST(MultiDatasetReport, WritesTheTablesTestsDiagramsAndRanks) {
  const auto dir = testing::fresh_dir();
  const MultiDatasetContext context{"bench", {0, 1}, {"Run c seed 1 on set9 FAILED."}};
  write_multi_dataset_report(context, fabricated(), dir);
  const std::string md = read_file(dir / "summary.md");
  EXPECT_CONTAINS(md, "# Experiment bench over 4 data sets");
  EXPECT_CONTAINS(md, "Run c seed 1 on set9 FAILED.");
  EXPECT_CONTAINS(md, "## macro-F1 (higher is better)");
  EXPECT_CONTAINS(md, "## Hamming loss (lower is better)");
  EXPECT_CONTAINS(md, "| strategy | set0 | set1 | set2 | set3 | average rank |");
  EXPECT_CONTAINS(md, "| b | **0.6000 ± 0.0071** |");
  EXPECT_CONTAINS(md, "| **1.00** |");
  EXPECT_CONTAINS(md, "chi-square_F = 8.000 (df 2)");
  EXPECT_CONTAINS(md, "Iman-Davenport F_F = inf (df 2, 6), p = 0.00e+00");
  EXPECT_CONTAINS(md, "Demšar");
  EXPECT_CONTAINS(md, "![Critical-difference diagram, macro-F1](plots/cd_f1_macro.svg)");
  // Macro AP has no value anywhere: said, and no diagram.
  EXPECT_CONTAINS(md, "No data set on which every strategy has a value.");
  EXPECT_FALSE(std::filesystem::exists(dir / "plots" / "cd_average_precision_macro.svg"));

  const std::string svg = read_file(dir / "plots" / "cd_f1_macro.svg");
  EXPECT_EQ(testing::xml_problem(svg), "");
  EXPECT_CONTAINS(svg, ">b (1.00)<");
  const std::string html = read_file(dir / "index.html");
  EXPECT_EQ(testing::xml_problem(html), "");
  EXPECT_CONTAINS(html, "<img src=\"plots/cd_hamming_loss.svg\"");

  const std::vector<std::string> csv = testing::lines_of(read_file(dir / "ranks.csv"));
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv[0], "metric,strategy,dataset,mean,rank");
  // 4 data sets x 3 strategies for each of the three metrics that have values.
  EXPECT_EQ(csv.size(), 1u + 3 * 12);
  EXPECT_NE(std::find_if(csv.begin(), csv.end(),
                         [](const std::string& line) {
                           return line.rfind("f1_macro,b,set0,0.6", 0) == 0 &&
                                  line.substr(line.size() - 2) == ",1";
                         }),
            csv.end());
}

}  // namespace
}  // namespace fulcrum::experiment
