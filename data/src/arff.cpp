#include "fulcrum/data/arff.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/ranges.h>

#include "arff_header.hpp"
#include "text_input.hpp"

namespace fulcrum::data {
namespace {

using detail::ArffAttribute;
using detail::ArffType;
using detail::fail_at;

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

std::vector<std::string> attribute_names(const std::vector<ArffAttribute>& attributes) {
  std::vector<std::string> names;
  for (const ArffAttribute& a : attributes) names.push_back(a.name);
  return names;
}

// "{0,1}" for a short value list, else the first and last few.
std::string value_list(const ArffAttribute& a) {
  if (a.values.size() <= 12) return fmt::format("{{{}}}", fmt::join(a.values, ","));
  return fmt::format("{{{}}}", detail::list_names(a.values));
}

// The label attributes' indices, in target order, as ArffOptions says.
std::vector<size_t> label_attributes(const detail::ArffHeader& header, const ArffOptions& options,
                                     const std::filesystem::path& file) {
  const auto& attributes = header.attributes;
  const int64_t count = static_cast<int64_t>(attributes.size());
  std::vector<size_t> labels;
  if (options.features_only) return labels;
  if (!options.label_names.empty()) {
    const std::vector<std::string> names = attribute_names(attributes);
    std::vector<std::string> absent;
    for (const std::string& name : options.label_names) {
      const auto i = detail::find_name(names, name);
      if (!i) {
        absent.push_back(name);
        continue;
      }
      if (std::find(labels.begin(), labels.end(), *i) != labels.end())
        fail_at(file, 0, "label attribute '{}' is named twice", name);
      labels.push_back(*i);
    }
    if (!absent.empty()) {
      const std::string from = options.label_names_source.empty()
                                   ? std::string()
                                   : fmt::format(" (labels named in {})", options.label_names_source);
      fail_at(file, 0, "{} unknown label attribute{} {}{}; the attributes are: {}", absent.size(),
              absent.size() == 1 ? "" : "s",
              fmt::format("'{}'", fmt::join(absent.begin(), absent.end(), "', '")), from,
              detail::list_names(names));
    }
    return labels;
  }
  int64_t first = 0;
  int64_t n = 0;
  if (options.label_count != 0) {
    if (options.label_count < 0)
      fail_at(file, 0, "label_count = {} is negative", options.label_count);
    n = options.label_count;
    first = count - n;
  } else if (auto c = detail::meka_label_option(header.relation)) {
    n = *c < 0 ? -*c : *c;
    first = *c < 0 ? count - n : 0;
  } else {
    fail_at(file, 0, "which attributes are labels? Set label_count or label_names, or put "
            "'-C N' in the @relation name (relation '{}')", header.relation);
  }
  if (n <= 0 || n >= count)
    fail_at(file, 0, "{} labels do not fit {} attributes (at least one must be a feature)", n,
            count);
  for (int64_t i = first; i < first + n; ++i) labels.push_back(static_cast<size_t>(i));
  return labels;
}

// Where each attribute's value goes.
struct Slot {
  enum Kind { Dropped, Label, Number, OneHot } kind = Number;
  int64_t column = 0;  ///< the label column, the feature column, or the first one-hot column
};

// A label must be numeric, or nominal with the values 0 and 1 only.
void check_label_type(const ArffAttribute& a, const std::filesystem::path& file) {
  const bool zero_one =
      a.type == ArffType::Numeric ||
      (a.type == ArffType::Nominal && a.numeric_values &&
       std::all_of(a.numbers.begin(), a.numbers.end(), [](float v) { return v == 0 || v == 1; }));
  if (!zero_one)
    fail_at(file, a.line, "label attribute '{}': type '{}' is not 0/1 (numeric, or {{0,1}})",
            a.name, a.type_text);
}

class ArffRows {
 public:
  /// sparse: the features go into a CsrMatrix row by row (one dense row
  /// buffer, never the dense matrix); else into the dense values.
  ArffRows(const std::vector<ArffAttribute>& attributes, std::vector<Slot> slots, int64_t features,
           int64_t labels, const ArffOptions& options, const std::filesystem::path& file,
           bool sparse)
      : attributes_(attributes),
        slots_(std::move(slots)),
        features_(features),
        labels_(labels),
        policy_(options.missing),
        max_elements_(options.max_elements),
        file_(file),
        sparse_(sparse),
        csr_(sparse ? features : 0) {
    if (sparse_) row_.resize(static_cast<size_t>(features_));
  }

