// `fulcrum train / eval / predict` as a user runs them: exit codes, what is
// printed, and the files a run leaves behind.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "json_outputs.hpp"
#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using fulcrum::testing::CommandResult;
using fulcrum::testing::read_file;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fulcrum::testing::test_dir("cli"); }

  /// Runs `fulcrum ARGS` in the test's directory, capturing stdout and stderr;
  /// `prefix` goes before the binary (VAR=value, or a command that execs it).
  CommandResult fulcrum(const std::string& args, const std::string& prefix = "") const {
    return fulcrum::testing::run_fulcrum(dir_, args, prefix);
  }

  static std::string quickstart() {
    // A path join rather than string + string: GCC 12 reports a false
    // -Warray-bounds on the latter at -O3.
    return (std::filesystem::path(FULCRUM_CONFIGS_DIR) / "quickstart.yaml").string();
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }

  /// A run small enough for a fraction of a second: 4 epochs, dropout, one thread.
  void write_tiny_config() const {
    write("tiny.yaml",
          "seed: 3\nthreads: 1\n"
          "data:\n  synthetic:\n    samples: 300\n    features: 6\n    heads:\n"
          "      labels:\n        kind: multilabel\n        frequencies: [0.5, 0.2, 0.1]\n"
          "model:\n  backbone:\n    sizes: [8]\n    dropout: 0.1\n"
          "  heads:\n    labels:\n      kind: multilabel\n"
          "training:\n  epochs: 4\n  batch_size: 32\n  checkpoint_interval: 0\n");
  }

  std::string bytes(const std::string& name) const { return read_file(dir_ / name); }

  /// The file names in `sub` that contain `part`.
  std::vector<std::string> files_with(const std::string& sub, const std::string& part) const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_ / sub)) {
      const std::string name = entry.path().filename().string();
      if (name.find(part) != std::string::npos) names.push_back(name);
    }
    return names;
  }

  fs::path dir_;
};

#define EXPECT_CONTAINS(haystack, needle)                                                    \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "no \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

TEST_F(Cli, TrainsTheQuickstartConfigAndPrintsPerLabelMetrics) {
  const CommandResult run =
      fulcrum("train " + quickstart() + " --set training.epochs=2 --output-dir out");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The per-label table of the test split, one row per label.
  EXPECT_CONTAINS(run.out, "on the test split");
  EXPECT_CONTAINS(run.out, "precision");
  for (int l = 0; l < 5; ++l) EXPECT_CONTAINS(run.out, "\nlabel" + std::to_string(l) + " ");
  EXPECT_CONTAINS(run.out, "micro");
  // Logs go to stderr, not stdout; not a terminal, so no progress bar.
  EXPECT_CONTAINS(run.err, "epoch 2/2");
  EXPECT_EQ(run.out.find("epoch 1/2"), std::string::npos);
  EXPECT_EQ(run.err.find('\r'), std::string::npos);

  const fulcrum::train::RunPaths paths{dir_ / "out"};
  for (const auto& file :
       {paths.config(), paths.metrics_log(), paths.last_checkpoint(), paths.best_checkpoint(),
        paths.test_metrics_json(), paths.test_metrics_csv(), paths.summary()}) {
    EXPECT_TRUE(fs::exists(file)) << file;
  }
  EXPECT_EQ(fulcrum::train::read_metrics_log(paths.metrics_log()).size(), 2u);
  EXPECT_CONTAINS(read_file(paths.config()), "epochs: 2");
}

TEST_F(Cli, ResumeContinuesTheRun) {
  ASSERT_EQ(
      fulcrum("train " + quickstart() + " -q --set training.epochs=2 --output-dir out").exit_code,
      0);
  const CommandResult run =
      fulcrum("train " + quickstart() + " -q --set training.epochs=3 --output-dir out --resume");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto log = fulcrum::train::read_metrics_log(dir_ / "out" / "metrics.jsonl");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2]["epoch"], 3);
}

