#pragma once
// The subcommands of `fulcrum`, each a function from parsed options to an
// exit code (exit_codes.hpp). Errors are thrown; main() turns them into a
// one-line message and the matching exit code.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fulcrum/data/split.hpp"
#include "fulcrum/train/predictor.hpp"
#include "model_input.hpp"

namespace fulcrum::cli {

struct TrainOptions {
  std::string config;
  std::vector<std::string> overrides;  ///< --set key.path=value
  std::string output_dir;              ///< empty: the config's output_dir
  bool resume = false;                 ///< continue from <output_dir>/last.safetensors
  bool overwrite = false;              ///< replace a run already in the output directory
  bool quiet = false;
};

struct EvalOptions {
  std::string config;  ///< empty: the config stored in the checkpoint
  std::vector<std::string> overrides;
  std::string checkpoint;
  data::Split split = data::Split::Test;
  std::string json;  ///< optional: write the metrics here as JSON
  /// Evaluate the labelled rows of this file ("-": standard input) instead of a split.
  std::string input;
  std::optional<InputFormat> format;                   ///< of `input` (model_input.hpp)
  train::HeaderMode header = train::HeaderMode::Auto;  ///< of a CSV `input`
};

struct PredictCommandOptions {
  std::string checkpoint;
  std::string input;   ///< "-": standard input
  std::string output;  ///< "-": standard output
  bool logits = false;
  bool raw = false;  ///< uncorrected sigmoid / softmax probabilities (train::PredictOptions)
  train::HeaderMode header = train::HeaderMode::Auto;
  std::optional<InputFormat> format;  ///< unset: the training data's (model_input.hpp)
  bool has_labels = false;            ///< CSV: drop the training file's label columns
  std::string thresholds;             ///< optional: write the decision thresholds here (CSV)
};

struct ConfigShowOptions {
  std::string config;
  std::vector<std::string> overrides;
};

struct ExperimentOptions {
  std::string config;
  std::vector<std::string> overrides;  ///< --set of the experiment file's keys
  std::string output_dir;              ///< empty: the experiment's output_dir
  bool quiet = false;
};

struct ReportOptions {
  std::string run_dir;
  int64_t curve_labels = 16;  ///< train::RunReportOptions::curve_labels
};

/// `fulcrum train`: trains, prints the test split's per-label tables on stdout.
int run_train(const TrainOptions& options);
/// `fulcrum eval`: evaluates a checkpoint on a split of its run's data, or on
/// the labelled rows of a file.
int run_eval(const EvalOptions& options);
/// `fulcrum predict`: writes a CSV of probabilities and decisions.
int run_predict(const PredictCommandOptions& options);
/// `fulcrum config show`: the config with defaults and overrides, as YAML on stdout.
int run_config_show(const ConfigShowOptions& options);
/// `fulcrum experiment`: runs the grid as `fulcrum train` processes and
/// writes the report; exit code 1 when a run failed, 130 when interrupted.
int run_experiment(const ExperimentOptions& options);
/// `fulcrum report`: writes RUN_DIR/report.html again from the run's files.
int run_report(const ReportOptions& options);

}  // namespace fulcrum::cli