  void read(std::string_view line, int64_t line_number) {
    line_ = line_number;
    if (!sparse_) check_size(features_, "features");
    check_size(labels_, "labels");
    const size_t row_features = feature_values_.size();
    const size_t row_labels = label_values_.size();
    if (!sparse_) feature_values_.resize(row_features + static_cast<size_t>(features_));
    label_values_.resize(row_labels + static_cast<size_t>(labels_));
    float* features = sparse_ ? row_.data() : feature_values_.data() + row_features;
    float* labels = label_values_.data() + row_labels;
    if (line.front() == '{') {
      read_sparse(line, features, labels);
    } else {
      read_dense(line, features, labels);
    }
    if (sparse_) {
      for (int64_t j = 0; j < features_; ++j)
        if (row_[static_cast<size_t>(j)] != 0.0f) csr_.push_back(j, row_[static_cast<size_t>(j)]);
      csr_.end_row();
    }
    ++rows_;
  }

  CsrMatrix& sparse_features() { return csr_; }

  int64_t rows() const { return rows_; }

  std::vector<float>& feature_values() { return feature_values_; }
  std::vector<float>& label_values() { return label_values_; }

 private:
  // One more row of `width` columns must keep the dense matrix within the limit.
  void check_size(int64_t width, std::string_view what) const {
    if (width > 0 && detail::exceeds_elements(rows_ + 1, width - 1, max_elements_))
      fail_at(file_, line_, "data row {} would make the {} {}; fulcrum reads ARFF into dense "
              "features and labels, at most {} elements each (ArffOptions::max_elements)",
              rows_ + 1, what, detail::dense_matrix(rows_ + 1, width - 1), max_elements_);
  }

  void store(size_t attribute, std::string_view text, float* features, float* labels) {
    const Slot slot = slots_[attribute];
    if (slot.kind == Slot::Dropped) return;
    const ArffAttribute& a = attributes_[attribute];
    text = detail::trim(text);
    if (text == "?") {
      store_missing(attribute, features);
      return;
    }
    text = detail::unquote(text, buffer_);
    float v = 0.0f;
    if (a.type == ArffType::Nominal) {
      const auto it = a.index.find(text);
      if (it == a.index.end())
        fail_at(file_, line_, "attribute '{}': '{}' is not one of its values {}", a.name, text,
                value_list(a));
      if (slot.kind == Slot::OneHot) {
        std::fill_n(features + slot.column, a.values.size(), 0.0f);
        features[slot.column + static_cast<int64_t>(it->second)] = 1.0f;
        return;
      }
      v = a.numbers[it->second];
    } else if (!detail::parse_float(text, v)) {
      fail_at(file_, line_, "attribute '{}': {}", a.name, detail::number_problem(text));
    }
    if (slot.kind == Slot::Label) {
      if (v != 0.0f && v != 1.0f)
        fail_at(file_, line_, "label attribute '{}': '{}' is not 0 or 1", a.name, text);
      labels[slot.column] = v;
    } else {
      features[slot.column] = v;
    }
  }

  void store_missing(size_t attribute, float* features) {
    const Slot slot = slots_[attribute];
    const ArffAttribute& a = attributes_[attribute];
    if (slot.kind == Slot::Label)
      fail_at(file_, line_, "label attribute '{}': missing value '?' (a label must be 0 or 1)",
              a.name);
    if (policy_ == MissingPolicy::Error)
      fail_at(file_, line_, "attribute '{}': missing value '?' (missing: error; set it to mean or "
              "most_frequent to impute)", a.name);
    // NaN until an Imputer fitted on the training rows fills it; a sparse
    // row stores it as an entry, since NaN is not 0.
    const size_t width = slot.kind == Slot::OneHot ? a.values.size() : 1;
    std::fill_n(features + slot.column, width, kMissing);
  }

  void read_dense(std::string_view line, float* features, float* labels) {
    size_t attribute = 0;
    size_t begin = 0;
    while (begin <= line.size()) {
      const size_t end = field_end(line, begin);
      if (attribute < attributes_.size())
        store(attribute, line.substr(begin, end - begin), features, labels);
      ++attribute;
      begin = end + 1;
    }
    if (attribute != attributes_.size())
      fail_at(file_, line_, "{} values, expected {} (one per @attribute)", attribute,
              attributes_.size());
  }

