#pragma once
// The parts of report.html (run_report.hpp), each an HTML fragment, and the
// inputs they are drawn from. Shared by run_report.cpp and the section
// sources; not installed.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fulcrum/losses/head_loss.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "fulcrum/train/run_report.hpp"
#include "fulcrum/train/test_predictions.hpp"

namespace fulcrum::train::report {

/// Represents: what the report is drawn from, read from a run directory.
struct RunFiles {
  std::filesystem::path dir;
  std::filesystem::path checkpoint;            ///< the model the test split saw
  ModelCard card;                              ///< from the checkpoint
  std::vector<nn::LossKind> losses;            ///< per head
  nlohmann::json summary;                      ///< summary.json; null when absent
  std::vector<nlohmann::ordered_json> epochs;  ///< metrics.jsonl
  std::optional<TestPredictions> test;         ///< test_predictions.csv, when present
};

/// `text` escaped for HTML text and attribute values.
std::string escape(const std::string& text);

/// A number for a table cell: 4 decimals, "–" for none.
std::string cell(const std::optional<double>& value);

/// The run's summary table and its config.
std::string summary_section(const RunFiles& files);

/// The training loss and the validation metrics over the epochs.
std::string curves_section(const RunFiles& files);

/// One multilabel head on the test split.
std::string multilabel_section(const HeadCard& head, nn::LossKind loss,
                               const HeadPredictions& predictions, const RunReportOptions& options);

/// One multiclass head on the test split.
std::string multiclass_section(const HeadCard& head, const HeadPredictions& predictions);

}  // namespace fulcrum::train::report
