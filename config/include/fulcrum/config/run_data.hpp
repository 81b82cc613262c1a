#pragma once
// The data of a run: read (or generated) as the `data` section of a config
// says, split into train / validation / test, with missing values imputed and
// features standardised with the training split's statistics.

#include <vector>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/imputer.hpp"
#include "fulcrum/data/scaler.hpp"
#include "fulcrum/data/split.hpp"
#include "fulcrum/data/target_spec.hpp"

namespace fulcrum::config {

/// Represents: the three splits of a run. Each split's targets are the model's
/// heads, in model.heads order and named after them (a file's single label set
/// is renamed to its head's name). validation and test may be empty (size 0)
/// when their fraction is 0.
struct RunData {
  data::Dataset train{};
  data::Dataset validation{};
  data::Dataset test{};
  /// Fitted on the training split when data.missing is mean or most_frequent
  /// (else not fitted); the three splits' missing values are filled with it.
  data::Imputer imputer{};
  /// Fitted on `train` (imputed) when data.standardize (else not fitted).
  data::StandardScaler scaler{};

  /// The split `which`.
  const data::Dataset& split(data::Split which) const {
    return which == data::Split::Train        ? train
           : which == data::Split::Validation ? validation
                                              : test;
  }
};

/// Reads the splits, as they are in the files (not standardised):
/// - synthetic: make_synthetic with data.synthetic and the config's seed;
/// - csv / arff / libsvm: data.train, and data.test when given, read with the
///   same feature columns and label order as the training file;
/// - without data.test, validation_fraction and test_fraction of the rows are
///   split off (stratified on the first head, seeded by config.seed); with it,
///   validation_fraction of the training file is.
/// With data.missing mean or most_frequent, fits `imputer` on the training
/// split (after the validation split is taken out) and fills the missing
/// values of all three splits with it. Fits `scaler` on the imputed training
/// split when data.standardize.
/// Throws data::DataError for a missing or unreadable file (naming the config
/// key and the path) or a feature with no value in the training split,
/// ConfigError for targets that do not fit the heads.
RunData load_run_data(const RunConfig& config);

/// As above, but fills the missing values with `stored` (a checkpoint's)
/// instead of fitting; a `stored` that is not fitted makes a '?' an error,
/// as with data.missing: error.
RunData load_run_data(const RunConfig& config, const data::Imputer& stored);

/// What read_csv is told about each head's label columns: data.targets of
/// every head, in model.heads order, named after the head.
/// Throws ConfigError for a head that data.targets has no entry for.
std::vector<data::TargetSpec> csv_targets(const RunConfig& config);

/// `raw` with every split's features standardised by `scaler` (copies; `raw`
/// is unchanged; the imputer is kept). An unfitted scaler returns copies of
/// the features as they are.
RunData standardized(const RunData& raw, const data::StandardScaler& scaler);

}  // namespace fulcrum::config
