// Replays each stored fuzzer finding, <target>/<input>, and checks the outcome
// its <input>.expect file names: "ok" (the reader accepts it), or
// "<ErrorKind>: <part of the message>" (the reader refuses it with that
// error). An input without an .expect file fails the test.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fuzz_inputs.hpp"

namespace fulcrum::fuzz {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The most specific error class `e` is, by the name the .expect files use.
std::string kind_of(const Error& e) {
  if (dynamic_cast<const data::DataError*>(&e)) return "DataError";
  if (dynamic_cast<const config::ConfigError*>(&e)) return "ConfigError";
  if (dynamic_cast<const checkpoint::SafetensorsError*>(&e)) return "SafetensorsError";
  if (dynamic_cast<const checkpoint::CheckpointError*>(&e)) return "CheckpointError";
  if (dynamic_cast<const ValueError*>(&e)) return "ValueError";
  if (dynamic_cast<const ShapeError*>(&e)) return "ShapeError";
  return "Error";
}

// "ok", or "<kind>: <message>" for the fulcrum::Error reading `input` throws.
std::string outcome(void (*read)(Input), const std::string& input) {
  try {
    read(Input(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
    return "ok";
  } catch (const Error& e) {
    return kind_of(e) + ": " + e.what();
  }
}

using Reader = void (*)(Input);

struct Target {
  const char* name;
  Reader read;
};

const Target kTargets[] = {{"csv", read_csv_input},
                           {"arff", read_arff_input},
                           {"libsvm", read_libsvm_input},
                           {"config", read_config_input},
                           {"checkpoint", read_checkpoint_input}};

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir))
    if (entry.path().extension() != ".expect") files.push_back(entry.path());
  return files;
}

// Every stored finding gives what its .expect file says. A target without
// findings (none of its fuzz runs found anything) has nothing to replay.
TEST(FuzzRegression, EveryStoredFindingGivesItsExpectedOutcome) {
  size_t replayed = 0;
  for (const Target& target : kTargets) {
    for (const fs::path& input : files_in(fs::path(FULCRUM_FUZZ_REGRESSIONS_DIR) / target.name)) {
      SCOPED_TRACE(input.string());
      ++replayed;
      fs::path expect_file = input;
      expect_file += ".expect";
      ASSERT_TRUE(fs::exists(expect_file)) << "no " << expect_file << " saying what to expect";
      std::string expected = read_file(expect_file);
      while (!expected.empty() && (expected.back() == '\n' || expected.back() == ' '))
        expected.pop_back();
      const std::string got = outcome(target.read, read_file(input));
      if (expected == "ok") {
        EXPECT_EQ(got, "ok");
        continue;
      }
      // The kind must match exactly; the message must contain the rest.
      const size_t colon = expected.find(": ");
      ASSERT_NE(colon, std::string::npos) << "bad .expect line: " << expected;
      EXPECT_EQ(got.substr(0, got.find(": ")), expected.substr(0, colon)) << got;
      EXPECT_NE(got.find(expected.substr(colon + 2)), std::string::npos)
          << "expected \"" << expected << "\", got \"" << got << "\"";
    }
  }
  EXPECT_GT(replayed, 0u) << "no stored findings under " << FULCRUM_FUZZ_REGRESSIONS_DIR;
}

// Every seed of every fuzz corpus is read, or refused with a fulcrum::Error;
// the seeds of the readers include valid files, which must be read.
TEST(FuzzRegression, EverySeedIsReadOrRefusedWithAnError) {
  for (const Target& target : kTargets) {
    const std::vector<fs::path> seeds = files_in(fs::path(FULCRUM_FUZZ_CORPUS_DIR) / target.name);
    EXPECT_FALSE(seeds.empty()) << "no seeds for " << target.name;
    size_t read = 0;
    for (const fs::path& seed : seeds) {
      SCOPED_TRACE(seed.string());
      read += outcome(target.read, read_file(seed)) == "ok" ? 1 : 0;
    }
    EXPECT_GT(read, 0u) << "no seed of " << target.name << " was read";
  }
}

}  // namespace
}  // namespace fulcrum::fuzz
