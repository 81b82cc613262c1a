#pragma once
// What each fuzz target does with one input, shared by the libFuzzer entry
// points (fuzz/*_fuzzer.cpp) and the regression test that replays every input
// a fuzzer once crashed on (tests/fuzz_regressions/).
//
// Each read_*_input hands the bytes to a public reader and returns when the
// reader accepts them; a reader's refusal is the fulcrum::Error it throws,
// which the fuzzers count as a clean outcome. Anything else is a finding:
// another exception escapes, and a broken promise of the reader (a Dataset
// that fails validate(), a config that does not survive being written back)
// aborts with the reason.
//
// For the data readers the first byte of an input picks the reader's options
// (its bits are described in each read_*_input) and the rest is the file's
// text, so that one corpus covers headers, delimiters, label layouts and
// limits. The config and checkpoint inputs are the file itself.

#include <cstddef>
#include <cstdint>
#include <span>

namespace fulcrum::fuzz {

using Input = std::span<const uint8_t>;

/// data::parse_csv; the Dataset must pass validate().
void read_csv_input(Input input);
/// data::parse_arff; the Dataset must pass validate().
void read_arff_input(Input input);
/// data::parse_libsvm; the Dataset must pass validate().
void read_libsvm_input(Input input);
/// config::parse_config; a config it accepts must read back equal from to_yaml.
void read_config_input(Input input);
/// train::Predictor::load of the bytes as a checkpoint file (through a memfd:
/// the safetensors reader takes a path).
void read_checkpoint_input(Input input);

/// The libFuzzer body of every target: runs `read` on the input, a
/// fulcrum::Error being a clean refusal.
int run_fuzz_input(void (*read)(Input), const uint8_t* data, size_t size);

}  // namespace fulcrum::fuzz