  void read_sparse(std::string_view line, float* features, float* labels) {
    const size_t close = line.rfind('}');
    if (close == std::string_view::npos || !detail::trim(line.substr(close + 1)).empty())
      fail_at(file_, line_, "a sparse row must be '{{index value, ...}}' and end with '}}'");
    set_sparse_defaults(features, labels);
    const std::string_view body = line.substr(1, close - 1);
    if (detail::trim(body).empty()) return;
    size_t begin = 0;
    while (begin <= body.size()) {
      const size_t end = field_end(body, begin);
      const std::string_view entry = detail::trim(body.substr(begin, end - begin));
      const size_t space = std::min(entry.find_first_of(" \t"), entry.size());
      const auto index = detail::parse_int(entry.substr(0, space));
      const int64_t count = static_cast<int64_t>(attributes_.size());
      if (!index || *index < 0 || *index >= count || space == entry.size())
        fail_at(file_, line_, "sparse entry '{}' is not '<index> <value>' with an index in [0, {})",
                entry, count);
      store(static_cast<size_t>(*index), entry.substr(space), features, labels);
      begin = end + 1;
    }
  }

  // What a sparse row means by leaving an attribute out: 0, which for a
  // nominal attribute is its first value.
  void set_sparse_defaults(float* features, float* labels) const {
    for (size_t a = 0; a < attributes_.size(); ++a) {
      const Slot slot = slots_[a];
      const ArffAttribute& attribute = attributes_[a];
      const float first = attribute.numbers.empty() ? 0.0f : attribute.numbers.front();
      switch (slot.kind) {
        case Slot::Dropped:
          break;
        case Slot::Label:
          labels[slot.column] = first;
          break;
        case Slot::Number:
          features[slot.column] = first;
          break;
        case Slot::OneHot:
          std::fill_n(features + slot.column, attribute.values.size(), 0.0f);
          features[slot.column] = 1.0f;
          break;
      }
    }
  }

  // The end of the comma-separated field starting at `begin` (quotes and
  // their backslash escapes respected).
  static size_t field_end(std::string_view line, size_t begin) {
    char quote = 0;
    for (size_t i = begin; i < line.size(); ++i) {
      const char c = line[i];
      if (quote) {
        if (c == '\\') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == ',') {
        return i;
      }
    }
    return line.size();
  }

