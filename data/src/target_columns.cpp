#include "target_columns.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "text_input.hpp"

namespace fulcrum::data::detail {
namespace {

size_t column_index(const std::vector<std::string>& names, const std::string& name,
                    const TargetSpec& spec, const std::filesystem::path& file) {
  if (auto i = find_name(names, name)) return *i;
  fail_at(file, 0, "target '{}': unknown column '{}'; the columns are: {}", spec.name, name,
          list_names(names));
}

// Which of the ways in TargetSpec's comment the spec uses; throws otherwise.
void check_spec(const TargetSpec& spec, const std::filesystem::path& file) {
  if (spec.name.empty()) fail_at(file, 0, "a target has no name");
  const int ways = int{!spec.columns.empty()} + int{!spec.column.empty()} + int{spec.last != 0};
  if (spec.kind == TaskKind::MultiClass) {
    if (spec.column.empty() || ways != 1)
      fail_at(file, 0, "target '{}': a multi-class target takes exactly one `column`",
              spec.name);
    return;
  }
  if (ways != 1)
    fail_at(file, 0,
            "target '{}': give exactly one of `columns` (0/1 columns), `column` (a label list) "
            "or `last` (the last N columns)",
            spec.name);
  if (spec.last < 0) fail_at(file, 0, "target '{}': last = {} is negative", spec.name, spec.last);
}

}  // namespace

TargetColumns::TargetColumns(const TargetSpec& spec, const std::vector<std::string>& column_names,
                             const std::filesystem::path& file)
    : spec_(spec), column_names_(column_names), file_(file) {
  check_spec(spec_, file_);
  const int64_t width = static_cast<int64_t>(column_names_.size());
  if (spec_.last > 0) {
    if (spec_.last > width)
      fail_at(file_, 0, "target '{}': last = {}, but the file has only {} columns", spec_.name,
              spec_.last, width);
    for (int64_t c = width - spec_.last; c < width; ++c) columns_.push_back(static_cast<size_t>(c));
  } else if (!spec_.columns.empty()) {
    for (const std::string& name : spec_.columns)
      columns_.push_back(column_index(column_names_, name, spec_, file_));
  } else {
    columns_.push_back(column_index(column_names_, spec_.column, spec_, file_));
  }
  multi_hot_ = spec_.kind == TaskKind::MultiLabel && spec_.column.empty();
  if (multi_hot_ && !spec_.classes.empty() && spec_.classes.size() != columns_.size())
    fail_at(file_, 0, "target '{}': {} class names for {} label columns", spec_.name,
            spec_.classes.size(), columns_.size());
  std::vector<size_t> sorted = columns_;
  std::sort(sorted.begin(), sorted.end());
  if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
    fail_at(file_, 0, "target '{}': column '{}' is named twice", spec_.name,
            column_names_[*dup]);
}

void TargetColumns::fail(int64_t line, size_t column, const std::string& problem) const {
  fail_at(file_, line, "column '{}': {}", column_names_[column], problem);
}

void TargetColumns::read_row(std::span<const std::string_view> fields, int64_t line) {
  if (!multi_hot_) {
    texts_.emplace_back(trim(fields[columns_[0]]));
    lines_.push_back(line);
    return;
  }
  for (size_t c : columns_) {
    float v = 0.0f;
    if (!parse_float(fields[c], v)) fail(line, c, number_problem(fields[c]));
    if (v != 0.0f && v != 1.0f)
      fail(line, c, fmt::format("'{}' is not a label (0 or 1)", fields[c]));
    values_.push_back(v);
  }
  lines_.push_back(line);
}

Target TargetColumns::finish() {
  if (multi_hot_) return finish_multi_hot();
  if (spec_.kind == TaskKind::MultiLabel) return finish_label_lists();
  return finish_classes();
}

Target TargetColumns::finish_multi_hot() {
  const int64_t rows = static_cast<int64_t>(lines_.size());
  const int64_t labels = static_cast<int64_t>(columns_.size());
  Target t{spec_.name, TaskKind::MultiLabel, Tensor::from({rows, labels}, values_), spec_.classes};
  if (t.classes.empty())
    for (size_t c : columns_) t.classes.push_back(column_names_[c]);
  return t;
}

namespace {

// The non-empty, trimmed labels of a `separator`-joined list.
std::vector<std::string_view> split_labels(std::string_view text, char separator) {
  std::vector<std::string_view> labels;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(separator, begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view label = trim(text.substr(begin, end - begin));
    if (!label.empty()) labels.push_back(label);
    begin = end + 1;
  }
  return labels;
}

// An integer written as a number ("2", "2.0"); nullopt for anything else.
std::optional<int64_t> parse_index(std::string_view text) {
  float v = 0.0f;
  if (!parse_float(text, v) || v != std::floor(v) || std::fabs(v) > 1e15f) return std::nullopt;
  return static_cast<int64_t>(v);
}

// More inferred classes than this is a column of ids or measurements, not classes.
constexpr int64_t kMaxInferredClasses = 1 << 20;

std::unordered_map<std::string, int64_t> index_of(const std::vector<std::string>& names) {
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < names.size(); ++i) index.emplace(names[i], static_cast<int64_t>(i));
  return index;
}

}  // namespace

