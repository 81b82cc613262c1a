// bench/mulan_torch_recipe.py, the PyTorch side of docs/mulan.md's comparison,
// runs on the smallest MULAN set: it reads the ARFF and XML files, trains
// both programs and prints the row of the comparison table. Needs Python with
// numpy, torch and yaml (skipped without them, failed in CI, where a skip would
// hide that nothing was checked) and the MULAN files (skipped without them).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/command.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using fulcrum::testing::exit_code_of;
using fulcrum::testing::read_file;

TEST(MulanTorchRecipe, PrintsBothProgramsNumbersForEmotions) {
  const char* env = std::getenv("FULCRUM_MULAN_DIR");
  const fs::path data = env != nullptr ? env : FULCRUM_SHARED_MULAN_DIR;
  if (!fs::exists(data / "emotions-train.arff")) {
    GTEST_SKIP() << "no MULAN files in " << data.string() << ": set FULCRUM_MULAN_DIR";
  }
  FULCRUM_REQUIRE_PYTHON("numpy, torch, yaml");
  const fs::path dir = fulcrum::testing::test_dir("torch_recipe");
  // A tolerance of 1 keeps seed noise from failing the run: this test checks
  // that the comparison runs and prints, docs/mulan.md has the comparison.
  const std::string command =
      "FULCRUM_MULAN_DIR='" + data.string() +
      "' '" FULCRUM_PYTHON "' '" FULCRUM_SOURCE_DIR "/bench/mulan_torch_recipe.py' --fulcrum '" +
      std::string(FULCRUM_BIN) + "' --datasets emotions --seeds 1 --tolerance 1 --no-docs > '" +
      (dir / "out.txt").string() + "' 2>&1";
  ASSERT_EQ(exit_code_of(command), 0) << read_file(dir / "out.txt");
  const std::string out = read_file(dir / "out.txt");
  EXPECT_NE(out.find("emotions seed 0: torch micro 0."), std::string::npos) << out;
  EXPECT_NE(out.find("| emotions | 1 | 0."), std::string::npos) << out;
  EXPECT_NE(out.find("| yes |"), std::string::npos) << out;

  // An unknown data set is refused before anything trains.
  const std::string unknown = "'" FULCRUM_PYTHON "' '" FULCRUM_SOURCE_DIR
                              "/bench/mulan_torch_recipe.py' --datasets nope --no-docs > '" +
                              (dir / "err.txt").string() + "' 2>&1";
  EXPECT_EQ(exit_code_of(unknown), 2);
  EXPECT_NE(read_file(dir / "err.txt").find("no configs/mulan/NAME.yaml for: nope"),
            std::string::npos)
      << read_file(dir / "err.txt");
}

}  // namespace
