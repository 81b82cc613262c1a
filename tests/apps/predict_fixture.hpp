#pragma once
// What the `fulcrum predict` tests share: running the built command in a
// fresh directory, a small CSV-trained model with a pos_weight multilabel head
// (tuned thresholds) and a class-weighted multiclass head, and reading the
// CSV that predict writes.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::predict_test {

namespace fs = std::filesystem;

using fulcrum::testing::CommandResult;
using fulcrum::testing::read_file;

/// Represents: a CSV file with a header, as {column name: fields} and the
/// names in file order. Enough for predict's output (no quoted commas).
struct CsvTable {
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::string>> columns;

  size_t rows() const { return names.empty() ? 0 : columns.at(names[0]).size(); }
  const std::vector<std::string>& at(const std::string& name) const {
    const auto it = columns.find(name);
    if (it == columns.end()) throw std::runtime_error("no column " + name);
    return it->second;
  }
  double number(const std::string& name, size_t row) const { return std::stod(at(name)[row]); }
};

inline CsvTable read_csv_table(const std::string& text) {
  CsvTable table;
  std::stringstream in(text);
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) table.names.push_back(name);
  for (const std::string& name : table.names) table.columns[name];
  while (std::getline(in, line)) {
    std::stringstream row(line);
    size_t c = 0;
    for (std::string field; std::getline(row, field, ','); ++c)
      table.columns.at(table.names.at(c)).push_back(field);
    if (c != table.names.size()) throw std::runtime_error("ragged predict output row: " + line);
  }
  return table;
}

/// The rows of the small model's data: six features in [-1, 1] and, from
/// them, two rare-ish labels and a three-class target, deterministic.
struct SmallData {
  static constexpr int kFeatures = 6;
  std::vector<std::vector<float>> x;
  std::vector<std::vector<int>> labels;  ///< [rows][2]
  std::vector<int> rating;               ///< 0, 1 or 2

  explicit SmallData(int rows, uint32_t seed = 7) {
    uint32_t state = seed;
    const auto uniform = [&state] {
      state = state * 1664525u + 1013904223u;
      return static_cast<float>(state >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
    };
    for (int r = 0; r < rows; ++r) {
      std::vector<float> row(kFeatures);
      for (float& v : row) v = std::round(uniform() * 1000.0f) / 1000.0f;
      labels.push_back({row[0] + 0.5f * row[1] > 0.5f ? 1 : 0, row[2] - row[3] > 0.9f ? 1 : 0});
      rating.push_back(row[4] < -0.4f ? 0 : row[4] + 0.3f * row[5] > 0.5f ? 2 : 1);
      x.push_back(std::move(row));
    }
  }

  /// Features only, no header (optionally the label columns too: c6, c7, c8).
  std::string csv(bool with_labels = false) const {
    std::string text;
    for (size_t r = 0; r < x.size(); ++r) {
      for (int f = 0; f < kFeatures; ++f) text += fmt::format("{}{}", f ? "," : "", x[r][f]);
      if (with_labels) text += fmt::format(",{},{},{}", labels[r][0], labels[r][1], rating[r]);
      text += "\n";
    }
    return text;
  }
};

class PredictFixture : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fulcrum::testing::test_dir("predict"); }

  /// Runs `fulcrum ARGS` in the test's directory (ARGS may redirect stdin),
  /// capturing stdout and stderr.
  CommandResult fulcrum(const std::string& args) const {
    return fulcrum::testing::run_fulcrum(dir_, args);
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string read(const std::string& name) const { return read_file(dir_ / name); }

  /// Trains the small CSV model (train.csv: 6 features, labels c6 and c7,
  /// class c8; no header) into small/; returns the path of its best
  /// checkpoint, relative to the test's directory.
  std::string train_small_model() const {
    write("train.csv", SmallData(400).csv(/*with_labels=*/true));
    write("small.yaml",
          "seed: 1\nthreads: 1\n"
          "data:\n  source: csv\n  train: train.csv\n  header: false\n"
          "  targets:\n    labels:\n      columns: [c6, c7]\n    rating:\n      column: c8\n"
          "  validation_fraction: 0.25\n  test_fraction: 0.2\n"
          "model:\n  backbone:\n    sizes: [12]\n    activation: gelu\n    dropout: 0.1\n"
          "  heads:\n    labels:\n      kind: multilabel\n      loss:\n"
          "        pos_weight: neg_over_pos\n"
          "    rating:\n      kind: multiclass\n      loss:\n        weight: inverse_frequency\n"
          "training:\n  epochs: 6\n  batch_size: 32\n  optimizer:\n    lr: 0.01\n"
          "evaluation:\n  threshold_tuning: f1\n");
    const CommandResult run = fulcrum("train small.yaml -q --output-dir small");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return "small/best.safetensors";
  }

  fs::path dir_;
};

#define EXPECT_CONTAINS(haystack, needle)                                                    \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "no \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

}  // namespace fulcrum::predict_test
