#pragma once
// Reading a multi-label Dataset from a MULAN / MEKA ARFF file.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {

/// Represents: which ARFF attributes are the labels.
/// label_count > 0: the last label_count attributes (the MULAN convention).
/// label_names: the attributes with these names, in this order.
/// Neither: the MEKA option "-C N" in the @relation name says it: N > 0 means
///   the first N attributes, N < 0 the last |N|.
/// Every other attribute is a feature. The labels form one multi-label target
/// called target_name.
struct ArffOptions {
  int64_t label_count = 0;
  std::vector<std::string> label_names;
  std::string target_name = "labels";
};

/// Reads `file`: '%' comments, @relation, @attribute (numeric, real, integer, or
/// nominal {...} with numeric values, e.g. {0,1}), @data with dense rows
/// ("0.5,1,0") or sparse rows ("{3 1.5, 7 1}": 0-based index and value,
/// omitted attributes 0, or a nominal attribute's first value).
/// Requires: label values 0 or 1; feature values finite numbers; no '?'.
/// Throws DataError "file:line: problem" (naming the attribute where there is one).
Dataset read_arff(const std::filesystem::path& file, const ArffOptions& options = {});

}  // namespace fulcrum::data