TEST_F(Cli, ResumeWithAChangedConfigNamesEachChangeAndKeepsTheSummaryConsistent) {
  write_tiny_config();
  ASSERT_EQ(fulcrum("train tiny.yaml -q --output-dir out --set training.epochs=2").exit_code, 0);
  const CommandResult grown =
      fulcrum("train tiny.yaml --output-dir out --resume --set training.optimizer.lr=0.002");
  ASSERT_EQ(grown.exit_code, 0) << grown.err;
  EXPECT_CONTAINS(grown.err, "2 changed settings (saved -> now)");
  EXPECT_CONTAINS(grown.err, "training.epochs: 2 -> 4");
  EXPECT_CONTAINS(grown.err, "training.optimizer.lr: 0.001 -> 0.002");
  const nlohmann::json summary = nlohmann::json::parse(read_file(dir_ / "out" / "summary.json"));
  EXPECT_EQ(summary["epochs"], 4);
  EXPECT_EQ(summary["epochs_completed"], 4);

  // Fewer epochs than the run has done: refused, the summary untouched.
  const CommandResult shrunk =
      fulcrum("train tiny.yaml --output-dir out --resume --set training.epochs=3");
  EXPECT_EQ(shrunk.exit_code, 2) << shrunk.err;
  EXPECT_CONTAINS(shrunk.err, "training.epochs: 3 is fewer than the 4 epochs");
  EXPECT_EQ(nlohmann::json::parse(read_file(dir_ / "out" / "summary.json"))["epochs"], 4);

  // Another architecture: refused, naming the key and both values.
  const CommandResult reshaped =
      fulcrum("train tiny.yaml --output-dir out --resume --set model.backbone.sizes=[16]");
  EXPECT_EQ(reshaped.exit_code, 2) << reshaped.err;
  EXPECT_CONTAINS(reshaped.err, "model.backbone.sizes: [8] -> [16]");
  EXPECT_CONTAINS(reshaped.err, "cannot change when a run is resumed");
}

TEST_F(Cli, TheEpochLogLineIsShortAndSaysTheTimeLeft) {
  write_tiny_config();
  const CommandResult run = fulcrum("train tiny.yaml --output-dir out");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.err);
  int epoch_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("epoch ") == std::string::npos || line.find(" left") == std::string::npos) {
      continue;
    }
    ++epoch_lines;
    EXPECT_LT(line.size(), 100u) << line;
    EXPECT_CONTAINS(line, " elapsed, ~");
  }
  EXPECT_EQ(epoch_lines, 4) << run.err;
}

