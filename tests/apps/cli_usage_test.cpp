// The `fulcrum` command's usage: a mistyped subcommand gets a suggestion, the
// exit codes are in --help, --set takes several KEY=VALUE words, and
// `fulcrum config show` prints the config a run would use.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fulcrum/config/loader.hpp"
#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using Result = fulcrum::testing::CommandResult;

// Runs `fulcrum ARGS` in a directory of this test's own.
Result fulcrum(const std::string& args) {
  const fulcrum::testing::TempDir tmp("fulcrum_cli_usage");
  return fulcrum::testing::run_fulcrum(tmp.path(), args);
}

std::string quickstart() { return (fs::path(FULCRUM_CONFIGS_DIR) / "quickstart.yaml").string(); }

#define EXPECT_CONTAINS(haystack, needle)                                                    \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "no \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

TEST(CliUsage, AMistypedSubcommandGetsASuggestion) {
  const Result run = fulcrum("trian " + quickstart());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_CONTAINS(run.err, "unknown command 'trian'; did you mean 'train'?");
  EXPECT_CONTAINS(run.err, "(valid: train, eval, predict, export, experiment, config, report)");
}

TEST(CliUsage, HelpListsTheExitCodes) {
  const Result run = fulcrum("--help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_CONTAINS(run.out, "Exit codes: 0 ok; 1 runtime error");
  EXPECT_CONTAINS(run.out, "2 usage or config error; 3 data error; 130 interrupted");
  EXPECT_CONTAINS(fulcrum("train --help").out, "Exit codes:");
}

TEST(CliUsage, ConfigShowPrintsTheResolvedConfigWithEverySetApplied) {
  const Result run =
      fulcrum("config show " + quickstart() + " --set training.epochs=3 seed=4 --set threads=1");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fulcrum::config::RunConfig shown = fulcrum::config::parse_config(run.out, "shown.yaml");
  EXPECT_EQ(shown.training.epochs, 3);
  EXPECT_EQ(shown.seed, 4u);
  EXPECT_EQ(shown.threads, 1);
  // Every key is written, defaults included, and it reads back to the same config.
  const fulcrum::config::RunConfig direct =
      fulcrum::config::load_config(quickstart(), {"training.epochs=3", "seed=4", "threads=1"});
  fulcrum::config::RunConfig expected = direct;
  expected.source_path = "shown.yaml";
  EXPECT_EQ(shown, expected);
  EXPECT_CONTAINS(run.out, "early_stopping:");
}

TEST(CliUsage, ExperimentTakesSetAndOutputDir) {
  const Result help = fulcrum("experiment --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_CONTAINS(help.out, "--set KEY=VALUE");
  EXPECT_CONTAINS(help.out, "--output-dir");
  const Result bad = fulcrum(
      "experiment " + (fs::path(FULCRUM_CONFIGS_DIR) / "experiments" / "yeast.yaml").string() +
      " --set seedz=[1]");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_CONTAINS(bad.err, "--set seedz=[1]");
}

TEST(CliUsage, ControlCharactersInAnErrorAreShownEscaped) {
  // A key that would turn the terminal red if echoed raw.
  const fulcrum::testing::TempDir tmp("fulcrum_cli_usage_escape");
  const fs::path config = tmp / "config.yaml";
  std::ofstream(config) << "\x1b[31mred: 1\n";
  const Result run = fulcrum("config show '" + config.string() + "'");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_CONTAINS(run.err, "\\x1b[31mred");
  EXPECT_EQ(run.err.find('\x1b'), std::string::npos) << run.err;
}

TEST(CliUsage, SetRefusesAWordWithoutAnEqualsSign) {
  const Result run = fulcrum("config show " + quickstart() + " --set training.epochs");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_CONTAINS(run.err, "--set takes KEY=VALUE, got 'training.epochs'");
}

TEST(CliUsage, ThreadsMustBeAWholeNumberAtLeastZero) {
  for (const char* bad : {"-1", "x2", "1.5"}) {
    const Result run = fulcrum("train " + quickstart() + " --threads " + bad);
    EXPECT_EQ(run.exit_code, 2) << bad;
    EXPECT_CONTAINS(
        run.err,
        std::string("--threads: takes a whole number >= 0 (0: adaptive), got '") + bad + "'");
  }
}

}  // namespace
