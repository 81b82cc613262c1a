#include "commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>

#include "exit_codes.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/distributed/communicator.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "fulcrum/train/trainer.hpp"
#include "interrupt.hpp"
#include "progress_bar.hpp"

namespace fulcrum::cli {

namespace {

void print(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int run_train(const TrainOptions& options) {
  config::RunConfig config = config::load_config(options.config, options.overrides);
  if (!options.output_dir.empty()) config.output_dir = options.output_dir;
  if (options.resume && options.overwrite) {
    throw config::ConfigError("--resume and --overwrite exclude each other: continue the run in "
                              "the output directory, or replace it",
                              options.config, 0, 0, "output_dir");
  }
  const train::RunPaths paths{config.output_dir};
  bool resume = options.resume;
  if (resume && !std::filesystem::exists(paths.last_checkpoint())) {
    if (!train::holds_run(paths)) {
      throw config::ConfigError(
          fmt::format("--resume: no checkpoint to resume from at {} (train without --resume first)",
                      paths.last_checkpoint().string()),
          options.config, 0, 0, "output_dir");
    }
    // A run stopped before its first checkpoint was complete: start it again.
    spdlog::warn("--resume: the run in {} has no complete checkpoint yet; starting it from the "
                 "first epoch",
                 paths.dir.string());
    resume = false;
  }
  // Under mpirun, rank 0 alone shows progress and prints the results.
  const bool root = distributed::world()->is_root();
  const bool show_progress =
      root && !options.quiet && config.training.progress && stderr_is_terminal();

  train::Trainer trainer(config);
  // Never replace a run by accident: only --overwrite does (and a --resume
  // of a run that has no checkpoint yet, above).
  trainer.set_existing_run(options.overwrite || options.resume ? train::ExistingRun::Replace
                                                               : train::ExistingRun::Refuse);
  ProgressBar bar(show_progress);
  // Ctrl-C, SIGTERM, SIGHUP: the trainer stops after the current epoch (its
  // checkpoint is written, so `--resume` continues).
  std::atomic<bool> interrupted{false};
  trainer.set_callbacks({[&bar](const train::BatchProgress& p) { bar.update(p); }, nullptr});
  trainer.set_stop_flag(&interrupted);
  const InterruptScope interrupt(interrupted);
  const train::TrainResult result =
      resume ? trainer.fit(paths.last_checkpoint()) : trainer.fit();
  bar.clear();

  if (!root) return result.interrupted ? kExitInterrupted : kExitOk;
  if (result.interrupted) {
    std::string again = "fulcrum train " + options.config;
    for (const std::string& setting : options.overrides) again += " --set " + setting;
    if (!options.output_dir.empty()) again += " --output-dir " + options.output_dir;
    spdlog::warn("interrupted after epoch {} of {}; continue with: {} --resume",
                 result.epochs_completed, trainer.options().epochs, again);
    return kExitInterrupted;
  }
  if (result.test) {
    print(result.test->format_report());
  } else if (trainer.data().validation.size() > 0) {
    spdlog::info("no test split; the best model on the validation split:");
    print(trainer.evaluate(data::Split::Validation).format_report());
  }
  print(fmt::format("epochs: {}{}  best epoch: {} ({} {})\noutputs: {}\n", result.epochs_completed,
                    result.stopped_early ? " (stopped early)" : "", result.best_epoch,
                    result.monitor,
                    result.best_value ? fmt::format("{:.4f}", *result.best_value) : "n/a",
                    result.paths.dir.string()));
  return kExitOk;
}

int run_config_show(const ConfigShowOptions& options) {
  print(config::to_yaml(config::load_config(options.config, options.overrides)));
  return kExitOk;
}

}  // namespace fulcrum::cli
