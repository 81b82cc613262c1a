// `fulcrum eval`: a checkpoint's metrics on a split of its run's data, or on
// the labelled rows of a file (--input).

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "model_input.hpp"

namespace fulcrum::cli {

namespace {

void report(const train::EvaluationResult& result, const std::string& json) {
  std::fputs(result.format_report().c_str(), stdout);
  std::fflush(stdout);
  if (!json.empty()) {
    train::write_text_file(json, result.to_json_string(2) + "\n");
    spdlog::info("metrics written to {}", json);
  }
}

}  // namespace

int run_eval(const EvalOptions& options) {
  const train::Predictor predictor = train::Predictor::load(options.checkpoint);
  if (!options.input.empty()) {
    if (!options.config.empty()) {
      throw config::ConfigError(
          "eval --input evaluates the rows of a file; a CONFIG names a run's data instead: give "
          "one or the other",
          options.config, 0, 0, "");
    }
    const data::Dataset rows = read_labelled_input(
        predictor, {.input = options.input, .format = options.format, .header = options.header});
    const std::string name = options.input == "-" ? "standard input" : options.input;
    report(train::evaluate_checkpoint(predictor, rows, name), options.json);
    return kExitOk;
  }
  config::RunConfig config;
  if (!options.config.empty()) {
    config = config::load_config(options.config, options.overrides);
  } else if (predictor.card().config_yaml.empty()) {
    throw config::ConfigError(
        fmt::format("{} holds a model trained from C++ objects, without a run config: give the "
                    "config of the data to evaluate it on (fulcrum eval CONFIG --checkpoint {})",
                    options.checkpoint, options.checkpoint),
        options.checkpoint, 0, 0, "");
  } else {
    config = config::parse_config(predictor.card().config_yaml,
                                  options.checkpoint + " (stored config)", options.overrides);
  }
  config::check_files_exist(config);
  const train::EvaluationResult result =
      train::evaluate_checkpoint(predictor, config, options.split);
  report(result, options.json);
  return kExitOk;
}

}  // namespace fulcrum::cli
