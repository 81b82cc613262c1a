// Experiments over several data sets (dataset_experiments.hpp).
#include "dataset_experiments.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "exit_codes.hpp"
#include "fulcrum/experiment/multi_dataset_report.hpp"

namespace fulcrum::cli {

int run_dataset_experiments(const experiment::ExperimentConfig& config, bool quiet) {
  using namespace fulcrum::experiment;
  const std::vector<ExperimentConfig> experiments = dataset_experiments(config);
  spdlog::info("experiment '{}': {} data sets, each {} strateg{} x {} seed{}; output in {}",
               config.name, experiments.size(), config.strategies.size(),
               config.strategies.size() == 1 ? "y" : "ies", config.seeds.size(),
               config.seeds.size() == 1 ? "" : "s", config.output_dir.string());
  std::vector<DatasetRuns> datasets;
  MultiDatasetContext context{config.name, config.seeds, {}};
  int exit_code = kExitOk;
  for (size_t d = 0; d < experiments.size(); ++d) {
    const std::string& name = config.datasets[d].name;
    spdlog::info("data set {} ({} of {})", name, d + 1, experiments.size());
    DatasetRuns dataset{name, {}};
    const int code = run_experiment_grid(experiments[d], quiet, &dataset.runs);
    datasets.push_back(std::move(dataset));
    if (code == kExitRuntime) {
      exit_code = kExitRuntime;
      context.notes.push_back(fmt::format("Some runs on {} failed: see {}.", name,
                                          (experiments[d].output_dir / "summary.md").string()));
    } else if (code != kExitOk) {
      exit_code = code;
      context.notes.push_back(fmt::format(
          "Interrupted on {}: the data sets after it did not run; run the experiment again to "
          "finish (finished runs are kept).",
          name));
      break;
    }
  }
  write_multi_dataset_report(context, datasets, config.output_dir);
  std::vector<std::string> names;
  std::vector<RankComparison> comparisons;
  for (const DatasetRuns& dataset : datasets) names.push_back(dataset.name);
  for (const RankedMetric& metric : ranked_metrics()) {
    comparisons.push_back(compare_over_datasets(datasets, metric, context.alpha));
  }
  std::fputs(fmt::format("\n{}\nreport over data sets: {} (summary.md, ranks.csv, plots/)\n",
                         multi_dataset_markdown(context, comparisons, names),
                         (config.output_dir / "index.html").string())
                 .c_str(),
             stdout);
  std::fflush(stdout);
  return exit_code;
}

}  // namespace fulcrum::cli
