#pragma once
// The sections of the experiment report that say how the numbers were made
// and how far to trust them. Each appends its blocks; report.cpp puts them
// in order.

#include <string>
#include <vector>

#include "fulcrum/experiment/report.hpp"
#include "report_blocks.hpp"

namespace fulcrum::experiment {

/// The fulcrum version and commit, the base config and the settings every
/// run shares.
void add_provenance(std::vector<Block>& blocks, const ReportContext& context);

/// A table of the strategies and their overrides, verbatim.
void add_strategy_definitions(std::vector<Block>& blocks, const ReportContext& context);

/// Per head: IRLbl of each label (most frequent first), MeanIR and MaxIR.
void add_imbalance_measures(std::vector<Block>& blocks, const std::vector<RunResults>& runs,
                            const std::vector<SummaryRow>& rows);

/// Which strategy of `head` is the best and how it was chosen (on the
/// validation split when the runs have one).
void add_selection(std::vector<Block>& blocks, const std::vector<RunResults>& runs,
                   const std::vector<SummaryRow>& rows, const std::string& head);

/// Each evaluation of `head` against the baseline, paired by seed: the mean
/// difference in test macro-F1, a paired t-test and a Wilcoxon signed-rank
/// test, with what so few seeds can show.
void add_paired_tests(std::vector<Block>& blocks, const std::vector<RunResults>& runs,
                      const std::vector<SummaryRow>& rows, const std::string& head);

/// One row per run: strategy, seed, time, tested epoch, links to its
/// directory and report (relative to context.report_dir).
void add_run_table(std::vector<Block>& blocks, const ReportContext& context,
                   const std::vector<RunResults>& runs);

}  // namespace fulcrum::experiment
