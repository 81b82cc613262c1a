// The report writers on fabricated run outputs: exact results.csv rows,
// mean ± std over seeds, the markdown table layout, well-formed SVG and HTML.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "experiment_test_util.hpp"
#include "fulcrum/train/build_info.hpp"
#include "fulcrum/experiment/report.hpp"
#include "fulcrum/experiment/significance.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

using nlohmann::json;
using testing::count_of;
using testing::fresh_dir;
using testing::lines_of;
using testing::read_file;
using testing::write_file;

json or_null(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

// A multilabel head's metrics as report.hpp's to_json writes them (the keys
// the report reads), for labels a and b.
struct Fake {
  double micro, macro;
  std::optional<double> auc, ap;
  double hamming, ece;
  double f1_a, f1_b;
  int support_b = 1;
};

json head_json(const Fake& f, const std::string& label_b = "b") {
  return {{"task", "multilabel"},
          {"n_samples", 10},
          {"n_labels", 2},
          {"labels", {"a", label_b}},
          {"f1_micro", f.micro},
          {"f1_macro", f.macro},
          {"hamming_loss", f.hamming},
          {"roc_auc_macro", or_null(f.auc)},
          {"average_precision_macro", or_null(f.ap)},
          {"expected_calibration_error", f.ece},
          {"loss", 0.4},
          {"ranked_labels", {"a"}},
          {"per_label",
           {{{"label", "a"},
             {"threshold", 0.5},
             {"support", 4},
             {"precision", 0.6},
             {"recall", 0.5},
             {"f1", f.f1_a},
             {"roc_auc", 0.8}},
            {{"label", label_b},
             {"threshold", 0.5},
             {"support", f.support_b},
             {"precision", 0.0},
             {"recall", 0.0},
             {"f1", f.f1_b},
             {"roc_auc", nullptr}}}}};
}

// The validation macro-F1 of each strategy's tested (last) epoch: "plain"
// is better on validation, though "weighted (tuned thresholds)" is better on test.
double validation_f1(const std::string& strategy) { return strategy == "plain" ? 0.45 : 0.4; }

ExperimentRun fake_run(const std::filesystem::path& root, const std::string& strategy,
                       uint64_t seed, const Fake& fake, const std::optional<Fake>& tuned = {},
                       const json& reliability = json::array(),
                       const json& pr_counts = json::array()) {
  ExperimentRun run{strategy, seed, root / strategy / ("seed" + std::to_string(seed)), {}};
  // Label b occurs twice as often as a in the training split.
  write_file(run.dir / "summary.json",
             json{{"epochs", 2},
                  {"epochs_completed", 2},
                  {"best_epoch", 1},
                  {"seconds", 1.5 + static_cast<double>(seed)},
                  {"heads", {{{"name", "labels"}, {"train_counts", {30, 60}}}}},
                  {"config", {{"training", {{"final_model", "last"}}}}}}
                 .dump());
  write_file(run.dir / "test_metrics.json", json{{"split", "test"},
                                                 {"samples", 10},
                                                 {"loss", 0.4},
                                                 {"heads", {{"labels", head_json(fake)}}}}
                                                .dump(2));
  if (tuned || !reliability.empty() || !pr_counts.empty()) {
    json variants = json::array();
    if (tuned) {
      variants.push_back(
          {{"name", "tuned thresholds"}, {"heads", {{"labels", head_json(*tuned)}}}});
    }
    write_file(variants_path(run.dir), json{{"split", "test"},
                                            {"variants", variants},
                                            {"reliability", reliability},
                                            {"pr_counts", pr_counts}}
                                           .dump());
  }
  const double s = static_cast<double>(seed);
  write_file(run.dir / "metrics.jsonl",
             json{{"epoch", 1},
                  {"train_loss", 1.2},
                  {"validation", {{"loss", 1.0 - 0.2 * s}, {"labels.f1_macro", 0.3}}}}
                     .dump() +
                 "\n" +
                 json{{"epoch", 2},
                      {"train_loss", 1.0},
                      {"validation",
                       {{"loss", 0.9 - 0.2 * s}, {"labels.f1_macro", validation_f1(strategy)}}}}
                     .dump() +
                 "\n");
  return run;
}

json bins(const std::string& variant, std::vector<double> count, std::vector<double> sum,
          std::vector<double> positives) {
  // Label a holds the first two bins' values, label b the last's.
  const json label_a = {{"count", {count[0], count[1], 0}},
                        {"sum_predicted", {sum[0], sum[1], 0}},
                        {"positives", {positives[0], positives[1], 0}}};
  const json label_b = {{"count", {0, 0, count[2]}},
                        {"sum_predicted", {0, 0, sum[2]}},
                        {"positives", {0, 0, positives[2]}}};
  return {{"variant", variant},
          {"head", "labels"},
          {"bins", 3},
          {"count", count},
          {"sum_predicted", sum},
          {"positives", positives},
          {"per_label", {label_a, label_b}}};
}

// Precision-recall counts at 3 thresholds (0, 0.5, 1) of labels a and b.
json pr(double tp_a_half, double tp_b_half) {
  return json::array({{{"variant", "raw"},
                       {"head", "labels"},
                       {"thresholds", 3},
                       {"per_label",
                        {{{"positives", 4}, {"tp", {4, tp_a_half, 0}}, {"fp", {6, 1, 0}}},
                         {{"positives", 2}, {"tp", {2, tp_b_half, 0}}, {"fp", {8, 2, 0}}}}}}});
}

// Two strategies x two seeds; "weighted" also has a tuned-thresholds variant
// and reliability bins.
std::vector<RunResults> fabricated(const std::filesystem::path& root) {
  std::vector<ExperimentRun> runs{
      fake_run(root, "plain", 0, {0.6, 0.5, 0.8, 0.7, 0.2, 0.05, 0.55, 0.0}, std::nullopt,
               json::array({bins("raw", {1, 0, 1}, {0.1, 0, 0.9}, {0, 0, 1})})),
      fake_run(root, "plain", 1, {0.6, 0.7, std::nullopt, 0.5, 0.1, 0.15, 0.45, 0.2, 2}),
      fake_run(root, "weighted", 0, {0.5, 0.55, 0.9, std::nullopt, 0.3, 0.2, 0.6, 0.5},
               Fake{0.7, 0.75, 0.9, std::nullopt, 0.25, 0.2, 0.8, 0.7},
               json::array({bins("raw", {2, 0, 2}, {0.2, 0, 1.6}, {0, 0, 2})}), pr(3, 1)),
      fake_run(root, "weighted", 1, {0.7, 0.65, 0.7, std::nullopt, 0.3, 0.3, 0.7, 0.6},
               Fake{0.7, 0.85, 0.7, std::nullopt, 0.15, 0.3, 0.9, 0.8},
               json::array({bins("raw", {1, 1, 0}, {0.1, 0.5, 0}, {1, 0, 0})}), pr(1, 1))};
  std::vector<RunResults> results;
  for (const ExperimentRun& run : runs) results.push_back(read_run_results(run));
  return results;
}

TEST(ExperimentMeanStd, SampleStandardDeviationAndUndefinedValues) {
  const MeanStd two = mean_std({0.5, 0.7});
  EXPECT_EQ(two.n, 2);
  EXPECT_NEAR(*two.mean, 0.6, 1e-15);
  EXPECT_NEAR(*two.std, std::sqrt(0.02), 1e-15);  // n - 1 in the denominator
  EXPECT_EQ(format_mean_std(two), "0.6000 ± 0.1414");
  EXPECT_EQ(format_mean_std(mean_std({0.25})), "0.2500 ± n/a");
  EXPECT_EQ(format_mean_std(mean_std({})), "n/a");
  EXPECT_EQ(format_mean_std(mean_std({1, 2, 3, 4}), 2), "2.50 ± 1.29");
}

TEST(ExperimentResults, ReadsEveryEvaluationReliabilityAndEpoch) {
  const auto results = fabricated(fresh_dir());
  ASSERT_EQ(results.size(), 4u);
  const RunResults& weighted = results[2];
  ASSERT_EQ(weighted.evaluations.size(), 2u);
  EXPECT_EQ(weighted.evaluations[1].variant, "tuned thresholds");
  const HeadMetrics& head = weighted.evaluations[0].heads.at(0);
  EXPECT_EQ(head.kind, TaskKind::MultiLabel);
  EXPECT_EQ(head.labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(head.scalar("f1_macro"), 0.55);
  EXPECT_EQ(head.scalar("average_precision_macro"), std::nullopt);
  ASSERT_NE(head.label_metric("roc_auc"), nullptr);
  EXPECT_EQ((*head.label_metric("roc_auc"))[1], std::nullopt);
  ASSERT_EQ(weighted.reliability.size(), 1u);
  EXPECT_EQ(weighted.reliability[0].variant, "");  // "raw": the trainer's probabilities
  EXPECT_EQ(weighted.reliability[0].bins.count, (std::vector<double>{2, 0, 2}));
  ASSERT_EQ(weighted.reliability[0].per_label.size(), 2u);
  EXPECT_EQ(weighted.reliability[0].per_label[1].count, (std::vector<double>{0, 0, 2}));
  ASSERT_EQ(weighted.pr.size(), 1u);
  ASSERT_EQ(weighted.pr[0].per_label.size(), 2u);
  EXPECT_EQ(weighted.pr[0].per_label[0].thresholds, 3);
  EXPECT_EQ(weighted.pr[0].per_label[0].tp, (std::vector<double>{4, 3, 0}));
  EXPECT_EQ(weighted.pr[0].per_label[1].positives, 2);
  ASSERT_EQ(weighted.epochs.size(), 2u);
  EXPECT_EQ(weighted.epochs[1].epoch, 2);
  // summary.json: the time, the tested epoch (the last: final_model last)
  // and the training split's label counts.
  EXPECT_EQ(weighted.seconds, 1.5);
  EXPECT_EQ(weighted.tested_epoch, 2);
  EXPECT_EQ(weighted.tested_validation("labels.f1_macro"), 0.4);
  EXPECT_EQ(weighted.tested_validation("labels.nope"), std::nullopt);
  ASSERT_EQ(weighted.train_counts.size(), 1u);
  EXPECT_EQ(weighted.train_counts[0].second, (std::vector<double>{30, 60}));
  EXPECT_EQ(results[1].evaluations.size(), 1u);  // no test_variants.json
}

TEST(ExperimentResults, AMalformedSummaryNamesTheFile) {
  const auto dir = fresh_dir();
  const ExperimentRun run = fake_run(dir, "s", 0, {});
  write_file(run.dir / "summary.json",
             json{{"best_epoch", 1}, {"config", {{"training", "last"}}}}.dump());
  fulcrum::testing::expect_error<Error>([&] { read_run_results(run); },
                                        {"summary.json", "unexpected content"});
}

TEST(ExperimentResults, MalformedPrCountsNameTheFile) {
  const auto dir = fresh_dir();
  const ExperimentRun run =
      fake_run(dir, "s", 0, {}, std::nullopt, json::array(),
               json::array({{{"head", "labels"},
                             {"thresholds", 3},
                             {"per_label", {{{"tp", {1, 0}}, {"fp", {1, 0}}}}}}}));
  fulcrum::testing::expect_error<Error>([&] { read_run_results(run); },
                                        {"test_variants.json", "do not have 3 thresholds"});
}

TEST(ExperimentResults, HeadsFollowTheSummaryOrder) {
  const auto dir = fresh_dir();
  const ExperimentRun run{"s", 0, dir, {}};
  write_file(dir / "test_metrics.json",
             json{{"heads", {{"alpha", head_json({})}, {"zeta", head_json({})}}}}.dump());
  write_file(dir / "summary.json",
             json{{"heads", {{{"name", "zeta"}}, {{"name", "alpha"}}}}}.dump());
  const RunResults results = read_run_results(run);
  ASSERT_EQ(results.evaluations[0].heads.size(), 2u);
  EXPECT_EQ(results.evaluations[0].heads[0].head, "zeta");
  EXPECT_EQ(results.evaluations[0].heads[1].head, "alpha");
}

TEST(ExperimentResults, MalformedFilesNameTheFile) {
  const auto dir = fresh_dir();
  const ExperimentRun run{"s", 0, dir, {}};
  fulcrum::testing::expect_error<Error>([&] { read_run_results(run); },
                                        {"cannot read", "test_metrics.json"});
  write_file(dir / "test_metrics.json", "{not json");
  try {
    read_run_results(run);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), "test_metrics.json");
    EXPECT_CONTAINS(e.what(), "not valid JSON");
  }
}

