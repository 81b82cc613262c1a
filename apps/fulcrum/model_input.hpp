#pragma once
// The rows `fulcrum predict` reads: a CSV, MULAN ARFF or libsvm file (or
// standard input) read as the model's training data was, holding exactly the
// model's features (and, when declared, the training data's label columns,
// which are dropped).

#include <optional>
#include <span>
#include <string>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/train/predictor.hpp"

namespace fulcrum::cli {

/// The file formats fulcrum reads rows from (data/csv.hpp, arff.hpp, libsvm.hpp).
enum class InputFormat { CSV, ARFF, LibSVM };

inline std::span<const Named<InputFormat>> name_table(InputFormat) {
  static constexpr Named<InputFormat> kTable[] = {
      {InputFormat::CSV, "csv"}, {InputFormat::ARFF, "arff"}, {InputFormat::LibSVM, "libsvm"}};
  return kTable;
}

/// Represents: where the rows are and how to read them.
/// input: a file, or "-" for standard input.
/// format: unset reads the format the model was trained on (its stored
///   config's data.source; CSV for synthetic data or a model without a config).
/// header (CSV): whether the first record names the columns; Auto: when any of
///   its fields is not a number. With a header the features are found by name,
///   in any order; without one the columns are the features in training order.
/// has_labels (CSV): the input also holds the label columns where the training
///   file had them (data.targets of the stored config: named columns, or the
///   last N); they are dropped. ARFF label attributes (the model's label
///   names, as in the MULAN XML file) and libsvm labels are declared by the
///   format itself and always dropped.
struct ModelInputOptions {
  std::string input;
  std::optional<InputFormat> format;
  train::HeaderMode header = train::HeaderMode::Auto;
  bool has_labels = false;
};

/// Represents: the rows of an input as the model's raw features [N, F], in
/// the model's feature order (F = predictor.feature_names().size()).
struct ModelInput {
  Tensor features;
  std::string source;  ///< the file, or "standard input": what messages name
  InputFormat format = InputFormat::CSV;
};

/// The format an input is read in when options.format is unset.
InputFormat default_format(const train::Predictor& predictor);

/// Reads the rows of `options.input`.
/// Ensures: exactly the model's features: an input with more or fewer columns
///   (after dropping declared labels; for ARFF after one-hot encoding nominal
///   attributes, named "attribute=value" as in training) is refused.
/// Throws data::DataError naming the input and both counts, and the columns
///   missing or not the model's; or the reader's "file:line: problem".
ModelInput read_model_input(const train::Predictor& predictor, const ModelInputOptions& options);

/// The rows of `options.input` with their labels, for `fulcrum eval --input`:
/// the model's features (checked as read_model_input checks them; a CSV must
/// hold the label columns where the training file had them) and a target per
/// head, named after it, with the model's labels.
/// Throws data::DataError naming the input when the labels are not the model's.
data::Dataset read_labelled_input(const train::Predictor& predictor,
                                  const ModelInputOptions& options);

}  // namespace fulcrum::cli