TEST_F(Cli, EvalAndPredictWithTheCheckpoint) {
  ASSERT_EQ(
      fulcrum("train " + quickstart() + " -q --set training.epochs=2 --output-dir out").exit_code,
      0);
  const CommandResult eval =
      fulcrum("eval " + quickstart() +
              " --checkpoint out/best.safetensors --split validation --json v.json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_CONTAINS(eval.out, "on the validation split");
  EXPECT_TRUE(fs::exists(dir_ / "v.json"));

  // Three rows of the quickstart's 20 features, by name, in another order.
  std::string csv;
  for (int f = 19; f >= 0; --f) csv += fmt::format("x{}{}", f, f ? "," : "\n");
  for (int r = 0; r < 3; ++r) {
    for (int f = 0; f < 20; ++f) csv += fmt::format("{}{}", 0.1 * (r - f % 3), f < 19 ? "," : "\n");
  }
  write("rows.csv", csv);
  const CommandResult predict = fulcrum(
      "predict --checkpoint out/best.safetensors --input rows.csv --output preds.csv --logits");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  std::ifstream in(dir_ / "preds.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("labels.label0,labels.label1,", 0), 0u) << header;
  EXPECT_CONTAINS(header, "labels.label4.pred");
  EXPECT_CONTAINS(header, "labels.label4.logit");
  int rows = 0;
  for (std::string line; std::getline(in, line);) ++rows;
  EXPECT_EQ(rows, 3);

  write("bad.csv", "x0,x1\n1,2\n");
  const CommandResult missing =
      fulcrum("predict --checkpoint out/best.safetensors --input bad.csv --output p.csv");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_CONTAINS(missing.err, "fulcrum: error: ");
  EXPECT_CONTAINS(missing.err, "missing feature columns x2, x3");
}

// The numbers `fulcrum predict` writes are the in-process model's: the run's
// checkpoint loaded with train::Predictor gives every probability, decision
// and logit of the CSV, to the bit (fmt writes the shortest float that reads
// back exactly).
TEST_F(Cli, PredictWritesTheInProcessModelsNumbers) {
  ASSERT_EQ(
      fulcrum("train " + quickstart() + " -q --set training.epochs=2 --output-dir out").exit_code,
      0);
  const auto predictor = fulcrum::train::Predictor::load(dir_ / "out" / "best.safetensors");
  const std::vector<std::string>& names = predictor.feature_names();
  const auto rows = 4;
  const auto features = static_cast<int64_t>(names.size());
  fulcrum::Tensor x = fulcrum::Tensor::empty({rows, features});
  // The columns in reverse order: predict finds them by name.
  std::string csv;
  for (int64_t f = features; f-- > 0;) csv += names[f] + (f ? "," : "\n");
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t f = features; f-- > 0;) {
      const float value = 0.37f * static_cast<float>(r - 1) - 0.11f * static_cast<float>(f % 5);
      x.data()[r * features + f] = value;
      csv += fmt::format("{}{}", value, f ? "," : "\n");
    }
  write("rows.csv", csv);
  const CommandResult predict = fulcrum(
      "predict --checkpoint out/best.safetensors --input rows.csv --output preds.csv --logits");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;

  const fulcrum::train::Predictions want = predictor.predict(x, {.logits = true});
  const auto columns = static_cast<int64_t>(want.columns.size());
  std::ifstream in(dir_ / "preds.csv");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  std::string header;
  for (int64_t c = 0; c < columns; ++c) header += want.columns[c] + (c + 1 < columns ? "," : "");
  EXPECT_EQ(line, header);
  for (int64_t r = 0; r < rows; ++r) {
    ASSERT_TRUE(std::getline(in, line)) << "row " << r << " missing";
    std::stringstream fields(line);
    std::string field;
    for (int64_t c = 0; c < columns; ++c) {
      ASSERT_TRUE(std::getline(fields, field, ',')) << "row " << r << " is short";
      EXPECT_EQ(std::strtof(field.c_str(), nullptr), want.values.data()[r * columns + c])
          << "row " << r << ", column " << want.columns[c];
    }
  }
  EXPECT_FALSE(std::getline(in, line)) << "extra row: " << line;
}

TEST_F(Cli, AConfigErrorExitsWithTwoNamingTheKey) {
  const CommandResult typo =
      fulcrum("train " + quickstart() + " --set training.epocs=2 --output-dir out");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_CONTAINS(typo.err, "fulcrum: error: ");
  EXPECT_CONTAINS(typo.err, "training.epocs");

  write("bad.yaml",
        "model:\n  heads:\n    labels: {kind: multilabel}\n  backbone:\n    dropout: 1.5\n"
        "data:\n  synthetic:\n    heads:\n      labels: {frequencies: [0.5]}\n");
  const CommandResult bad = fulcrum("train bad.yaml");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_CONTAINS(bad.err, "model.backbone.dropout");
  EXPECT_FALSE(fs::exists(dir_ / "runs"));

  const CommandResult no_file = fulcrum("train nope.yaml");
  EXPECT_EQ(no_file.exit_code, 2);
  EXPECT_CONTAINS(no_file.err, "nope.yaml");
}

TEST_F(Cli, AMissingDataFileExitsWithThree) {
  write("csv.yaml",
        "data:\n  source: csv\n  train: no_such_file.csv\n  targets:\n    labels: {last: 2}\n"
        "model:\n  heads:\n    labels: {kind: multilabel}\n");
  const CommandResult run = fulcrum("train csv.yaml");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_CONTAINS(run.err, "fulcrum: error: ");
  EXPECT_CONTAINS(run.err, "no_such_file.csv");
}

TEST_F(Cli, UsageErrorsExitWithTwo) {
  // Each refusal says what is wrong, not only that something is.
  const CommandResult none = fulcrum("");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_CONTAINS(none.err, "fulcrum: error: A subcommand is required");
  const CommandResult fly = fulcrum("fly");
  EXPECT_EQ(fly.exit_code, 2);
  EXPECT_CONTAINS(fly.err, "unknown command 'fly'");
  const CommandResult run = fulcrum("train " + quickstart() + " --epochs 3");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_CONTAINS(run.err, "fulcrum: error: ");
  EXPECT_CONTAINS(run.err, "--epochs");
  const CommandResult no_checkpoint = fulcrum("predict --input x.csv --output y.csv");
  EXPECT_EQ(no_checkpoint.exit_code, 2);
  EXPECT_CONTAINS(no_checkpoint.err, "--checkpoint is required");
  const CommandResult split = fulcrum("eval " + quickstart() + " --checkpoint c --split dev");
  EXPECT_EQ(split.exit_code, 2);
  EXPECT_CONTAINS(split.err, "--split: unknown split 'dev' (valid: train, validation, test)");
  const CommandResult header =
      fulcrum("predict --checkpoint c --input x.csv --output y.csv --header maybe");
  EXPECT_EQ(header.exit_code, 2);
  EXPECT_CONTAINS(header.err, "--header: unknown header mode 'maybe' (valid: auto, yes, no)");
  const CommandResult resume = fulcrum("train " + quickstart() + " --resume --output-dir empty");
  EXPECT_EQ(resume.exit_code, 2);
  EXPECT_CONTAINS(resume.err, "last.safetensors");
}

TEST_F(Cli, HelpOnEverySubcommandAndVersion) {
  for (const char* command : {"--help", "train --help", "eval --help", "predict --help"}) {
    const CommandResult run = fulcrum(command);
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_CONTAINS(run.out, "Usage");
  }
  EXPECT_CONTAINS(fulcrum("train --help").out, "--set");
  EXPECT_CONTAINS(fulcrum("predict --help").out, "--checkpoint");
  const CommandResult version = fulcrum("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_CONTAINS(version.out, "fulcrum ");
}

// The CSV as rows of named columns (a tiny reader: no quoted commas here).
std::vector<std::pair<std::string, std::vector<std::string>>> columns_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::pair<std::string, std::vector<std::string>>> columns;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) columns.push_back({name, {}});
  while (std::getline(in, line)) {
    std::stringstream row(line);
    size_t c = 0;
    for (std::string field; std::getline(row, field, ','); ++c)
      columns.at(c).second.push_back(field);
  }
  return columns;
}