  const std::vector<ArffAttribute>& attributes_;
  std::vector<Slot> slots_;
  int64_t features_;
  int64_t labels_;
  MissingPolicy policy_;
  int64_t max_elements_;
  const std::filesystem::path& file_;
  std::string buffer_;  ///< decoded quoted values
  bool sparse_;
  std::vector<float> row_;  ///< the row being read, when sparse_
  CsrMatrix csr_;
  int64_t line_ = 0;
  int64_t rows_ = 0;
  std::vector<float> feature_values_;
  std::vector<float> label_values_;
};

// Marks the dropped attributes; every name must be an attribute, and no label.
void mark_dropped(const std::vector<ArffAttribute>& attributes, const std::vector<size_t>& labels,
                  const std::vector<std::string>& drop, std::vector<Slot>& slots,
                  const std::filesystem::path& file) {
  const std::vector<std::string> names = attribute_names(attributes);
  for (const std::string& name : drop) {
    const auto i = detail::find_name(names, name);
    if (!i)
      fail_at(file, 0, "drop: no attribute '{}'{}; the attributes are: {}", name,
              did_you_mean(name, names), detail::list_names(names));
    if (std::find(labels.begin(), labels.end(), *i) != labels.end())
      fail_at(file, attributes[*i].line, "drop: '{}' is a label attribute", name);
    slots[*i].kind = Slot::Dropped;
  }
}

// Whether any data row is written sparse ("{index value, ...}").
bool has_sparse_rows(detail::LineReader lines) {
  std::string_view raw;
  while (lines.next(raw)) {
    const std::string_view line = detail::trim(raw);
    if (!line.empty() && line[0] == '{') return true;
  }
  return false;
}

}  // namespace

Dataset read_arff(const std::filesystem::path& file, const ArffOptions& options) {
  if (options.max_elements < 1)
    fail_at(file, 0, "max_elements must be >= 1, got {}", options.max_elements);
  return parse_arff(detail::read_text_file(file), file.string(), options);
}

Dataset parse_arff(std::string_view text, const std::string& source_name,
                   const ArffOptions& options) {
  const std::filesystem::path file(source_name);
  if (options.max_elements < 1)
    fail_at(file, 0, "max_elements must be >= 1, got {}", options.max_elements);
  detail::LineReader lines(text);
  const detail::ArffHeader header = detail::read_arff_header(lines, file);
  const auto& attributes = header.attributes;
  const std::vector<size_t> labels = label_attributes(header, options, file);

  Dataset dataset;
  Target target{options.target_name, TaskKind::MultiLabel, {}, {}};
  std::vector<Slot> slots(attributes.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    check_label_type(attributes[labels[i]], file);
    slots[labels[i]] = {Slot::Label, static_cast<int64_t>(i)};
    target.classes.push_back(attributes[labels[i]].name);
  }
  mark_dropped(attributes, labels, options.drop, slots, file);
  for (size_t a = 0; a < attributes.size(); ++a) {
    Slot& slot = slots[a];
    if (slot.kind == Slot::Label || slot.kind == Slot::Dropped) continue;
    const ArffAttribute& attribute = attributes[a];
    if (attribute.type == ArffType::String || attribute.type == ArffType::Date)
      fail_at(file, attribute.line, "attribute '{}': type '{}' is not supported; drop it "
              "(data.drop, ArffOptions::drop) to read the rest", attribute.name,
              attribute.type_text);
    slot.column = static_cast<int64_t>(dataset.feature_names.size());
    if (attribute.type == ArffType::Nominal && !attribute.numeric_values) {
      slot.kind = Slot::OneHot;
      for (const std::string& value : attribute.values)
        dataset.feature_names.push_back(attribute.name + "=" + value);
      dataset.nominal_columns.push_back(
          {attribute.name, slot.column, static_cast<int64_t>(attribute.values.size())});
    } else {
      dataset.feature_names.push_back(attribute.name);
      if (attribute.type == ArffType::Nominal)
        dataset.nominal_columns.push_back({attribute.name, slot.column, 1, attribute.numbers});
    }
  }
  const int64_t features = static_cast<int64_t>(dataset.feature_names.size());
  const int64_t label_count = static_cast<int64_t>(labels.size());
  if (features == 0) fail_at(file, 0, "no feature attributes are left (all labels or dropped)");

  const auto read_rows = [&](bool sparse) {
    ArffRows rows(attributes, slots, features, label_count, options, file, sparse);
    detail::LineReader data_lines = lines;
    std::string_view raw;
    while (data_lines.next(raw)) {
      const std::string_view line = detail::trim(raw);
      if (line.empty() || line[0] == '%') continue;
      rows.read(line, data_lines.line_number());
    }
    if (rows.rows() == 0) fail_at(file, 0, "no data rows after @data");
    return rows;
  };
  const bool sparse_rows = options.storage != FeatureStorage::Dense && has_sparse_rows(lines);
  if (options.storage == FeatureStorage::Sparse || sparse_rows) {
    ArffRows rows = read_rows(true);
    CsrMatrix& x = rows.sparse_features();
    if (!options.features_only) {
      target.values = Tensor::from({rows.rows(), label_count}, rows.label_values());
      dataset.targets.push_back(std::move(target));
    }
    if (hold_sparse(options.storage, sparse_rows, x.density())) {
      dataset.sparse_features = std::make_shared<const CsrMatrix>(std::move(x));
      return dataset;
    }
    if (detail::exceeds_elements(x.rows, features - 1, options.max_elements))
      fail_at(file, 0,
              "{} data rows would make the features {}; fulcrum reads ARFF into dense "
              "features, at most {} elements (ArffOptions::max_elements)",
              x.rows, detail::dense_matrix(x.rows, features - 1), options.max_elements);
    dataset.features = x.to_dense();
    return dataset;
  }
  ArffRows rows = read_rows(false);
  dataset.features = Tensor::from({rows.rows(), features}, rows.feature_values());
  if (!options.features_only) {
    target.values = Tensor::from({rows.rows(), label_count}, rows.label_values());
    dataset.targets.push_back(std::move(target));
  }
  return dataset;
}

std::vector<std::string> arff_attribute_names(std::string_view text,
                                              const std::string& source_name) {
  detail::LineReader lines(text);
  return attribute_names(
      detail::read_arff_header(lines, std::filesystem::path(source_name)).attributes);
}

}  // namespace fulcrum::data
