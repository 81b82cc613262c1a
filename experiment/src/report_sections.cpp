// Provenance, strategy definitions, imbalance measures, selection, paired
// tests and the run table of the experiment report (report_sections.hpp).
#include "report_sections.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "fulcrum/train/build_info.hpp"
#include "fulcrum/experiment/imbalance_measures.hpp"
#include "fulcrum/experiment/significance.hpp"
#include "report_data.hpp"

namespace fulcrum::experiment {

namespace {

std::string format_p(const std::optional<double>& p) {
  if (!p) return "n/a";
  return *p < 0.001 ? fmt::format("{:.1e}", *p) : fmt::format("{:.3f}", *p);
}

std::string format_seconds(double seconds) {
  return seconds < 60 ? fmt::format("{:.1f} s", seconds)
                      : fmt::format("{:.0f} min {:02.0f} s", std::floor(seconds / 60),
                                    std::fmod(seconds, 60));
}

std::string relative_link(const std::filesystem::path& target, const std::filesystem::path& base) {
  if (base.empty()) return target.generic_string();
  std::error_code error;
  const std::filesystem::path relative = std::filesystem::relative(
      std::filesystem::absolute(target), std::filesystem::absolute(base), error);
  return error || relative.empty() ? target.generic_string() : relative.generic_string();
}

}  // namespace

void add_provenance(std::vector<Block>& blocks, const ReportContext& context) {
  blocks.push_back(Paragraph{fmt::format(
      "Made by fulcrum {} (commit {}). Base config: {}. Seeds: {}. Every run also sets: {}.",
      train::fulcrum_version(), train::fulcrum_git_commit(), context.base, fmt::join(context.seeds, ", "),
      context.overrides.empty() ? std::string("nothing")
                                : fmt::format("{}", fmt::join(context.overrides, " ")))});
}

void add_strategy_definitions(std::vector<Block>& blocks, const ReportContext& context) {
  if (context.strategies.empty()) return;
  blocks.push_back(Heading{2, "Strategies"});
  blocks.push_back(Paragraph{
      "Each strategy is the base config with these overrides (as in the experiment file); "
      "the first is the baseline the others are tested against."});
  Table table{{"strategy", "overrides"}, {}, {0, 1}};
  for (const StrategyConfig& strategy : context.strategies) {
    table.rows.push_back(
        {{strategy.name},
         {strategy.overrides.empty() ? std::string("(none: the base config)")
                                     : fmt::format("{}", fmt::join(strategy.overrides, " "))}});
  }
  blocks.push_back(std::move(table));
}

void add_imbalance_measures(std::vector<Block>& blocks, const std::vector<RunResults>& runs,
                            const std::vector<SummaryRow>& rows) {
  std::vector<std::string> done;
  for (const SummaryRow& row : rows) {
    if (row.labels.empty() || std::find(done.begin(), done.end(), row.head) != done.end()) {
      continue;
    }
    done.push_back(row.head);
    const LabelFrequency frequency = label_frequency(runs, row);
    const ImbalanceMeasures measures = imbalance_measures(frequency.counts);
    const auto number = [](const std::optional<double>& v) {
      return v ? fmt::format("{:.2f}", *v) : std::string("n/a");
    };
    blocks.push_back(Heading{2, fmt::format("Imbalance of head '{}'", row.head)});
    blocks.push_back(Paragraph{fmt::format(
        "Positives per {} in the {} of the first run, and IRLbl = (count of the most frequent) / "
        "(count of the label), as in Charte et al. 2015: MeanIR {}, MaxIR {}{}.",
        row.kind == TaskKind::MultiClass ? "class" : "label", frequency.split,
        number(measures.mean_ir), number(measures.max_ir),
        measures.absent > 0 ? fmt::format(" ({} without positives, left out)", measures.absent)
                            : std::string())});
    Table table{{row.kind == TaskKind::MultiClass ? "class" : "label", "count", "IRLbl"}, {}};
    for (const size_t l : most_frequent_first(frequency.counts)) {
      table.rows.push_back({{row.labels[l]},
                            {fmt::format("{:.0f}", frequency.counts[l])},
                            {number(measures.irlbl[l])}});
    }
    blocks.push_back(std::move(table));
  }
}

void add_selection(std::vector<Block>& blocks, const std::vector<RunResults>& runs,
                   const std::vector<SummaryRow>& rows, const std::string& head) {
  const std::optional<Selection> best = select_best(runs, rows, head);
  if (!best) return;
  const SummaryRow& row = rows[best->row];
  if (best->on_validation) {
    blocks.push_back(Paragraph{fmt::format(
        "Selected: {}, the highest validation macro-F1 of the tested models ({}); its test "
        "macro-F1 is {}. Only the trainer's own evaluations compete: the tuned thresholds were "
        "fitted on the validation split, so it cannot judge them.",
        row.name(), format_mean_std(best->value), format_mean_std(row.scalar("f1_macro")))});
  } else {
    blocks.push_back(Paragraph{fmt::format(
        "Best test macro-F1: {} ({}). The runs have no validation split, so this is chosen on "
        "the test split itself and its score is optimistic.",
        row.name(), format_mean_std(best->value))});
  }
}

void add_paired_tests(std::vector<Block>& blocks, const std::vector<RunResults>& runs,
                      const std::vector<SummaryRow>& rows, const std::string& head) {
  const std::string baseline = baseline_strategy(rows);
  const auto reference = per_seed(runs, baseline, "", head, "f1_macro");
  if (reference.size() < 2) return;
  Table table{{"strategy", "pairs", "mean difference", "t", "p (paired t)", "p (Wilcoxon)"}, {}};
  size_t pairs_seen = 0;
  for (const SummaryRow& row : rows) {
    if (row.head != head || (row.strategy == baseline && row.variant.empty())) continue;
    std::vector<double> a, b;
    for (const auto& [seed, value] : per_seed(runs, row.strategy, row.variant, head, "f1_macro")) {
      const auto match = std::find_if(reference.begin(), reference.end(),
                                      [&](const auto& r) { return r.first == seed; });
      if (match == reference.end()) continue;
      a.push_back(value);
      b.push_back(match->second);
    }
    if (a.empty()) continue;
    pairs_seen = std::max(pairs_seen, a.size());
    const PairedTTest t = paired_t_test(a, b);
    const WilcoxonTest w = wilcoxon_signed_rank(a, b);
    table.rows.push_back({{row.name()},
                          {std::to_string(a.size())},
                          {fmt::format("{:+.4f}", t.mean_difference)},
                          {t.t ? fmt::format("{:.2f}", *t.t) : std::string("n/a")},
                          {format_p(t.p_value)},
                          {format_p(w.p_value)}});
  }
  if (table.rows.empty()) return;
  blocks.push_back(Heading{3, fmt::format("Against the baseline ({}), head '{}'", baseline, head)});
  const double smallest_wilcoxon = 2.0 / std::pow(2.0, static_cast<double>(pairs_seen));
  std::string text = fmt::format(
      "Test macro-F1 of each evaluation minus the baseline's, paired by seed; two-sided paired "
      "t-test ({} degrees of freedom; it assumes normally distributed differences) and exact "
      "Wilcoxon signed-rank test. The smallest Wilcoxon p-value {} pairs can give is {:.3g}",
      pairs_seen - 1, pairs_seen, smallest_wilcoxon);
  text += pairs_seen < 6 ? fmt::format(
                               ", so below 6 seeds it cannot reach 0.05, and a t-test on {} "
                               "differences can hardly check its assumption: with this few "
                               "seeds these tests are weak.",
                               pairs_seen)
                         : std::string(".");
  text += fmt::format(
      " The seeds vary the initialisation, dropout, batch order and the splits drawn at random "
      "from the data, not the data set itself, and no correction is made for the {} "
      "comparisons (Holm's would multiply the smallest p by {}). Read the p-values as a hint, "
      "not as proof.",
      table.rows.size(), table.rows.size());
  blocks.push_back(Paragraph{std::move(text)});
  blocks.push_back(std::move(table));
}

void add_run_table(std::vector<Block>& blocks, const ReportContext& context,
                   const std::vector<RunResults>& runs) {
  if (runs.empty()) return;
  double total = 0;
  Table table{{"strategy", "seed", "time", "tested epoch", "run", "report"}, {}, {0, 4, 5}};
  for (const RunResults& run : runs) {
    total += run.seconds.value_or(0.0);
    const std::string dir = relative_link(run.dir, context.report_dir);
    table.rows.push_back({{run.strategy},
                          {std::to_string(run.seed)},
                          {run.seconds ? format_seconds(*run.seconds) : std::string("n/a")},
                          {run.tested_epoch > 0 ? std::to_string(run.tested_epoch) : "n/a"},
                          {"directory", false, dir + "/"},
                          {"report.html", false, dir + "/report.html"}});
  }
  blocks.push_back(Heading{2, "Runs"});
  blocks.push_back(Paragraph{fmt::format(
      "{} runs, {} of training and evaluation in all (each run's summary.json; runs overlap "
      "when run in parallel, and times depend on the machine's load).",
      runs.size(), format_seconds(total))});
  blocks.push_back(std::move(table));
}

}  // namespace fulcrum::experiment
