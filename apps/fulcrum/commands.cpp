#include "commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>

#include "exit_codes.hpp"
#include "fulcrum/train/config_error.hpp"
#include "fulcrum/train/config_loader.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "fulcrum/train/trainer.hpp"
#include "progress_bar.hpp"

namespace fulcrum::cli {

namespace {

// Ctrl-C asks the trainer to stop after the current epoch (its checkpoint is
// written, so `--resume` continues); a second Ctrl-C kills the process.
std::atomic<train::Trainer*> g_trainer{nullptr};

extern "C" void on_interrupt(int) {
  if (train::Trainer* trainer = g_trainer.load()) trainer->request_stop();
  std::signal(SIGINT, SIG_DFL);
}

class InterruptHandler {
 public:
  explicit InterruptHandler(train::Trainer& trainer) {
    g_trainer.store(&trainer);
    previous_ = std::signal(SIGINT, on_interrupt);
  }
  ~InterruptHandler() {
    std::signal(SIGINT, previous_);
    g_trainer.store(nullptr);
  }
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

void print(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int run_train(const TrainOptions& options) {
  train::RunConfig config = train::load_config(options.config, options.overrides);
  if (!options.output_dir.empty()) config.output_dir = options.output_dir;
  const train::RunPaths paths{config.output_dir};
  if (options.resume && !std::filesystem::exists(paths.last_checkpoint())) {
    throw train::ConfigError(
        fmt::format("--resume: no checkpoint to resume from at {} (train without --resume first)",
                    paths.last_checkpoint().string()),
        options.config, 0, 0, "output_dir");
  }
  const bool show_progress = !options.quiet && config.training.progress && stderr_is_terminal();

  train::Trainer trainer(config);
  ProgressBar bar(show_progress);
  trainer.set_callbacks({[&bar](const train::BatchProgress& p) { bar.update(p); }, nullptr});
  InterruptHandler interrupt(trainer);
  const train::TrainResult result =
      options.resume ? trainer.fit(paths.last_checkpoint()) : trainer.fit();
  bar.clear();

  if (result.interrupted) {
    std::string again = "fulcrum train " + options.config;
    for (const std::string& setting : options.overrides) again += " --set " + setting;
    if (!options.output_dir.empty()) again += " --output-dir " + options.output_dir;
    spdlog::warn("interrupted after epoch {} of {}; continue with: {} --resume",
                 result.epochs_completed, trainer.config().training.epochs, again);
    return kExitInterrupted;
  }
  if (result.test) {
    print(result.test->format_report());
  } else if (trainer.data().validation.size() > 0) {
    spdlog::info("no test split; the best model on the validation split:");
    print(trainer.evaluate("validation").format_report());
  }
  print(fmt::format("epochs: {}{}  best epoch: {} ({} {})\noutputs: {}\n", result.epochs_completed,
                    result.stopped_early ? " (stopped early)" : "", result.best_epoch,
                    result.monitor,
                    result.best_value ? fmt::format("{:.4f}", *result.best_value) : "n/a",
                    result.paths.dir.string()));
  return kExitOk;
}

int run_eval(const EvalOptions& options) {
  const train::RunConfig config = train::load_config(options.config, options.overrides);
  train::Trainer trainer(config);
  trainer.load_checkpoint(options.checkpoint);
  const train::EvaluationResult result = trainer.evaluate(options.split);
  print(result.format_report());
  if (!options.json.empty()) {
    train::write_text_file(options.json, result.to_json().dump(2) + "\n");
    spdlog::info("metrics written to {}", options.json);
  }
  return kExitOk;
}

int run_predict(const PredictOptions& options) {
  const train::Predictor predictor = train::Predictor::load(options.checkpoint);
  train::PredictCsvOptions csv;
  csv.predict.logits = options.logits;
  csv.predict.raw = options.raw;
  csv.header = options.header;
  const int64_t rows = predictor.predict_csv(options.input, options.output, csv);
  spdlog::info("{} rows predicted; written to {}", rows, options.output);
  return kExitOk;
}

}  // namespace fulcrum::cli
