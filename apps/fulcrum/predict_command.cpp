// `fulcrum predict`: a checkpoint's probabilities and decisions for the rows
// of a file (or standard input), as CSV in a file (or on standard output).

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "model_input.hpp"

namespace fulcrum::cli {

namespace {

// Writing the output over the input would destroy the rows before they are read.
void check_output(const std::string& input, const std::string& output) {
  if (input == "-" || output == "-") return;
  std::error_code error;
  if (std::filesystem::exists(output, error) && std::filesystem::equivalent(input, output, error)) {
    throw data::DataError(fmt::format(
        "predict: the output '{}' is the input file; writing it would destroy the rows", output));
  }
}

// Each multilabel head's decision thresholds, on the scale of the
// probabilities written, so that a reader can check every decision.
void log_thresholds(const train::Predictor& predictor, const train::PredictOptions& options) {
  const std::vector<std::vector<float>> thresholds = predictor.decision_thresholds(options);
  for (size_t h = 0; h < thresholds.size(); ++h) {
    if (thresholds[h].empty()) continue;
    spdlog::info("head '{}': LABEL.pred is 1 when the {} probability >= [{:.6g}]",
                 predictor.card().heads[h].name, options.raw ? "raw" : "written",
                 fmt::join(thresholds[h], ", "));
  }
}

}  // namespace

int run_predict(const PredictCommandOptions& options) {
  check_output(options.input, options.output);
  const train::Predictor predictor = train::Predictor::load(options.checkpoint);
  const ModelInput input = read_model_input(predictor, {.input = options.input,
                                                        .format = options.format,
                                                        .header = options.header,
                                                        .has_labels = options.has_labels});
  const train::PredictOptions predict{.logits = options.logits, .raw = options.raw};
  const train::Predictions predictions = predictor.predict(input.features, predict);
  const std::string text = predictor.to_csv(predictions);
  if (options.output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0) throw data::DataError("predict: cannot write standard output");
  } else {
    train::write_text_file(options.output, text);
  }
  log_thresholds(predictor, predict);
  spdlog::info("{} rows of {} ({}) predicted; written to {}", input.features.size(0), input.source,
               name_of(input.format), options.output == "-" ? "standard output" : options.output);
  return kExitOk;
}

}  // namespace fulcrum::cli
