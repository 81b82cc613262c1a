// `fulcrum predict`: a checkpoint's probabilities and decisions for the rows
// of a file (or standard input), as CSV in a file (or on standard output).

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
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
// probabilities written, so that a reader can check every decision (all of
// them with --thresholds).
void log_thresholds(const train::Predictor& predictor,
                    const std::vector<std::vector<float>>& thresholds, bool raw) {
  constexpr size_t kShown = 20;
  for (size_t h = 0; h < thresholds.size(); ++h) {
    const std::vector<float>& t = thresholds[h];
    if (t.empty()) continue;
    spdlog::info(
        "head '{}': LABEL.pred is 1 when the {} probability >= [{:.6g}{}]",
        predictor.card().heads[h].name, raw ? "raw" : "written",
        fmt::join(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(std::min(t.size(), kShown)),
                  ", "),
        t.size() > kShown ? fmt::format(", ... ({} labels; --thresholds FILE lists them)", t.size())
                          : "");
  }
}

// head,label,threshold: every multilabel decision threshold on the written
// scale, with the stored one it comes from (to the float32 that decides).
std::string thresholds_csv(const train::Predictor& predictor,
                           const std::vector<std::vector<float>>& thresholds) {
  std::string text = "head,label,threshold,stored_threshold\n";
  for (size_t h = 0; h < thresholds.size(); ++h) {
    const train::HeadCard& head = predictor.card().heads[h];
    for (size_t l = 0; l < thresholds[h].size(); ++l) {
      text += fmt::format("{},{},{},{}\n", head.name, head.labels[l], thresholds[h][l],
                          static_cast<float>(head.thresholds[l]));
    }
  }
  return text;
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
  const std::vector<std::vector<float>> thresholds = predictor.decision_thresholds(predict);
  log_thresholds(predictor, thresholds, options.raw);
  if (!options.thresholds.empty()) {
    train::write_text_file(options.thresholds, thresholds_csv(predictor, thresholds));
  }
  spdlog::info("{} rows of {} ({}) predicted; written to {}", input.features.size(0), input.source,
               name_of(input.format), options.output == "-" ? "standard output" : options.output);
  return kExitOk;
}

}  // namespace fulcrum::cli
