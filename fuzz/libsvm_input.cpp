// A LIBSVM fuzz input: option bits, then the file.
//   bit 0  zero-based feature indices
//   bit 1  num_features = 8 (else the largest index)
//   bit 2  num_labels = 4 (else the largest label + 1)
//   bit 3  a small max_elements (64), to reach the size errors

#include "fulcrum/data/libsvm.hpp"
#include "fuzz_input_support.hpp"

namespace fulcrum::fuzz {

void read_libsvm_input(Input input) {
  const auto [bits, text] = split_options(input);
  data::LibsvmOptions options;
  options.zero_based = (bits & 1) != 0;
  options.num_features = (bits & 2) != 0 ? 8 : 0;
  options.num_labels = (bits & 4) != 0 ? 4 : 0;
  // The default (2^28 elements, 1 GiB) is reachable from one large index by
  // design; 2^16 keeps each run fast (every input that reaches it allocates
  // and zeroes the matrix) while going through the same check.
  options.max_elements = (bits & 8) != 0 ? 64 : int64_t{1} << 16;
  const data::Dataset dataset = data::parse_libsvm(text, "fuzz.libsvm", options);
  try {
    dataset.validate("fuzz.libsvm");
  } catch (const Error& e) {
    broken_promise("parse_libsvm returned a dataset that fails validate()", e.what());
  }
}

}  // namespace fulcrum::fuzz
