#include "fuzz_input_support.hpp"

#include <cstdio>
#include <cstdlib>

#include "fulcrum/core/error.hpp"

namespace fulcrum::fuzz {

OptionsAndText split_options(Input input) {
  if (input.empty()) return {};
  return {input[0], as_text(input.subspan(1))};
}

std::string_view as_text(Input input) {
  return {reinterpret_cast<const char*>(input.data()), input.size()};
}

void broken_promise(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fulcrum fuzz: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

int run_fuzz_input(void (*read)(Input), const uint8_t* data, size_t size) {
  try {
    read(Input(data, size));
  } catch (const Error&) {
    // A clean refusal: the reader said what is wrong with the input.
  }
  return 0;
}

}  // namespace fulcrum::fuzz
