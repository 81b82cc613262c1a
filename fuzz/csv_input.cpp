// A CSV fuzz input: option bits, then the file.
//   bit 0     header
//   bits 1-2  delimiter: ',' ';' '\t' '|'
//   bits 3-5  targets (csv_targets below)
//   bit 6     small limits (256-byte records, 16 fields), to reach those errors

#include <string>
#include <vector>

#include "fulcrum/data/csv.hpp"
#include "fuzz_input_support.hpp"

namespace fulcrum::fuzz {
namespace {

data::TargetSpec target(const std::string& name, TaskKind kind) {
  data::TargetSpec spec;
  spec.name = name;
  spec.kind = kind;
  return spec;
}

// Every way TargetSpec reads columns, on columns the corpus names ("y0", "y1",
// "tags", "class") or, without a header, numbers (c0, c1, c2).
std::vector<data::TargetSpec> csv_targets(unsigned choice, bool header) {
  const auto column = [header](const char* named, const char* numbered) {
    return std::string(header ? named : numbered);
  };
  data::TargetSpec spec = target("labels", TaskKind::MultiLabel);
  switch (choice) {
    case 0:
      return {};
    case 1:
      spec.last = 2;
      return {spec};
    case 2:
      spec.columns = {column("y0", "c1"), column("y1", "c2")};
      return {spec};
    case 3:
      spec.column = column("tags", "c0");
      return {spec};
    case 4:
      spec = target("class", TaskKind::MultiClass);
      spec.column = column("class", "c0");
      return {spec};
    case 5:
      spec = target("class", TaskKind::MultiClass);
      spec.column = column("class", "c0");
      spec.classes = {"a", "b", "c"};
      return {spec};
    case 6:
      spec.column = column("tags", "c0");
      spec.separator = ';';
      spec.classes = {"a", "b"};
      return {spec};
    default: {
      data::TargetSpec kind = target("class", TaskKind::MultiClass);
      kind.column = column("class", "c0");
      spec.last = 1;
      return {kind, spec};
    }
  }
}

}  // namespace

void read_csv_input(Input input) {
  const auto [bits, text] = split_options(input);
  data::CsvOptions options;
  options.header = (bits & 1) != 0;
  options.delimiter = ",;\t|"[(bits >> 1) & 3];
  options.targets = csv_targets((bits >> 3) & 7, options.header);
  if ((bits & 0x40) != 0) {
    options.max_line_bytes = 256;
    options.max_fields = 16;
  }
  const data::Dataset dataset = data::parse_csv(text, "fuzz.csv", options);
  try {
    dataset.validate("fuzz.csv");
  } catch (const Error& e) {
    broken_promise("parse_csv returned a dataset that fails validate()", e.what());
  }
}

}  // namespace fulcrum::fuzz
