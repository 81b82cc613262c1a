#pragma once
// Helpers of the experiment tests: temporary directories and files and a tiny
// synthetic base config (the markup checks are support/markup_checks.hpp).

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/markup_checks.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::experiment::testing {

/// A fresh, empty directory of the running test (see support/temp_dir.hpp).
inline std::filesystem::path fresh_dir(const std::string& tag = "dir") {
  return fulcrum::testing::test_dir(tag);
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A run config that trains in a fraction of a second: 300 synthetic rows of
/// 6 features, one multilabel head of 3 labels, 2 epochs.
inline const std::string kTinyBase =
    "name: tiny\n"
    "seed: 0\n"
    "threads: 1\n"
    "data:\n"
    "  source: synthetic\n"
    "  synthetic:\n"
    "    samples: 300\n"
    "    features: 6\n"
    "    heads:\n"
    "      labels: {kind: multilabel, frequencies: [0.5, 0.2, 0.08]}\n"
    "  validation_fraction: 0.25\n"
    "  test_fraction: 0.25\n"
    "model:\n"
    "  backbone: {sizes: [8]}\n"
    "  heads:\n"
    "    labels: {kind: multilabel}\n"
    "training:\n"
    "  epochs: 2\n"
    "  batch_size: 32\n"
    "  progress: false\n";

/// Writes kTinyBase to <dir>/base.yaml and an experiment file to
/// <dir>/experiment.yaml with two strategies (plain, pos_weight), the given
/// seeds, and output_dir <dir>/out. Returns the experiment file's path.
inline std::filesystem::path write_tiny_experiment(const std::filesystem::path& dir,
                                                   const std::string& seeds = "[0, 1]",
                                                   const std::string& extra = "") {
  write_file(dir / "base.yaml", kTinyBase);
  write_file(dir / "experiment.yaml",
             "base: base.yaml\n"
             "output_dir: " +
                 (dir / "out").string() +
                 "\n"
                 "seeds: " +
                 seeds +
                 "\n"
                 "parallel: 1\n" +
                 extra +
                 "strategies:\n"
                 "  - name: plain\n"
                 "    set: []\n"
                 "  - name: pos_weight\n"
                 "    set: [model.heads.labels.loss.pos_weight=neg_over_pos]\n");
  return dir / "experiment.yaml";
}

using fulcrum::testing::count_of;
using fulcrum::testing::xml_problem;

/// The lines of `text`.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace fulcrum::experiment::testing
