#pragma once
// test_predictions.csv: what the final model of a run predicted for each row
// of the test split, beside the true labels, so that its curves and tables can
// be drawn again (run_report.hpp) or checked by hand.
//
// Columns, with a header row: `row` (0-based, in the test split's order), then
// per head, in head order:
//   multilabel: HEAD.LABEL for each label (the probability sigmoid(z)), then
//               HEAD.LABEL.pred (1 when that probability >= the label's
//               threshold), then HEAD.LABEL.true (0 or 1);
//   multiclass: HEAD.CLASS for each class (softmax(z)), then HEAD.pred (the
//               class of the largest probability) and HEAD.true, as class names.
// The probabilities are the ones the test metrics and the decisions use (those
// of `fulcrum predict --raw`), written so that reading them back gives the
// same float32 values.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/core/task_kind.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/train/run_outputs.hpp"

namespace fulcrum::train {

/// Represents: one head's predictions for n rows. probabilities is [n, C];
/// decisions and truth are [n, C] of 0/1 (multilabel) or [n] class indices
/// (multiclass).
struct HeadPredictions {
  std::string name;
  TaskKind kind = TaskKind::MultiLabel;
  std::vector<std::string> labels;
  Tensor probabilities;
  Tensor decisions;
  Tensor truth;
};

/// Represents: every head's predictions for the same rows.
struct TestPredictions {
  int64_t rows = 0;
  std::vector<HeadPredictions> heads;
};

/// One head's predictions from its logits [n, C] and true targets (a
/// data::Target's values), decided with the head's thresholds (multilabel) or
/// the argmax (multiclass).
/// Requires: logits with one column per label of `head`, truth with as many
/// rows (ShapeError otherwise).
HeadPredictions head_predictions(const HeadCard& head, const Tensor& logits, const Tensor& truth);

/// The CSV text described above.
std::string test_predictions_csv(const TestPredictions& predictions);

/// Writes the CSV text to `path` (atomically). Throws fulcrum::Error naming
/// the path when it cannot be written.
void write_test_predictions(const std::filesystem::path& path, const TestPredictions& predictions);

/// Reads a file written by write_test_predictions for a model with these
/// heads (a ModelCard's). Columns are found by name, so their order does not
/// matter. Throws data::DataError naming the file, and the line and column
/// where relevant, for a missing column, a row of the wrong length, a value
/// that is not a number or not a probability, or a class name the head does
/// not have.
TestPredictions read_test_predictions(const std::filesystem::path& path,
                                      const std::vector<HeadCard>& heads);

}  // namespace fulcrum::train
