// fulcrum: train, evaluate and apply multi-label classifiers from a config file.
//
//   fulcrum train configs/quickstart.yaml [--set training.epochs=30] [--resume]
//   fulcrum eval --checkpoint runs/quickstart/best.safetensors [CONFIG]
//   fulcrum predict --checkpoint runs/quickstart/best.safetensors --input x.csv --output p.csv
//   fulcrum export --checkpoint runs/quickstart/best.safetensors --output model.onnx
//   fulcrum predict --checkpoint runs/mulan/best.safetensors --input - --output - < rows.arff
//   fulcrum experiment configs/experiments/yeast.yaml
//   fulcrum config show configs/quickstart.yaml [--set training.epochs=30]
//   fulcrum report runs/quickstart
//
// Results go to stdout, logs and the progress bar to stderr. Exit codes:
// exit_codes.hpp.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "export_command.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/core/names.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/distributed/session.hpp"

#ifndef FULCRUM_VERSION
#define FULCRUM_VERSION "unknown"
#endif

namespace {

using namespace fulcrum::cli;

// Messages quote what users and files wrote (data cells, config keys,
// checkpoint metadata); a control character there could drive the terminal,
// so every one but the line break is shown as \xNN.
std::string printable(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n') || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

int fail(int code, const std::string& message) {
  // Under mpirun the other processes would wait for this one: end them all.
  const auto world = fulcrum::distributed::world();
  if (world->size() > 1) world->abort(code, printable(message));
  std::fflush(stdout);
  std::fputs(fmt::format("fulcrum: error: {}\n", printable(message)).c_str(), stderr);
  return code;
}

// An enum option read by its name. An unknown word gets the message a config
// key gets ("unknown split 'dev' (valid: train, validation, test)") rather
// than CLI11's dump of the name-to-number table.
template <typename E>
CLI::Validator choice_of(const char* what) {
  return CLI::Validator(
      [what](std::string& word) {
        const std::optional<E> value = fulcrum::find_name<E>(word);
        if (!value) return fulcrum::unknown_name_message(what, word, fulcrum::names_of<E>());
        word = std::to_string(static_cast<int>(*value));
        return std::string{};
      },
      fmt::format("{{{}}}", fmt::join(fulcrum::names_of<E>(), ",")));
}

// --set takes one or more KEY=VALUE words ("--set a=1 b=2" and "--set a=1
// --set b=2" alike); a word without '=' is most likely the positional
// argument written after --set.
void add_overrides(CLI::App* command, std::vector<std::string>& overrides) {
  command
      ->add_option("--set", overrides,
                   "Override config values: --set training.epochs=5 [KEY=VALUE ...] "
                   "(repeatable)")
      ->type_name("KEY=VALUE")
      ->check(CLI::Validator(
          [](const std::string& word) {
            return word.find('=') == std::string::npos
                       ? "--set takes KEY=VALUE, got '" + word +
                             "' (write positional arguments before --set)"
                       : std::string{};
          },
          "KEY=VALUE"));
}

// --threads N: the kernels' thread count; 0 uses the cores no other process
// keeps busy (fulcrum/core/parallel.hpp).
void add_threads(CLI::App* command, std::optional<int>& threads) {
  command
      ->add_option("--threads", threads,
                   "Threads for the kernels; 0 (the default) uses the cores that no other "
                   "process keeps busy, re-checked as the run goes")
      ->check(CLI::Validator(
          [](const std::string& word) {
            int n = 0;
            const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), n);
            return error == std::errc{} && end == word.data() + word.size() && n >= 0
                       ? std::string{}
                       : "takes a whole number >= 0 (0: adaptive), got '" + word + "'";
          },
          "N >= 0"));
}

// A first word that names no subcommand: suggest the nearest one, as config
// keys do, before CLI11 reports it as an unexpected argument.
std::optional<std::string> unknown_subcommand(int argc, char** argv, const CLI::App& app) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  const std::string word = argv[1];
  if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
  return fulcrum::unknown_name_message("command", word, names);
}