TEST(ExperimentResultsCsv, OneRowPerRunEvaluationAndMetric) {
  const auto results = fabricated(fresh_dir());
  const std::vector<std::string> lines = lines_of(results_csv(results));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "strategy,seed,head,metric,label,value");
  const std::vector<std::string> first_run{"plain,0,labels,loss,,0.4",
                                           "plain,0,labels,f1_micro,,0.6",
                                           "plain,0,labels,f1_macro,,0.5",
                                           "plain,0,labels,hamming_loss,,0.2",
                                           "plain,0,labels,roc_auc_macro,,0.8",
                                           "plain,0,labels,average_precision_macro,,0.7",
                                           "plain,0,labels,expected_calibration_error,,0.05",
                                           "plain,0,labels,n_labels,,2",
                                           "plain,0,labels,n_samples,,10",
                                           "plain,0,labels,threshold,a,0.5",
                                           "plain,0,labels,support,a,4",
                                           "plain,0,labels,precision,a,0.6",
                                           "plain,0,labels,recall,a,0.5",
                                           "plain,0,labels,f1,a,0.55",
                                           "plain,0,labels,roc_auc,a,0.8",
                                           "plain,0,labels,threshold,b,0.5",
                                           "plain,0,labels,support,b,1",
                                           "plain,0,labels,precision,b,0",
                                           "plain,0,labels,recall,b,0",
                                           "plain,0,labels,f1,b,0",
                                           "plain,0,labels,roc_auc,b,"};
  ASSERT_GE(lines.size(), 1 + first_run.size());
  for (size_t i = 0; i < first_run.size(); ++i) EXPECT_EQ(lines[1 + i], first_run[i]);
  // 6 evaluations (4 runs + 2 tuned variants) of 21 rows each.
  EXPECT_EQ(lines.size(), 1 + 6 * first_run.size());
  EXPECT_EQ(lines[1 + first_run.size()], "plain,1,labels,loss,,0.4");
  EXPECT_EQ(lines[1 + 2 * first_run.size()], "weighted,0,labels,loss,,0.4");
  EXPECT_EQ(lines[1 + 3 * first_run.size()], "weighted (tuned thresholds),0,labels,loss,,0.4");
  EXPECT_EQ(
      count_of(results_csv(results), "\nweighted (tuned thresholds),1,labels,f1_macro,,0.85\n"),
      1u);
  EXPECT_EQ(count_of(results_csv(results), "\nplain,1,labels,roc_auc_macro,,\n"), 1u);
}

