#pragma once
// Pieces the read_*_input functions share (internal to fuzz/).

#include <string>
#include <string_view>

#include "fuzz_inputs.hpp"

namespace fulcrum::fuzz {

/// A data reader's input: the option bits and the file's text.
struct OptionsAndText {
  uint8_t options = 0;
  std::string_view text;
};

/// The first byte as options (0 for an empty input) and the rest as text.
OptionsAndText split_options(Input input);

/// The whole input as text.
std::string_view as_text(Input input);

/// Reports a promise the library broke and aborts, so that libFuzzer keeps
/// the input (the reader returned, but what it returned is wrong).
[[noreturn]] void broken_promise(std::string_view what, std::string_view detail);

}  // namespace fulcrum::fuzz
