// An ARFF fuzz input: option bits, then the file.
//   bits 0-1  missing-value policy: error, mean, most_frequent (3: error)
//   bits 2-4  which attributes are labels (arff_labels below)
//   bit 5     a small max_elements (64), to reach the size errors

#include <cmath>
#include <vector>

#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/imputer.hpp"
#include "fuzz_input_support.hpp"

namespace fulcrum::fuzz {
namespace {

// The ways ArffOptions names labels, on attributes the corpus uses
// ("y0", "y1", a string attribute "s", a date "d").
void arff_labels(unsigned choice, data::ArffOptions& options) {
  switch (choice) {
    case 0:
      options.label_count = 1;
      break;
    case 1:
      options.label_count = 2;
      break;
    case 2:  // MEKA: "-C N" in the @relation name
      break;
    case 3:
      options.label_names = {"y0", "y1"};
      options.label_names_source = "fuzz.xml";
      break;
    case 4:
      options.label_names = {"y1"};
      options.drop = {"s"};
      break;
    case 5:
      options.label_count = 1;
      options.drop = {"s", "d"};
      break;
    case 6:
      options.label_count = -1;
      break;
    default:
      options.label_count = 3;
      options.drop = {"y0"};
      break;
  }
}

}  // namespace

void read_arff_input(Input input) {
  const auto [bits, text] = split_options(input);
  data::ArffOptions options;
  const unsigned policy = bits & 3;
  options.missing = policy == 1   ? data::MissingPolicy::Mean
                    : policy == 2 ? data::MissingPolicy::MostFrequent
                                  : data::MissingPolicy::Error;
  arff_labels((bits >> 2) & 7, options);
  // The default (2^28 elements, 1 GiB) is reachable from a few sparse rows by
  // design; 2^20 keeps each run fast while going through the same check.
  options.max_elements = (bits & 0x20) != 0 ? 64 : int64_t{1} << 20;
  const data::Dataset dataset = data::parse_arff(text, "fuzz.arff", options);
  try {
    dataset.validate("fuzz.arff");
  } catch (const Error& e) {
    broken_promise("parse_arff returned a dataset that fails validate()", e.what());
  }
  if (options.missing == data::MissingPolicy::Error) return;
  // The file as its own training split: every '?' must be filled.
  data::Imputer imputer;
  imputer.fit(dataset, options.missing, "fuzz.arff");
  const data::Dataset filled = imputer.transformed(dataset);
  const std::vector<float> values =
      filled.is_sparse() ? filled.sparse_features->values : filled.features.to_vector();
  for (const float v : values) {
    if (std::isnan(v)) broken_promise("the Imputer left a missing value", "fuzz.arff");
  }
}

}  // namespace fulcrum::fuzz
