#pragma once
// report.html: one run on one self-contained page (inline SVG and CSS, no
// script, no outside link), drawn from the files the run left:
//
//   - a summary of the run (data, heads, epochs, the fulcrum version) and its
//     config.yaml;
//   - the training loss and the validation metrics per head over the epochs
//     (metrics.jsonl; without a validation split, the training loss only);
//   - per multilabel head, on the test split (test_predictions.csv):
//     precision-recall and ROC curves of the most frequent labels, a
//     reliability diagram (raw and, for a head trained with pos_weight,
//     recalibrated probabilities) and a table of every label by frequency;
//   - per multiclass head: the confusion matrix and a table per class.
//
// Every number comes from fulcrum::metrics, fed with test_predictions.csv and
// the thresholds stored in the checkpoint, so the tables equal
// test_metrics.json. `fulcrum train` writes it at the end of a run and
// `fulcrum report RUN_DIR` draws it again.

#include <cstdint>
#include <filesystem>
#include <string>

namespace fulcrum::train {

/// How much of a run the report draws.
struct RunReportOptions {
  /// Precision-recall and ROC curves are drawn for this many labels of a
  /// multilabel head, the most frequent in the test split; the table lists all.
  int64_t curve_labels = 16;
};

/// The page for the run in `run_dir`. Reads best.safetensors (or
/// last.safetensors when there is no best model), summary.json and
/// metrics.jsonl when present, and test_predictions.csv when the run had a
/// test split.
/// Throws fulcrum::Error naming the directory when it holds no checkpoint,
/// and the errors of the readers (naming file and line) for a damaged file.
std::string render_run_report(const std::filesystem::path& run_dir,
                              const RunReportOptions& options = {});

/// Writes render_run_report's page to <run_dir>/report.html (atomically) and
/// returns that path.
std::filesystem::path write_run_report(const std::filesystem::path& run_dir,
                                       const RunReportOptions& options = {});

}  // namespace fulcrum::train
