#pragma once
// The subcommands of `fulcrum`, each a function from parsed options to an
// exit code (exit_codes.hpp). Errors are thrown; main() turns them into a
// one-line message and the matching exit code.

#include <string>
#include <vector>

namespace fulcrum::cli {

struct TrainOptions {
  std::string config;
  std::vector<std::string> overrides;  ///< --set key.path=value
  std::string output_dir;              ///< empty: the config's output_dir
  bool resume = false;                 ///< continue from <output_dir>/last.safetensors
  bool quiet = false;
};

struct EvalOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string checkpoint;
  std::string split = "test";
  std::string json;  ///< optional: write the metrics here as JSON
};

struct PredictOptions {
  std::string checkpoint;
  std::string input;
  std::string output;
  bool logits = false;
  bool raw = false;  ///< uncorrected sigmoid / softmax probabilities (see train::PredictOptions)
  std::string header = "auto";
};

/// `fulcrum train`: trains, prints the test split's per-label tables on stdout.
int run_train(const TrainOptions& options);
/// `fulcrum eval`: evaluates a checkpoint on a split of the config's data.
int run_eval(const EvalOptions& options);
/// `fulcrum predict`: writes a CSV of probabilities and decisions.
int run_predict(const PredictOptions& options);

}  // namespace fulcrum::cli
