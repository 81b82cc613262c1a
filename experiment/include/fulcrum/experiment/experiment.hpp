#pragma once
// Everything in fulcrum::experiment: train a base config once per strategy and
// seed, then compare the strategies (what `fulcrum experiment CONFIG` does).
// The pieces:
//   config.hpp    the experiment file
//   runner.hpp    the grid of runs, run in parallel processes, resumably
//   variants.hpp  recalibrated / tuned-threshold evaluations of each run
//   results.hpp   reading finished runs back
//   summary.hpp   mean ± std over seeds
//   significance.hpp       paired t-test and Wilcoxon signed-rank test over seeds
//   imbalance_measures.hpp IRLbl, MeanIR, MaxIR of a head's labels
//   report.hpp    results.csv, summary.md, plots/*.svg, index.html
//   multi_dataset_report.hpp  over several data sets: average ranks,
//                 Friedman's test, critical-difference diagrams
//                 (rank_tests.hpp, distributions.hpp, critical_difference_plot.hpp)

#include "fulcrum/experiment/config.hpp"
#include "fulcrum/experiment/imbalance_measures.hpp"
#include "fulcrum/experiment/multi_dataset_report.hpp"
#include "fulcrum/experiment/report.hpp"
#include "fulcrum/experiment/results.hpp"
#include "fulcrum/experiment/runner.hpp"
#include "fulcrum/experiment/significance.hpp"
#include "fulcrum/experiment/summary.hpp"
#include "fulcrum/experiment/variants.hpp"