TEST_F(Cli, PredictServesAModelTrainedFromCppObjects) {
  // A user's own program: a MultiHead, HeadLosses and an optimizer made in
  // C++, trained by the Trainer without any config.
  const std::string command =
      "cd '" + dir_.string() + "' && '" FULCRUM_HAND_BUILT_EXAMPLE "' hand > example.txt 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(dir_ / "example.txt");
  ASSERT_TRUE(fs::exists(dir_ / "hand" / "best.safetensors"));
  EXPECT_FALSE(fs::exists(dir_ / "hand" / "config.yaml")) << "there was no config to write";

  const CommandResult predict = fulcrum(
      "predict --checkpoint hand/best.safetensors --input hand/test_rows.csv --output p.csv");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const auto served = columns_of(dir_ / "p.csv");
  const auto own = columns_of(dir_ / "hand" / "in_process.csv");
  ASSERT_EQ(served.size(), own.size());
  int compared = 0;
  for (size_t c = 0; c < served.size(); ++c) {
    ASSERT_EQ(served[c].first, own[c].first);
    ASSERT_EQ(served[c].second.size(), 240u);
    if (served[c].first.ends_with(".pred")) continue;  // rating.pred is a class name in the CSV
    for (size_t i = 0; i < served[c].second.size(); ++i) {
      EXPECT_NEAR(std::stod(served[c].second[i]), std::stod(own[c].second[i]), 1e-6)
          << served[c].first << " row " << i;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 240 * 7);  // 4 tag and 3 rating probabilities per row

  // No config in the checkpoint: eval needs one for the data, and says so.
  const CommandResult eval = fulcrum("eval --checkpoint hand/best.safetensors");
  EXPECT_EQ(eval.exit_code, 2);
  EXPECT_CONTAINS(eval.err, "without a run config");
}

TEST_F(Cli, EvalWithoutAConfigUsesTheStoredOneAndReproducesTheTestMetrics) {
  ASSERT_EQ(
      fulcrum("train " + quickstart() + " -q --set training.epochs=2 --output-dir out").exit_code,
      0);
  const CommandResult eval = fulcrum("eval --checkpoint out/best.safetensors --json t.json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto trained = nlohmann::json::parse(read_file(dir_ / "out" / "test_metrics.json"));
  const auto evaluated = nlohmann::json::parse(read_file(dir_ / "t.json"));
  EXPECT_EQ(evaluated["samples"], trained["samples"]);
  EXPECT_EQ(evaluated["loss"], trained["loss"]);
  // Every number of every head, exactly: the same model on the same rows.
  ASSERT_FALSE(trained.at("heads").empty());
  ASSERT_EQ(evaluated.at("heads").size(), trained.at("heads").size());
  for (const auto& [head, metrics] : trained.at("heads").items()) {
    ASSERT_TRUE(evaluated.at("heads").contains(head)) << head;
    const auto& got = evaluated.at("heads").at(head);
    EXPECT_GT(metrics.size(), 10u) << head;
    EXPECT_EQ(got.size(), metrics.size()) << head;
    for (const auto& [metric, value] : metrics.items())
      EXPECT_EQ(got.value(metric, nlohmann::json()), value) << head << "." << metric;
  }
}

TEST_F(Cli, AKillAtAnyStepOfASaveResumesToTheSameModel) {
  write_tiny_config();
  // The same output_dir: the checkpoint's metadata holds the config, output_dir included.
  ASSERT_EQ(fulcrum("train tiny.yaml -q --output-dir k").exit_code, 0);
  const std::string expected = bytes("k/best.safetensors");
  ASSERT_FALSE(expected.empty());
  fs::remove_all(dir_ / "k");
  // @1 of optimizer-written: the first last checkpoint never completes, so
  // --resume starts the run again; the others hit the second epoch's saves.
  for (const char* step :
       {"optimizer-written@1", "optimizer-written@2", "optimizer-renamed@2", "model-written@2",
        "model-written@3", "model-renamed@2", "model-renamed@3"}) {
    SCOPED_TRACE(step);
    const CommandResult killed = fulcrum("train tiny.yaml -q --output-dir k",
                                         std::string("FULCRUM_TEST_ABORT_SAVE=") + step);
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL);  // the shell's code for a child killed by it
    const CommandResult resumed = fulcrum("train tiny.yaml -q --output-dir k --resume");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(bytes("k/best.safetensors") == expected) << "the final model differs";
    EXPECT_TRUE(files_with("k", ".tmp.").empty());
    EXPECT_EQ(files_with("k", "last.optim.").size(), 1u);
    EXPECT_EQ(fulcrum::train::read_metrics_log(dir_ / "k" / "metrics.jsonl").size(), 4u);
    fs::remove_all(dir_ / "k");
  }
}

// A kill before the first file was written whole leaves only temporary files
// (and run.lock): that is a run, which --resume starts again from the first
// epoch, removing them, and which train without --resume does not silently replace.
TEST_F(Cli, AKillBeforeTheFirstCheckpointLeavesARunThatResumeStartsAgain) {
  write_tiny_config();
  fs::create_directories(dir_ / "k");
  write("k/config.yaml.tmp.0123456789abcdef", "seed: 3\n");
  write("k/run.lock", "");
  const CommandResult fresh = fulcrum("train tiny.yaml -q --output-dir k");
  EXPECT_EQ(fresh.exit_code, 2);
  EXPECT_CONTAINS(fresh.err, "already holds a run");

  const CommandResult resumed = fulcrum("train tiny.yaml -q --output-dir k --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_CONTAINS(resumed.err, "has no complete checkpoint yet; starting it from the first epoch");
  EXPECT_EQ(fulcrum::train::read_metrics_log(dir_ / "k" / "metrics.jsonl").size(), 4u);
  EXPECT_TRUE(files_with("k", ".tmp.").empty());
}

TEST_F(Cli, SigtermAndSighupStopAfterTheEpochAndTheRunResumesExactly) {
  write_tiny_config();
  ASSERT_EQ(fulcrum("train tiny.yaml -q --output-dir s").exit_code, 0);
  const std::string expected = bytes("s/best.safetensors");
  fs::remove_all(dir_ / "s");
  for (const char* signal : {"SIGTERM", "SIGHUP"}) {
    SCOPED_TRACE(signal);
    // The signal arrives during the second epoch's last checkpoint (the only
    // saves with an optimizer file), through the checkpoint's test hook: no
    // timing involved.
    const CommandResult stopped =
        fulcrum("train tiny.yaml --output-dir s",
                std::string("FULCRUM_TEST_ABORT_SAVE=optimizer-renamed@2:") + signal);
    EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
    EXPECT_CONTAINS(stopped.err, "interrupted after epoch 2 of 4");
    EXPECT_EQ(fulcrum::train::read_metrics_log(dir_ / "s" / "metrics.jsonl").size(), 2u);
    const CommandResult resumed = fulcrum("train tiny.yaml -q --output-dir s --resume");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(bytes("s/best.safetensors") == expected) << "the final model differs";
    fs::remove_all(dir_ / "s");
  }
}

TEST_F(Cli, ASecondTrainerIntoTheSameDirectoryFailsNamingTheFirstOnesPid) {
  write_tiny_config();
  // The first trainer stops itself (SIGSTOP) in its first save, holding the lock.
  const pid_t first = ::fork();
  ASSERT_GE(first, 0);
  if (first == 0) {
    ::setenv("FULCRUM_TEST_ABORT_SAVE", "model-renamed@1:SIGSTOP", 1);
    if (::chdir(dir_.c_str()) != 0) std::_Exit(99);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(FULCRUM_BIN, FULCRUM_BIN, "train", "tiny.yaml", "--output-dir", "shared",
            static_cast<char*>(nullptr));
    std::_Exit(98);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(first, &status, WUNTRACED), first);
  ASSERT_TRUE(WIFSTOPPED(status)) << status;

  const CommandResult second = fulcrum("train tiny.yaml --output-dir shared --overwrite");
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_CONTAINS(second.err, "pid " + std::to_string(first));
  EXPECT_CONTAINS(second.err, "shared");
  const CommandResult resume = fulcrum("train tiny.yaml --output-dir shared --resume");
  EXPECT_EQ(resume.exit_code, 1);
  EXPECT_CONTAINS(resume.err, "pid " + std::to_string(first));

  // The first one continues and finishes undisturbed.
  ::kill(first, SIGCONT);
  ASSERT_EQ(::waitpid(first, &status, 0), first);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(fulcrum::train::read_metrics_log(dir_ / "shared" / "metrics.jsonl").size(), 4u);
}

TEST_F(Cli, SymlinksPlantedAtTemporaryNamesAreNotWrittenThrough) {
  write_tiny_config();
  write("victim.txt", "keep me\n");
  fs::create_directories(dir_ / "out");
  // The names the writer once used (<file>.tmp.<pid>): the pid is that of the
  // shell, which exec's fulcrum.
  std::string plant;
  for (const char* name : {"last.safetensors", "last.optim.safetensors", "best.safetensors",
                           "metrics.jsonl", "config.yaml"}) {
    plant += fmt::format("ln -s ../victim.txt out/{}.tmp.$$; ", name);
  }
  const CommandResult run =
      fulcrum("train tiny.yaml -q --output-dir out", "sh -c '" + plant + "exec \"$0\" \"$@\"'");
  EXPECT_EQ(read_file(dir_ / "victim.txt"), "keep me\n");
  EXPECT_TRUE(fs::exists(dir_ / "out" / "best.safetensors")) << run.err;
}

TEST_F(Cli, ATornLastMetricsLineIsDroppedOnResume) {
  write_tiny_config();
  ASSERT_EQ(fulcrum("train tiny.yaml -q --output-dir out --set training.epochs=2").exit_code, 0);
  std::ofstream(dir_ / "out" / "metrics.jsonl", std::ios::app) << R"({"epoch": 3, "lr": 0.0)";
  const CommandResult resumed = fulcrum("train tiny.yaml --output-dir out --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_CONTAINS(resumed.err, "dropped the last line");
  const auto log = fulcrum::train::read_metrics_log(dir_ / "out" / "metrics.jsonl");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[2]["epoch"], 3);
}

TEST_F(Cli, TrainRefusesADirectoryWithARunUnlessResumeOrOverwrite) {
  write_tiny_config();
  ASSERT_EQ(fulcrum("train tiny.yaml -q --output-dir out").exit_code, 0);
  const std::string best = bytes("out/best.safetensors");
  const CommandResult again = fulcrum("train tiny.yaml -q --output-dir out");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_CONTAINS(again.err, "already holds a run");
  EXPECT_CONTAINS(again.err, "--resume");
  EXPECT_CONTAINS(again.err, "--overwrite");
  EXPECT_TRUE(bytes("out/best.safetensors") == best) << "the refused run touched the old one";
  EXPECT_EQ(fulcrum("train tiny.yaml -q --output-dir out --resume --overwrite").exit_code, 2);

  fs::remove(dir_ / "out" / "best.safetensors");
  const CommandResult overwrite = fulcrum("train tiny.yaml -q --output-dir out --overwrite");
  ASSERT_EQ(overwrite.exit_code, 0) << overwrite.err;
  EXPECT_TRUE(bytes("out/best.safetensors") == best) << "not the same run again, bit for bit";
}

TEST_F(Cli, ANameOrOutputDirLeavingTheOutputRootIsAConfigError) {
  write_tiny_config();
  const CommandResult name = fulcrum("train tiny.yaml --set name=../../escaped");
  EXPECT_EQ(name.exit_code, 2);
  EXPECT_CONTAINS(name.err, "name");
  EXPECT_CONTAINS(name.err, "'../../escaped'");
  const CommandResult absolute = fulcrum("train tiny.yaml --set name=/tmp/escaped");
  EXPECT_EQ(absolute.exit_code, 2);
  EXPECT_CONTAINS(absolute.err, "name");
  const CommandResult output_dir = fulcrum("train tiny.yaml --set output_dir=../escaped");
  EXPECT_EQ(output_dir.exit_code, 2);
  EXPECT_CONTAINS(output_dir.err, "output_dir");
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "escaped"));
  EXPECT_FALSE(fs::exists(dir_ / "runs"));
  // Given by the user on the command line, an absolute directory stays allowed.
  const CommandResult explicit_dir =
      fulcrum("train tiny.yaml -q --set training.epochs=1 --output-dir '" +
              (dir_ / "abs").string() + "'");
  EXPECT_EQ(explicit_dir.exit_code, 0) << explicit_dir.err;
}

}  // namespace
