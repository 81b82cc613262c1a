#include "fulcrum/data/arff.hpp"

#include <algorithm>

#include <fmt/ranges.h>

#include "arff_header.hpp"
#include "text_input.hpp"

namespace fulcrum::data {
namespace {

using detail::ArffAttribute;
using detail::fail_at;

std::vector<std::string> attribute_names(const std::vector<ArffAttribute>& attributes) {
  std::vector<std::string> names;
  for (const ArffAttribute& a : attributes) names.push_back(a.name);
  return names;
}

// The label attributes' indices, in target order, as ArffOptions says.
std::vector<size_t> label_attributes(const detail::ArffHeader& header, const ArffOptions& options,
                                     const std::filesystem::path& file) {
  const auto& attributes = header.attributes;
  const int64_t count = static_cast<int64_t>(attributes.size());
  std::vector<size_t> labels;
  if (!options.label_names.empty()) {
    const std::vector<std::string> names = attribute_names(attributes);
    for (const std::string& name : options.label_names) {
      const auto i = detail::find_name(names, name);
      if (!i)
        fail_at(file, 0, "unknown label attribute '{}'; the attributes are: {}", name,
                detail::list_names(names));
      if (std::find(labels.begin(), labels.end(), *i) != labels.end())
        fail_at(file, 0, "label attribute '{}' is named twice", name);
      labels.push_back(*i);
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

// Where each attribute's value goes: a feature column or a label column.
struct Slot {
  bool label = false;
  int64_t column = 0;
};

class ArffRows {
 public:
  ArffRows(const std::vector<ArffAttribute>& attributes, std::vector<Slot> slots,
           int64_t features, int64_t labels, const std::filesystem::path& file)
      : attributes_(attributes), slots_(std::move(slots)), features_(features),
        labels_(labels), file_(file) {}

  void read(std::string_view line, int64_t line_number) {
    line_ = line_number;
    const size_t row_features = feature_values_.size();
    const size_t row_labels = label_values_.size();
    feature_values_.resize(row_features + static_cast<size_t>(features_));
    label_values_.resize(row_labels + static_cast<size_t>(labels_));
    float* features = feature_values_.data() + row_features;
    float* labels = label_values_.data() + row_labels;
    if (line.front() == '{') {
      read_sparse(line, features, labels);
    } else {
      read_dense(line, features, labels);
    }
    ++rows_;
  }

  int64_t rows() const { return rows_; }
  std::vector<float>& feature_values() { return feature_values_; }
  std::vector<float>& label_values() { return label_values_; }

 private:
  void store(size_t attribute, std::string_view text, float* features, float* labels) {
    const ArffAttribute& a = attributes_[attribute];
    text = detail::unquote(detail::trim(text));
    if (text == "?")
      fail_at(file_, line_, "attribute '{}': missing values ('?') are not supported", a.name);
    if (a.nominal && std::find(a.values.begin(), a.values.end(), text) == a.values.end())
      fail_at(file_, line_, "attribute '{}': '{}' is not one of its values {{{}}}", a.name, text,
              fmt::join(a.values, ","));
    float v = 0.0f;
    if (!detail::parse_float(text, v))
      fail_at(file_, line_, "attribute '{}': {}", a.name, detail::number_problem(text));
    const Slot slot = slots_[attribute];
    if (slot.label && v != 0.0f && v != 1.0f)
      fail_at(file_, line_, "label attribute '{}': '{}' is not 0 or 1", a.name, text);
    (slot.label ? labels : features)[slot.column] = v;
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
    for (size_t a = 0; a < attributes_.size(); ++a)
      (slots_[a].label ? labels : features)[slots_[a].column] = attributes_[a].sparse_default;
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

  // The end of the comma-separated field starting at `begin` (quotes respected).
  static size_t field_end(std::string_view line, size_t begin) {
    char quote = 0;
    for (size_t i = begin; i < line.size(); ++i) {
      const char c = line[i];
      if (quote) {
        if (c == quote) quote = 0;
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
  const std::filesystem::path& file_;
  int64_t line_ = 0;
  int64_t rows_ = 0;
  std::vector<float> feature_values_;
  std::vector<float> label_values_;
};

}  // namespace

Dataset read_arff(const std::filesystem::path& file, const ArffOptions& options) {
  const std::string text = detail::read_text_file(file);
  detail::LineReader lines(text);
  const detail::ArffHeader header = detail::read_arff_header(lines, file);
  const std::vector<size_t> labels = label_attributes(header, options, file);

  Dataset dataset;
  Target target{options.target_name, TaskKind::MultiLabel, {}, {}};
  std::vector<Slot> slots(header.attributes.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    slots[labels[i]] = {true, static_cast<int64_t>(i)};
    target.classes.push_back(header.attributes[labels[i]].name);
  }
  for (size_t a = 0; a < header.attributes.size(); ++a) {
    if (slots[a].label) continue;
    slots[a].column = static_cast<int64_t>(dataset.feature_names.size());
    dataset.feature_names.push_back(header.attributes[a].name);
  }
  const int64_t features = static_cast<int64_t>(dataset.feature_names.size());
  const int64_t label_count = static_cast<int64_t>(labels.size());

  ArffRows rows(header.attributes, std::move(slots), features, label_count, file);
  std::string_view raw;
  while (lines.next(raw)) {
    const std::string_view line = detail::trim(raw);
    if (line.empty() || line[0] == '%') continue;
    rows.read(line, lines.line_number());
  }
  if (rows.rows() == 0) fail_at(file, 0, "no data rows after @data");
  dataset.features = Tensor::from({rows.rows(), features}, rows.feature_values());
  target.values = Tensor::from({rows.rows(), label_count}, rows.label_values());
  dataset.targets.push_back(std::move(target));
  return dataset;
}

}  // namespace fulcrum::data
