// libFuzzer entry point: read_checkpoint_input (fuzz_inputs.hpp) on every input.

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fulcrum::fuzz::run_fuzz_input(fulcrum::fuzz::read_checkpoint_input, data, size);
}
