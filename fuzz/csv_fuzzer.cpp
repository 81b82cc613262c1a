// libFuzzer entry point: read_csv_input (fuzz_inputs.hpp) on every input.

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fulcrum::fuzz::run_fuzz_input(fulcrum::fuzz::read_csv_input, data, size);
}