TEST(ExperimentSummary, RowsAndMeanStdOverSeeds) {
  const std::vector<SummaryRow> rows = summarize(fabricated(fresh_dir()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name(), "plain");
  EXPECT_EQ(rows[1].name(), "weighted");
  EXPECT_EQ(rows[2].name(), "weighted (tuned thresholds)");
  EXPECT_EQ(rows[0].seeds, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(format_mean_std(rows[0].scalar("f1_macro")), "0.6000 ± 0.1414");
  EXPECT_EQ(format_mean_std(rows[0].scalar("roc_auc_macro")), "0.8000 ± n/a");
  EXPECT_EQ(format_mean_std(rows[1].scalar("average_precision_macro")), "n/a");
  EXPECT_NEAR(*rows[0].label_stat("f1", 1).mean, 0.1, 1e-12);
  EXPECT_NEAR(*rows[0].label_stat("support", 1).mean, 1.5, 1e-12);
  EXPECT_EQ(best_row(rows, "labels"), 2u);
  EXPECT_EQ(best_row(rows, "other"), std::nullopt);
}

TEST(ExperimentSummary, KnownVariantsInAFixedOrder) {
  const auto dir = fresh_dir();
  const ExperimentRun run{"s", 0, dir, {}};
  write_file(dir / "test_metrics.json", json{{"heads", {{"labels", head_json({})}}}}.dump());
  write_file(variants_path(dir),
             json{{"variants",
                   {{{"name", "other"}, {"heads", {{"labels", head_json({})}}}},
                    {{"name", "tuned thresholds"}, {"heads", {{"labels", head_json({})}}}},
                    {{"name", "recalibrated"}, {"heads", {{"labels", head_json({})}}}}}}}
                 .dump());
  std::vector<std::string> names;
  for (const SummaryRow& row : summarize({read_run_results(run)})) names.push_back(row.name());
  EXPECT_EQ(names, (std::vector<std::string>{"s", "s (recalibrated)", "s (tuned thresholds)",
                                             "s (other)"}));
}

ReportContext demo_context() {
  ReportContext context{"demo", "configs/base.yaml", {0, 1}, {"Run x seed 9 FAILED: boom"}};
  context.overrides = {"data.validation_fraction=0.2"};
  context.strategies = {{"plain", {}},
                        {"weighted", {"model.heads.labels.loss.pos_weight=neg_over_pos"}}};
  return context;
}

TEST(ExperimentSummary, MarkdownTableLayout) {
  const std::vector<RunResults> results = fabricated(fresh_dir());
  const std::vector<SummaryRow> rows = summarize(results);
  const std::string md =
      summary_markdown(demo_context(), results, rows, report_plots(results, rows));
  const std::vector<std::string> lines = lines_of(md);
  EXPECT_EQ(lines[0], "# Experiment demo");
  const auto header = std::find(lines.begin(), lines.end(),
                                "| strategy | runs | micro-F1 | macro-F1 | macro AUC | macro AP | "
                                "hamming loss | ECE |");
  ASSERT_NE(header, lines.end()) << md;
  EXPECT_EQ(*(header - 2), "## Head 'labels' (multilabel)");
  EXPECT_EQ(*(header + 1), "|---|---:|---:|---:|---:|---:|---:|---:|");
  // "plain" is selected: the better validation macro-F1 (0.45 against 0.40),
  // though "weighted (tuned thresholds)" has the better test macro-F1.
  EXPECT_EQ(*(header + 2),
            "| **plain** | 2 | 0.6000 ± 0.0000 | **0.6000 ± 0.1414** | 0.8000 ± n/a | 0.6000 ± "
            "0.1414 | 0.1500 ± 0.0707 | 0.1000 ± 0.0707 |");
  EXPECT_EQ(*(header + 3),
            "| weighted | 2 | 0.6000 ± 0.1414 | 0.6000 ± 0.0707 | 0.8000 ± 0.1414 | n/a | "
            "0.3000 ± 0.0000 | 0.2500 ± 0.0707 |");
  EXPECT_EQ(*(header + 4),
            "| weighted (tuned thresholds) | 2 | 0.7000 ± 0.0000 | 0.8000 ± 0.0707 | "
            "0.8000 ± 0.1414 | n/a | 0.2000 ± 0.0707 | 0.2500 ± 0.0707 |");
  EXPECT_EQ(*(header + 5), "");
  EXPECT_EQ((header + 6)
                ->rfind("Selected: plain, the highest validation macro-F1 of the tested "
                        "models (0.4500 ± 0.0000); its test macro-F1 is 0.6000 ± 0.1414.",
                        0),
            0u)
      << *(header + 6);
  EXPECT_CONTAINS(md, "Seeds: 0, 1.");
  EXPECT_CONTAINS(md, "Every run also sets: data.validation_fraction=0.2.");
  EXPECT_CONTAINS(md, "Run x seed 9 FAILED: boom");
  EXPECT_CONTAINS(md,
                  "(tuned thresholds): each label's threshold maximises its F1 on the "
                  "validation split");
  EXPECT_CONTAINS(md, "(plots/f1_per_label_labels.svg)");
  // Per-label tables, one per row, means over seeds, the most frequent
  // label (b: 60 in the training split) first.
  EXPECT_CONTAINS(md,
                  "### plain\n\n| label | count (training split) | support | threshold | "
                  "precision | recall | F1 |\n"
                  "|---|---:|---:|---:|---:|---:|---:|\n"
                  "| b | 60 | 1.5 | 0.5000 | 0.0000 | 0.0000 | 0.1000 |\n"
                  "| a | 30 | 4 | 0.5000 | 0.6000 | 0.5000 | 0.5000 |\n");
  // 3 per-label tables and the paired tests.
  EXPECT_EQ(count_of(md, "\n### "), 4u);
  // The terminal version holds just the summary tables and the selection.
  const std::string tables = summary_tables_markdown(rows, results);
  EXPECT_EQ(tables.rfind("## Head 'labels' (multilabel)", 0), 0u);
  EXPECT_CONTAINS(tables, "Selected: plain");
  EXPECT_NOT_CONTAINS(tables, "### plain");
}

TEST(ExperimentSummary, WithoutAValidationSplitTheSelectionSaysItIsOnTheTestSplit) {
  std::vector<RunResults> results = fabricated(fresh_dir());
  for (RunResults& run : results) run.epochs.clear();
  const std::vector<SummaryRow> rows = summarize(results);
  const std::string tables = summary_tables_markdown(rows, results);
  EXPECT_CONTAINS(tables, "| **weighted (tuned thresholds)** |");
  EXPECT_CONTAINS(tables,
                  "Best test macro-F1: weighted (tuned thresholds) (0.8000 ± 0.0707). The runs "
                  "have no validation split, so this is chosen on the test split itself");
}

TEST(ExperimentReport, SaysWhatRanHowImbalancedTheDataIsAndWhereEachRunIs) {
  const auto dir = fresh_dir();
  const std::vector<RunResults> results = fabricated(dir / "out" / "runs");
  ReportContext context = demo_context();
  context.report_dir = dir / "out";
  const std::vector<SummaryRow> rows = summarize(results);
  const std::string md = summary_markdown(context, results, rows, {});
  EXPECT_CONTAINS(
      md, fmt::format("Made by fulcrum {} (commit {}).", train::fulcrum_version(), train::fulcrum_git_commit()));
  // Strategies, verbatim.
  EXPECT_CONTAINS(md, "| plain | (none: the base config) |");
  EXPECT_CONTAINS(md, "| weighted | model.heads.labels.loss.pos_weight=neg_over_pos |");
  // IRLbl = 60 / count: b 1, a 2; MeanIR 1.5, MaxIR 2.
  EXPECT_CONTAINS(md, "MeanIR 1.50, MaxIR 2.00.");
  EXPECT_CONTAINS(md,
                  "| label | count | IRLbl |\n|---|---:|---:|\n| b | 60 | 1.00 |\n"
                  "| a | 30 | 2.00 |\n");
  // One row per run, with its time and links relative to the report.
  EXPECT_CONTAINS(md,
                  "| weighted | 1 | 2.5 s | 2 | [directory](runs/weighted/seed1/) | "
                  "[report.html](runs/weighted/seed1/report.html) |");
  EXPECT_CONTAINS(md, "4 runs, 8.0 s of training and evaluation in all");
  const std::string html = index_html(context, results, rows, {});
  EXPECT_EQ(testing::xml_problem(html), "") << html;
  EXPECT_CONTAINS(html, "<a href=\"runs/plain/seed0/report.html\">report.html</a>");
}

TEST(ExperimentReport, PairedTestsAgainstTheBaselineBySeed) {
  const std::vector<RunResults> results = fabricated(fresh_dir());
  const std::vector<SummaryRow> rows = summarize(results);
  const std::string md = summary_markdown(demo_context(), results, rows, {});
  EXPECT_CONTAINS(md, "### Against the baseline (plain), head 'labels'");
  // weighted - plain by seed: 0.55 - 0.5, 0.65 - 0.7 -> mean 0; tuned:
  // 0.75 - 0.5, 0.85 - 0.7 -> 0.25, 0.15: mean 0.2, t = 0.2 / (0.0707 / sqrt 2) = 4.
  const PairedTTest tuned = paired_t_test({0.75, 0.85}, {0.5, 0.7});
  ASSERT_TRUE(tuned.p_value);
  EXPECT_NEAR(*tuned.t, 4.0, 1e-9);
  EXPECT_CONTAINS(md, fmt::format("| weighted (tuned thresholds) | 2 | +0.2000 | 4.00 | {:.3f} | "
                                  "0.500 |",
                                  *tuned.p_value));
  EXPECT_CONTAINS(md, "| weighted | 2 | +0.0000 |");
  EXPECT_CONTAINS(md, "The smallest Wilcoxon p-value 2 pairs can give is 0.5, so below 6 seeds");
}

// The width="..." of an SVG document.
double svg_width(const std::string& svg) {
  const size_t at = svg.find("width=\"");
  return at == std::string::npos ? -1 : std::stod(svg.substr(at + 7));
}

const ReportPlot& plot_named(const std::vector<ReportPlot>& plots, const std::string& file) {
  const auto it =
      std::find_if(plots.begin(), plots.end(), [&](const ReportPlot& p) { return p.file == file; });
  if (it == plots.end()) throw std::runtime_error("no plot " + file);
  return *it;
}

TEST(ExperimentPlots, FilesAndWellFormedSvgThatFitAPage) {
  const std::vector<RunResults> results = fabricated(fresh_dir());
  const std::vector<SummaryRow> rows = summarize(results);
  const std::vector<ReportPlot> plots = report_plots(results, rows);
  std::vector<std::string> files;
  for (const ReportPlot& plot : plots) {
    files.push_back(plot.file);
    EXPECT_EQ(testing::xml_problem(plot.svg), "") << plot.file << ":\n" << plot.svg;
    EXPECT_EQ(plot.svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_GT(svg_width(plot.svg), 0) << plot.file;
    EXPECT_LE(svg_width(plot.svg), 1000) << plot.file;
  }
  EXPECT_EQ(files, (std::vector<std::string>{
                       "f1_per_label_labels.svg", "f1_per_label_labels_tuned_thresholds.svg",
                       "pr_labels.svg", "pr_per_label_labels.svg", "reliability_labels.svg",
                       "reliability_per_label_labels.svg", "curve_loss.svg",
                       "curve_labels_f1_macro.svg"}));
  EXPECT_EQ(report_plots(results, rows)[0].svg, plots[0].svg);  // deterministic
}

TEST(ExperimentPlots, F1PerLabelHasErrorBarsAndTheMostFrequentLabelFirst) {
  const std::vector<RunResults> results = fabricated(fresh_dir());
  const std::vector<SummaryRow> rows = summarize(results);
  const std::vector<ReportPlot> plots = report_plots(results, rows);
  const std::string& f1 = plot_named(plots, "f1_per_label_labels.svg").svg;
  // Bars: 2 strategies x 2 labels, each with mean ± std in its tooltip.
  EXPECT_EQ(count_of(f1, "</rect>"), 4u);
  EXPECT_CONTAINS(f1, "<title>plain / b (n=60): 0.1000 ± 0.1414</title>");
  EXPECT_LT(f1.find(">b (n=60)</text>"), f1.find(">a (n=30)</text>"));
  // An error bar and its two caps for each of the 4 bars (every std > 0).
  EXPECT_EQ(count_of(f1, "stroke=\"#222\""), 12u);
  const std::string& tuned = plot_named(plots, "f1_per_label_labels_tuned_thresholds.svg").svg;
  EXPECT_CONTAINS(tuned, "<title>weighted / b (n=60): 0.7500 ± 0.0707</title>");
}

TEST(ExperimentPlots, PrecisionRecallFromPooledCounts) {
  const std::vector<RunResults> results = fabricated(fresh_dir());
  const std::vector<ReportPlot> plots = report_plots(results, summarize(results));
  const std::string& pr = plot_named(plots, "pr_labels.svg").svg;
  // weighted, labels and seeds pooled: 12 positives; at threshold 0 tp 12,
  // fp 28 -> (recall 1, precision 0.3); at 0.5 tp 6, fp 6 -> (0.5, 0.5); at 1
  // nothing is predicted. Axes [0, 1] onto x 70..550, y 360..40.
  EXPECT_EQ(count_of(pr, "<polyline"), 1u);
  EXPECT_CONTAINS(pr, "points=\"550.00,264.00 310.00,200.00\"");
  const std::string& per_label = plot_named(plots, "pr_per_label_labels.svg").svg;
  EXPECT_EQ(count_of(per_label, "<polyline"), 2u);
}

TEST(ExperimentPlots, ReliabilityPooledAndPerLabel) {
  const std::vector<RunResults> results = fabricated(fresh_dir());
  const std::vector<ReportPlot> plots = report_plots(results, summarize(results));
  const std::string& pooled = plot_named(plots, "reliability_labels.svg").svg;
  EXPECT_EQ(count_of(pooled, "<polyline"), 2u);
  EXPECT_EQ(count_of(pooled, "<circle"), 5u);
  EXPECT_CONTAINS(pooled, "<title>weighted: (0.100, 0.333)</title>");
  EXPECT_CONTAINS(pooled, "<title>weighted: (0.800, 1.000)</title>");
  EXPECT_CONTAINS(pooled, "stroke-dasharray=\"4 4\"");  // the diagonal
  // Per label: the baseline, which is also the selected strategy (plain).
  const std::string& per_label = plot_named(plots, "reliability_per_label_labels.svg").svg;
  EXPECT_CONTAINS(per_label, "<title>plain: (0.900, 1.000)</title>");  // label b
  EXPECT_CONTAINS(per_label, "<title>plain: (0.100, 0.000)</title>");  // label a
  EXPECT_NOT_CONTAINS(per_label, "weighted");
}

TEST(ExperimentPlots, EachStrategysLossOnItsOwnAxis) {
  const std::vector<RunResults> results = fabricated(fresh_dir());
  const std::vector<ReportPlot> plots = report_plots(results, summarize(results));
  const std::string& loss = plot_named(plots, "curve_loss.svg").svg;
  // One panel per strategy, each with a training and a validation curve.
  EXPECT_EQ(count_of(loss, "<polyline"), 4u);
  EXPECT_CONTAINS(loss, ">plain</text>");
  EXPECT_CONTAINS(loss, ">weighted</text>");
  EXPECT_EQ(count_of(plot_named(plots, "curve_labels_f1_macro.svg").svg, "<polyline"), 2u);
}

TEST(ExperimentReport, WritesEveryFileAndAnHtmlIndex) {
  const auto dir = fresh_dir();
  const std::vector<RunResults> results = fabricated(dir / "runs");
  write_file(dir / "out" / "plots" / "stale.svg", "<svg/>");
  write_experiment_report({"demo", "base.yaml", {0, 1}, {}}, results, dir / "out");
  for (const char* file :
       {"results.csv", "summary.md", "index.html", "plots/f1_per_label_labels.svg",
        "plots/reliability_labels.svg", "plots/pr_labels.svg", "plots/curve_loss.svg",
        "plots/curve_labels_f1_macro.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / file)) << file;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "plots" / "stale.svg"));
  EXPECT_EQ(read_file(dir / "out" / "results.csv"), results_csv(results));
  const std::string html = read_file(dir / "out" / "index.html");
  EXPECT_EQ(testing::xml_problem(html), "") << html;
  EXPECT_EQ(count_of(html, "<img src=\"plots/"), 8u);
  EXPECT_CONTAINS(html, "<strong>plain</strong>");
  EXPECT_CONTAINS(html, "<td class=\"num\"><strong>0.6000 ± 0.1414</strong></td>");
  // Imbalance, the summary, the paired tests, the runs and 3 per-label tables.
  EXPECT_EQ(count_of(html, "<table>"), 7u);
  // Links to the runs, relative to the report.
  EXPECT_CONTAINS(html, "<a href=\"../runs/plain/seed0/report.html\">");
  // Self-contained: no script, no external style sheet, font or image.
  EXPECT_NOT_CONTAINS(html, "<script");
  EXPECT_NOT_CONTAINS(html, "<link");
  EXPECT_NOT_CONTAINS(html, "http");
}

TEST(ExperimentReport, EscapesNamesEverywhere) {
  const auto dir = fresh_dir();
  const std::string odd = "<b & \"c\">, d|e";
  const ExperimentRun run{"s", 0, dir / "run", {}};
  write_file(run.dir / "test_metrics.json",
             json{{"heads", {{"labels", head_json({0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.5, 0.5}, odd)}}}}
                 .dump());
  const std::vector<RunResults> results{read_run_results(run)};
  const std::vector<SummaryRow> rows = summarize(results);
  EXPECT_CONTAINS(results_csv(results), "s,0,labels,f1,\"<b & \"\"c\"\">, d|e\",0.5\n");
  const std::vector<ReportPlot> plots = report_plots(results, rows);
  ASSERT_FALSE(plots.empty());
  EXPECT_EQ(testing::xml_problem(plots[0].svg), "");
  EXPECT_CONTAINS(plots[0].svg, "&lt;b &amp; &quot;c&quot;&gt;, d|e");
  const std::string html = index_html({"x", "b", {0}, {}}, results, rows, plots);
  EXPECT_EQ(testing::xml_problem(html), "");
  EXPECT_CONTAINS(summary_markdown({"x", "b", {0}, {}}, results, rows, plots),
                  "| \\<b & \"c\"\\>, d\\|e |");
}

}  // namespace
}  // namespace fulcrum::experiment