Target TargetColumns::finish_label_lists() {
  const size_t column = columns_[0];
  std::vector<std::string> classes = spec_.classes;
  if (classes.empty()) {
    std::set<std::string, std::less<>> seen;
    for (const std::string& text : texts_)
      for (std::string_view label : split_labels(text, spec_.separator)) seen.emplace(label);
    classes.assign(seen.begin(), seen.end());
  }
  const auto index = index_of(classes);
  const int64_t rows = static_cast<int64_t>(texts_.size());
  const int64_t width = static_cast<int64_t>(classes.size());
  Tensor values = Tensor::zeros({rows, width});
  for (int64_t r = 0; r < rows; ++r) {
    for (std::string_view label : split_labels(texts_[r], spec_.separator)) {
      const auto it = index.find(std::string(label));
      if (it == index.end())
        fail(lines_[r], column,
             fmt::format("unknown label '{}'; the labels are: {}", label, list_names(classes)));
      values.data()[r * width + it->second] = 1.0f;
    }
  }
  return {spec_.name, TaskKind::MultiLabel, values, classes};
}

Target TargetColumns::finish_classes() {
  const size_t column = columns_[0];
  const int64_t rows = static_cast<int64_t>(texts_.size());
  std::vector<std::string> classes = spec_.classes;
  const bool fixed = !classes.empty();
  // Without given classes, a column of numbers holds indices, anything else names.
  bool indices = !fixed;
  for (int64_t r = 0; r < rows && indices; ++r) {
    float v = 0.0f;
    indices = parse_float(texts_[r], v);
  }
  if (!fixed && !indices) {
    std::set<std::string> seen(texts_.begin(), texts_.end());
    classes.assign(seen.begin(), seen.end());
  }
  const auto index = index_of(classes);
  Tensor values = Tensor::empty({rows});
  int64_t largest = -1;
  for (int64_t r = 0; r < rows; ++r) {
    const std::string& text = texts_[r];
    if (text.empty()) fail(lines_[r], column, "the class is empty");
    if (auto it = index.find(text); it != index.end()) {
      values.data()[r] = static_cast<float>(it->second);
      continue;
    }
    const std::optional<int64_t> k = parse_index(text);
    if (!k)
      fail(lines_[r], column,
           fixed ? fmt::format("'{}' is neither a class name nor a class index; the classes are: {}",
                               text, list_names(classes))
                 : fmt::format("'{}' is not a class index (a non-negative integer)", text));
    if (*k < 0 || (fixed && *k >= static_cast<int64_t>(classes.size())))
      fail(lines_[r], column,
           fixed ? fmt::format("class index {} is out of range for {} classes ({})", *k,
                               classes.size(), list_names(classes))
                 : fmt::format("class index {} is negative", *k));
    if (!fixed && *k >= kMaxInferredClasses)
      fail(lines_[r], column,
           fmt::format("class index {} would make more than {} classes; is this a class "
                       "column? (give `classes` to fix the class list)",
                       *k, kMaxInferredClasses));
    largest = std::max(largest, *k);
    values.data()[r] = static_cast<float>(*k);
  }
  if (!fixed && indices)
    for (int64_t k = 0; k <= largest; ++k) classes.push_back(std::to_string(k));
  return {spec_.name, TaskKind::MultiClass, values, classes};
}

}  // namespace fulcrum::data::detail
