#pragma once
// Reading a multi-label Dataset from an ARFF file (MULAN, MEKA or Weka), and
// the label names of a MULAN XML file.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/feature_storage.hpp"
#include "fulcrum/data/imputer.hpp"

namespace fulcrum::data {

/// Represents: which ARFF attributes are the labels, which are left out, and
/// what a missing value becomes.
/// label_names: the attributes with these names, wherever they stand, in this
///   order (e.g. from read_mulan_label_names).
/// Else label_count > 0: the last label_count attributes (the MULAN convention).
/// Else the MEKA option "-C N" in the @relation name says it: N > 0 means
///   the first N attributes, N < 0 the last |N|.
/// Positions count every declared attribute, dropped ones included.
/// drop: attributes read past and left out of the Dataset (any type; the way
///   to read a file with string or date attributes). A label cannot be dropped.
/// Every other attribute is a feature. The labels form one multi-label target
/// called target_name.
struct ArffOptions {
  int64_t label_count = 0;
  std::vector<std::string> label_names;
  /// Where label_names come from (e.g. the XML file), named in errors; may be empty.
  std::string label_names_source;
  std::string target_name = "labels";
  std::vector<std::string> drop;
  /// Error: a '?' in a feature is a DataError naming file, line and
  /// attribute. Mean or MostFrequent: it is read as NaN (in each column of a
  /// one-hot attribute; a stored NaN entry in sparse features), for an
  /// Imputer fitted on the training rows to fill (the reader imputes nothing).
  MissingPolicy missing = MissingPolicy::Error;
  /// The most elements the dense features [N, F] and labels [N, L] may each
  /// have (default 2^28: 1 GiB of float32). Sparse rows ("{}") cost a few
  /// bytes of file each but a full row of memory.
  int64_t max_elements = int64_t{1} << 28;
  /// Dense features, or sparse ones (Dataset::sparse_features), read row by
  /// row without the dense matrix and not bounded by max_elements. Auto
  /// reads sparse only a file with sparse rows.
  FeatureStorage storage = FeatureStorage::Dense;
  /// No attribute is a label and the Dataset has no target (label_names and
  /// label_count are not read): the features of rows to predict, whose label
  /// attributes, if the file has them, are dropped with `drop`.
  bool features_only = false;
};

/// Reads `file` as the ARFF format defines it:
/// - '%' comment lines; keywords in any case (@relation, @ATTRIBUTE, @Data,
///   numeric/REAL/integer, string, date);
/// - names and values bare or quoted ('...' or "..."), with backslash escapes
///   inside quotes ('Swainson\'s Thrush');
/// - attribute types numeric, real, integer; nominal {v1, v2, ...} with any
///   values; string and date only when dropped;
/// - @data rows dense ("0.5,red,1") or sparse ("{3 1.5, 7 1}": 0-based index
///   and value; an omitted attribute is 0, or a nominal attribute's first
///   value), mixed freely in one file; '?' for a missing value.
/// Features: a numeric attribute, or a nominal one whose values are all
///   numbers (MULAN's {0,1}), is one column holding the number; any other
///   nominal attribute is one-hot encoded into one column per value, named
///   "attr=value", in declaration order. Dataset::nominal_columns lists the
///   columns of every nominal feature attribute (what an Imputer needs).
/// Requires: label values 0 or 1; feature values finite numbers; N x F and
///   N x L at most max_elements each (max_elements >= 1), checked as each row
///   is read, before it is stored: the error names the row's line, the
///   matrix's size and the limit.
/// Throws DataError "file:line: problem" naming the attribute where there is one.
Dataset read_arff(const std::filesystem::path& file, const ArffOptions& options = {});

/// As read_arff, from ARFF text already in memory; `source_name` stands for
/// the file in error messages.
Dataset parse_arff(std::string_view text, const std::string& source_name,
                   const ArffOptions& options = {});

/// The names of the attributes `text` declares, in declaration order (only
/// its header is read). Throws DataError "source_name:line: problem" for a
/// malformed header.
std::vector<std::string> arff_attribute_names(std::string_view text,
                                              const std::string& source_name);

/// The label attribute names of a MULAN XML label file,
/// `<labels xmlns="..."><label name="a"></label><label name="b"/>...</labels>`,
/// in document order; nested <label> hierarchies give every name, parents
/// before their children. Attribute values decode &amp; &lt; &gt; &quot; &apos;.
/// Throws DataError "file:line: problem" for anything else (a malformed or
/// empty file, an unknown element or entity, a repeated name).
std::vector<std::string> read_mulan_label_names(const std::filesystem::path& xml_file);

}  // namespace fulcrum::data