// Logs go to stderr so that stdout holds only results (tables, paths).
void setup_logging(bool quiet) {
  auto logger = spdlog::stderr_color_mt("fulcrum");
  // Under mpirun: each line names its rank, and only rank 0 says more than warnings.
  const auto world = fulcrum::distributed::world();
  const bool ranked = world->size() > 1;
  logger->set_pattern(ranked ? fmt::format("[%T] rank {} %^%l%$: %v", world->rank())
                             : std::string("[%T] %^%l%$: %v"));
  logger->set_level(quiet || !world->is_root() ? spdlog::level::warn : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  // MPI_Init, only when started by mpirun (docs/distributed.md).
  std::optional<fulcrum::distributed::Session> session;
  try {
    session.emplace(argc, argv);
  } catch (const std::exception& e) {
    return fail(kExitUsage, e.what());
  }
  CLI::App app{"fulcrum: training for imbalanced multi-label classifiers", "fulcrum"};
  app.set_version_flag("--version", std::string("fulcrum ") + FULCRUM_VERSION);
  app.require_subcommand(1);
  app.footer(exit_codes_help());

  TrainOptions train;
  CLI::App* train_cmd =
      app.add_subcommand("train", "Train a model as CONFIG says; print the test metrics per label");
  train_cmd->add_option("config", train.config, "Run config (YAML), e.g. configs/quickstart.yaml")
      ->required();
  add_overrides(train_cmd, train.overrides);
  train_cmd->add_option("--output-dir", train.output_dir,
                        "Write the run here instead of the config's output_dir");
  train_cmd->add_flag("--resume", train.resume,
                      "Continue the run in the output directory from last.safetensors");
  train_cmd->add_flag("--overwrite", train.overwrite,
                      "Replace the run already in the output directory (without it, train "
                      "refuses such a directory)");
  train_cmd->add_flag("-q,--quiet", train.quiet, "Only warnings and results; no progress bar");
  std::optional<int> train_threads;
  add_threads(train_cmd, train_threads);

  EvalOptions eval;
  CLI::App* eval_cmd = app.add_subcommand(
      "eval", "Evaluate a checkpoint on a split of its run's data; print the metrics");
  eval_cmd->add_option("config", eval.config,
                       "Run config (YAML) of the data; default: the one stored in the checkpoint");
  eval_cmd
      ->add_option("--checkpoint", eval.checkpoint, "Model file, e.g. runs/NAME/best.safetensors")
      ->required();
  eval_cmd->add_option("--split", eval.split, "Which split to evaluate")
      ->transform(choice_of<fulcrum::data::Split>("split"))
      ->default_str("test");
  add_overrides(eval_cmd, eval.overrides);
  eval_cmd->add_option("--json", eval.json, "Also write the metrics to this JSON file");
  eval_cmd->add_option("--input", eval.input,
                       "Evaluate the labelled rows of this file (- for standard input) instead "
                       "of a split: the model's features and its labels where the training data "
                       "had them, read as predict reads them");
  eval_cmd
      ->add_option("--format", eval.format,
                   "Format of --input; default: the format the model was trained on")
      ->transform(choice_of<InputFormat>("input format"));
  eval_cmd
      ->add_option("--header", eval.header,
                   "Whether a CSV --input has a header row (auto: if a field of the first row "
                   "is not a number)")
      ->transform(choice_of<fulcrum::train::HeaderMode>("header mode"))
      ->default_str("auto");
  bool eval_quiet = false;
  eval_cmd->add_flag("-q,--quiet", eval_quiet, "Only warnings and results");
  std::optional<int> eval_threads;
  add_threads(eval_cmd, eval_threads);

  PredictCommandOptions predict;
  CLI::App* predict_cmd = app.add_subcommand(
      "predict",
      "Write per-head probabilities and decisions for the rows of a CSV, ARFF or "
      "libsvm file");
  predict_cmd->footer(
      "Columns, per head: HEAD.LABEL (probability) for each label or class, then HEAD.LABEL.pred\n"
      "(multilabel, 0/1) or HEAD.pred (multiclass, the class name), then with --logits\n"
      "HEAD.LABEL.logit. Every decision is read off the probabilities in its own row:\n"
      "HEAD.LABEL.pred is 1 exactly when HEAD.LABEL >= that label's threshold on the scale\n"
      "written (the run's threshold t, tuned or not, converted for recalibrated probabilities\n"
      "to sigmoid(logit(t) - log(pos_weight)); the log and --thresholds list them), so the\n"
      "decisions are the trained model's; HEAD.pred is the class with the largest HEAD.CLASS.\n"
      "The input must hold exactly the model's features (CSV: --has-labels drops the training\n"
      "file's label columns; ARFF label attributes and libsvm labels are dropped).");
  predict_cmd
      ->add_option("--checkpoint", predict.checkpoint,
                   "Model file, e.g. runs/NAME/best.safetensors")
      ->required();
  predict_cmd
      ->add_option("--input", predict.input,
                   "Rows to predict, or - for standard input (CSV: features by name with a "
                   "header, else by position)")
      ->required();
  predict_cmd->add_option("--output", predict.output, "CSV to write, or - for standard output")
      ->required();
  predict_cmd
      ->add_option("--format", predict.format,
                   "Input format; default: the format the model was trained on (csv for "
                   "synthetic data)")
      ->transform(choice_of<InputFormat>("input format"));
  predict_cmd->add_flag("--has-labels", predict.has_labels,
                        "CSV input also holds the label columns where the training file had "
                        "them (data.targets); drop them");
  predict_cmd->add_option("--thresholds", predict.thresholds,
                          "Also write each label's decision threshold on the scale of the "
                          "probabilities written (CSV: head,label,threshold,stored_threshold)");
  predict_cmd->add_flag("--logits", predict.logits, "Also write the raw logits");
  predict_cmd->add_flag("--raw", predict.raw,
                        "Report sigmoid/softmax of the raw logits, not the probabilities "
                        "recalibrated for pos_weight / class weights");
  predict_cmd
      ->add_option("--header", predict.header,
                   "Whether CSV input has a header row (auto: if a field of the first "
                   "row is not a number)")
      ->transform(choice_of<fulcrum::train::HeaderMode>("header mode"))
      ->default_str("auto");
  bool predict_quiet = false;
  predict_cmd->add_flag("-q,--quiet", predict_quiet, "Only warnings");
  std::optional<int> predict_threads;
  add_threads(predict_cmd, predict_threads);

  ExportCommandOptions export_options;
  CLI::App* export_cmd = add_export_command(app, export_options);

  ExperimentOptions experiment;
  CLI::App* experiment_cmd = app.add_subcommand(
      "experiment",
      "Run a grid of strategies x seeds (each a `fulcrum train` process) and write results.csv, "
      "summary.md, SVG plots and index.html; finished runs are not redone");
  experiment_cmd
      ->add_option("config", experiment.config,
                   "Experiment config (YAML), e.g. configs/experiments/yeast.yaml")
      ->required();
  add_overrides(experiment_cmd, experiment.overrides);
  experiment_cmd->add_option("--output-dir", experiment.output_dir,
                             "Write the runs and the report here instead of the "
                             "experiment's output_dir");
  experiment_cmd->add_flag("-q,--quiet", experiment.quiet, "Only warnings");

  ConfigShowOptions config_show;
  CLI::App* config_cmd = app.add_subcommand("config", "Work with run configs");
  config_cmd->require_subcommand(1);
  CLI::App* show_cmd = config_cmd->add_subcommand(
      "show", "Print CONFIG as the run would use it: every key, defaults and --set applied");
  show_cmd->add_option("config", config_show.config, "Run config (YAML)")->required();
  add_overrides(show_cmd, config_show.overrides);

  ReportOptions report;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Write RUN_DIR/report.html again from the run's files (train writes it too)");
  report_cmd->add_option("run_dir", report.run_dir, "A run's output directory, e.g. runs/yeast")
      ->required()
      ->check(CLI::ExistingDirectory);
  report_cmd
      ->add_option("--curve-labels", report.curve_labels,
                   "Draw PR and ROC curves for this many labels per head, the most frequent")
      ->check(CLI::PositiveNumber)
      ->default_str("16");

  if (const std::optional<std::string> unknown = unknown_subcommand(argc, argv, app)) {
    return fail(kExitUsage, fmt::format("{} (see fulcrum --help)", *unknown));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0; the rest are usage errors.
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail(kExitUsage,
                fmt::format("{} (see fulcrum --help, or fulcrum SUBCOMMAND --help)", e.what()));
  }

  try {
    if (train_cmd->parsed()) {
      // The config's `threads` key, which the run records in its config.yaml.
      if (train_threads) train.overrides.push_back(fmt::format("threads={}", *train_threads));
      setup_logging(train.quiet);
      return run_train(train);
    }
    if (experiment_cmd->parsed()) {
      setup_logging(experiment.quiet);
      return run_experiment(experiment);
    }
    if (show_cmd->parsed()) return run_config_show(config_show);
    if (export_cmd->parsed()) {
      setup_logging(export_options.quiet);
      return run_export(export_options);
    }
    if (report_cmd->parsed()) {
      setup_logging(/*quiet=*/true);
      return run_report(report);
    }
    if (eval_cmd->parsed()) {
      if (eval_threads) fulcrum::set_num_threads(*eval_threads);
      setup_logging(eval_quiet);
      return run_eval(eval);
    }
    if (predict_threads) fulcrum::set_num_threads(*predict_threads);
    setup_logging(predict_quiet);
    return run_predict(predict);
  } catch (const fulcrum::config::ConfigError& e) {
    return fail(kExitUsage, e.what());
  } catch (const fulcrum::data::DataError& e) {
    return fail(kExitData, e.what());
  } catch (const std::exception& e) {
    return fail(kExitRuntime, e.what());
  }
}
