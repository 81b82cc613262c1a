// The report over several data sets: tables of strategies x data sets, average
// ranks, Friedman's test and critical-difference diagrams
// (multi_dataset_report.hpp).
#include "fulcrum/experiment/multi_dataset_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

#include "fulcrum/experiment/critical_difference_plot.hpp"
#include "fulcrum/experiment/summary.hpp"
#include "report_blocks.hpp"
#include "fulcrum/train/run_outputs.hpp"

namespace fulcrum::experiment {

namespace {


constexpr const char* kCitation =
    "J. Demšar, \"Statistical Comparisons of Classifiers over Multiple Data Sets\", Journal of "
    "Machine Learning Research 7:1-30, 2006";

// The first head's rows of the trainer's own evaluation.
std::vector<SummaryRow> trainer_rows(const std::vector<RunResults>& runs) {
  std::vector<SummaryRow> rows;
  const std::vector<SummaryRow> all = summarize(runs);
  if (all.empty()) return rows;
  for (const SummaryRow& row : all) {
    if (row.head == all.front().head && row.variant.empty()) rows.push_back(row);
  }
  return rows;
}

std::string format_p(double p) {
  return p < 1e-4 ? fmt::format("{:.2e}", p) : fmt::format("{:.4f}", p);
}

// -- the document ---------------------------------------------------------------


std::string plot_file(const RankComparison& comparison) {
  return "cd_" + comparison.metric.metric + ".svg";
}

Table comparison_table(const RankComparison& c) {
  Table table;
  table.header = {"strategy"};
  for (const std::string& name : c.ranked_datasets) table.header.push_back(name);
  table.header.push_back("average rank");
  const double best_rank = c.average_ranks.empty()
                               ? 0
                               : *std::min_element(c.average_ranks.begin(), c.average_ranks.end());
  for (size_t s = 0; s < c.strategies.size(); ++s) {
    std::vector<Cell> row{{c.strategies[s], false}};
    for (size_t d = 0; d < c.ranked_datasets.size(); ++d) {
      const std::vector<double>& scores = c.scores[d];
      const double best = c.metric.higher_is_better
                              ? *std::max_element(scores.begin(), scores.end())
                              : *std::min_element(scores.begin(), scores.end());
      row.push_back({c.cells[d][s], scores[s] == best});
    }
    row.push_back(c.average_ranks.empty() ? Cell{"n/a", false}
                                          : Cell{fmt::format("{:.2f}", c.average_ranks[s]),
                                                 c.average_ranks[s] == best_rank});
    table.rows.push_back(std::move(row));
  }
  return table;
}

// The pairs the Nemenyi test tells apart, best first.
std::string significant_pairs(const RankComparison& c) {
  std::vector<std::string> pairs;
  for (size_t a = 0; a < c.strategies.size(); ++a) {
    for (size_t b = 0; b < c.strategies.size(); ++b) {
      const double gap = c.average_ranks[b] - c.average_ranks[a];
      if (gap >= c.nemenyi->critical_difference) {
        pairs.push_back(
            fmt::format("{} better than {} ({:.2f})", c.strategies[a], c.strategies[b], gap));
      }
    }
  }
  if (pairs.empty()) return "no pair of strategies differs by at least CD.";
  std::string text;
  for (const std::string& pair : pairs) text += (text.empty() ? "" : "; ") + pair;
  return text + ".";
}

void add_comparison(std::vector<Block>& blocks, const RankComparison& c) {
  blocks.push_back(Heading{2, fmt::format("{} ({} is better)", c.metric.title,
                                          c.metric.higher_is_better ? "higher" : "lower")});
  if (!c.left_out.empty()) {
    std::string names;
    for (const std::string& name : c.left_out) names += (names.empty() ? "" : ", ") + name;
    blocks.push_back(Paragraph{
        fmt::format("Left out of the ranks (some strategy has no value there): {}.", names)});
  }
  if (c.ranked_datasets.empty()) {
    blocks.push_back(Paragraph{"No data set on which every strategy has a value."});
    return;
  }
  blocks.push_back(comparison_table(c));
  if (!c.friedman) {
    blocks.push_back(Paragraph{"Friedman's test needs at least 2 strategies and 2 data sets."});
    return;
  }
  const FriedmanTest& f = *c.friedman;
  blocks.push_back(Paragraph{fmt::format(
      "Friedman's test (k = {} strategies, N = {} data sets): chi-square_F = {:.3f} (df {:.0f}), "
      "p = {}; Iman-Davenport F_F = {:.3f} (df {:.0f}, {:.0f}), p = {}.",
      f.methods, f.datasets, f.chi_square, f.chi_square_df, format_p(f.chi_square_p),
      f.iman_davenport, f.iman_davenport_df1, f.iman_davenport_df2, format_p(f.iman_davenport_p))});
  const NemenyiTest& n = *c.nemenyi;
  blocks.push_back(Paragraph{fmt::format(
      "Nemenyi test at alpha = {}: q_alpha = {:.3f}, critical difference CD = q_alpha sqrt(k (k + "
      "1) / (6 N)) = {:.3f}; {}",
      n.alpha, n.q_alpha, n.critical_difference, significant_pairs(c))});
  blocks.push_back(Image{"plots/" + plot_file(c),
                         fmt::format("Critical-difference diagram, {}", c.metric.title)});
}

std::vector<Block> document(const MultiDatasetContext& context,
                            const std::vector<RankComparison>& comparisons,
                            const std::vector<std::string>& dataset_names) {
  std::vector<Block> blocks;
  blocks.push_back(Heading{
      1, fmt::format("Experiment {} over {} data sets", context.name, dataset_names.size())});
  std::string seeds, links;
  for (const uint64_t seed : context.seeds)
    seeds += (seeds.empty() ? "" : ", ") + std::to_string(seed);
  for (const std::string& name : dataset_names) {
    links += (links.empty() ? "" : ", ") + fmt::format("{0}/index.html", name);
  }
  blocks.push_back(Paragraph{fmt::format(
      "Seeds: {}. Each value is on the test split: mean ± sample standard deviation over the "
      "seeds, of the trainer's own evaluation (decisions at the configured threshold). On each "
      "data set the strategies are ranked by their mean (1: best; ties share their mean rank); "
      "the best value of each data set and the best average rank are in bold. Statistics as "
      "recommended by {}: Friedman's test of whether the average ranks differ, and the Nemenyi "
      "critical difference CD: two strategies whose average ranks differ by at least CD perform "
      "significantly differently. Each data set's own report: {}.",
      seeds, kCitation, links)});
  for (const std::string& note : context.notes) blocks.push_back(Paragraph{note});
  for (const RankComparison& comparison : comparisons) add_comparison(blocks, comparison);
  return blocks;
}

std::string ranks_csv(const std::vector<RankComparison>& comparisons) {
  std::string out = "metric,strategy,dataset,mean,rank\n";
  for (const RankComparison& c : comparisons) {
    for (size_t d = 0; d < c.ranked_datasets.size(); ++d) {
      const std::vector<double> ranks = rank_scores(c.scores[d], c.metric.higher_is_better);
      for (size_t s = 0; s < c.strategies.size(); ++s) {
        out += fmt::format("{},{},{},{},{}\n", c.metric.metric, c.strategies[s],
                           c.ranked_datasets[d], c.scores[d][s], ranks[s]);
      }
    }
  }
  return out;
}

}  // namespace

const std::vector<RankedMetric>& ranked_metrics() {
  static const std::vector<RankedMetric> metrics{{"f1_macro", "macro-F1", true},
                                                 {"f1_micro", "micro-F1", true},
                                                 {"average_precision_macro", "macro AP", true},
                                                 {"hamming_loss", "Hamming loss", false}};
  return metrics;
}

RankComparison compare_over_datasets(const std::vector<DatasetRuns>& datasets,
                                     const RankedMetric& metric, double alpha) {
  RankComparison c;
  c.metric = metric;
  std::vector<std::vector<SummaryRow>> rows;
  for (const DatasetRuns& dataset : datasets) {
    rows.push_back(trainer_rows(dataset.runs));
    for (const SummaryRow& row : rows.back()) {
      if (std::find(c.strategies.begin(), c.strategies.end(), row.strategy) == c.strategies.end()) {
        c.strategies.push_back(row.strategy);
      }
    }
  }
  for (size_t d = 0; d < datasets.size(); ++d) {
    std::vector<double> scores;
    std::vector<std::string> cells;
    for (const std::string& strategy : c.strategies) {
      const auto row = std::find_if(rows[d].begin(), rows[d].end(),
                                    [&](const SummaryRow& r) { return r.strategy == strategy; });
      if (row == rows[d].end()) break;
      const MeanStd stat = row->scalar(metric.metric);
      if (!stat.mean) break;
      scores.push_back(*stat.mean);
      cells.push_back(format_mean_std(stat));
    }
    if (scores.size() != c.strategies.size() || scores.empty()) {
      c.left_out.push_back(datasets[d].name);
      continue;
    }
    c.ranked_datasets.push_back(datasets[d].name);
    c.scores.push_back(std::move(scores));
    c.cells.push_back(std::move(cells));
  }
  if (c.scores.empty()) return c;
  c.average_ranks = average_ranks(c.scores, metric.higher_is_better);
  const auto k = static_cast<int64_t>(c.strategies.size());
  const auto n = static_cast<int64_t>(c.scores.size());
  if (k >= 2 && n >= 2) {
    c.friedman = friedman_test(c.average_ranks, n);
    c.nemenyi = nemenyi_test(k, n, alpha);
  }
  return c;
}

std::string multi_dataset_markdown(const MultiDatasetContext& context,
                                   const std::vector<RankComparison>& comparisons,
                                   const std::vector<std::string>& dataset_names) {
  return markdown_document(document(context, comparisons, dataset_names));
}

void write_multi_dataset_report(const MultiDatasetContext& context,
                                const std::vector<DatasetRuns>& datasets,
                                const std::filesystem::path& dir) {
  std::vector<RankComparison> comparisons;
  for (const RankedMetric& metric : ranked_metrics()) {
    comparisons.push_back(compare_over_datasets(datasets, metric, context.alpha));
  }
  std::vector<std::string> names;
  for (const DatasetRuns& dataset : datasets) names.push_back(dataset.name);
  const std::filesystem::path plot_dir = dir / "plots";
  std::filesystem::create_directories(plot_dir);
  for (const RankComparison& c : comparisons) {
    const std::filesystem::path file = plot_dir / plot_file(c);
    std::filesystem::remove(file);
    if (!c.nemenyi) continue;
    const CriticalDifferenceDiagram diagram{
        fmt::format("{}: average ranks over {} data sets", c.metric.title, c.scores.size()),
        c.strategies, c.average_ranks, c.nemenyi->critical_difference,
        fmt::format("Nemenyi test, alpha = {}: strategies joined by a bar are not significantly "
                    "different (Demšar 2006)",
                    c.nemenyi->alpha)};
    train::write_text_file(file, render_critical_difference_diagram(diagram));
  }
  const std::vector<Block> blocks = document(context, comparisons, names);
  train::write_text_file(dir / "summary.md", markdown_document(blocks));
  train::write_text_file(
      dir / "index.html",
      html_document(blocks, fmt::format("Experiment {} over {} data sets", context.name, names.size())));
  train::write_text_file(dir / "ranks.csv", ranks_csv(comparisons));
}

}  // namespace fulcrum::experiment
