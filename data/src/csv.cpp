#include "fulcrum/data/csv.hpp"

#include <algorithm>
#include <unordered_map>

#include "csv_records.hpp"
#include "target_columns.hpp"
#include "text_input.hpp"

namespace fulcrum::data {
namespace {

using detail::fail_at;

// The header's names (trimmed), or "c0", "c1", ... for a headerless file.
std::vector<std::string> column_names(std::span<const std::string_view> first_record,
                                      bool header, const std::filesystem::path& file,
                                      int64_t line) {
  std::vector<std::string> names;
  for (size_t i = 0; i < first_record.size(); ++i)
    names.push_back(header ? std::string(detail::trim(first_record[i])) : fmt::format("c{}", i));
  std::unordered_map<std::string_view, size_t> first_field;
  for (size_t i = 0; i < names.size(); ++i)
    if (auto [it, fresh] = first_field.emplace(names[i], i); !fresh)
      fail_at(file, line, "the column name '{}' appears twice (fields {} and {})", names[i],
              it->second + 1, i + 1);
  return names;
}

// The feature columns: those named in the options, or every column no target uses.
std::vector<size_t> feature_columns(const CsvOptions& options,
                                    const std::vector<std::string>& names,
                                    const std::vector<detail::TargetColumns>& targets,
                                    const std::filesystem::path& file) {
  std::vector<std::string_view> used_by(names.size());
  for (size_t t = 0; t < targets.size(); ++t)
    for (size_t c : targets[t].columns()) {
      if (!used_by[c].empty())
        fail_at(file, 0, "column '{}' is used by two targets, '{}' and '{}'", names[c],
                used_by[c], options.targets[t].name);
      used_by[c] = options.targets[t].name;
    }
  std::vector<size_t> columns;
  if (options.feature_columns.empty()) {
    for (size_t c = 0; c < names.size(); ++c)
      if (used_by[c].empty()) columns.push_back(c);
  } else {
    for (const std::string& name : options.feature_columns) {
      const auto c = detail::find_name(names, name);
      if (!c)
        fail_at(file, 0, "unknown feature column '{}'; the columns are: {}", name,
                detail::list_names(names));
      if (!used_by[*c].empty())
        fail_at(file, 0, "column '{}' cannot be both a feature and part of target '{}'", name,
                used_by[*c]);
      if (std::find(columns.begin(), columns.end(), *c) != columns.end())
        fail_at(file, 0, "feature column '{}' is named twice", name);
      columns.push_back(*c);
    }
  }
  if (columns.empty()) fail_at(file, 0, "no feature columns: every column belongs to a target");
  return columns;
}

}  // namespace

Dataset read_csv(const std::filesystem::path& file, const CsvOptions& options) {
  return parse_csv(detail::read_text_file(file), file.string(), options);
}

Dataset parse_csv(std::string_view text, const std::string& source_name,
                  const CsvOptions& options) {
  const std::filesystem::path file(source_name);
  detail::CsvRecords records(text, options.delimiter, file, options.max_line_bytes,
                             options.max_fields);
  std::vector<std::string_view> fields;
  if (!records.next(fields)) fail_at(file, 0, "the file is empty");
  const int64_t first_line = records.line();
  const std::vector<std::string> names = column_names(fields, options.header, file, first_line);

  std::vector<detail::TargetColumns> targets;
  targets.reserve(options.targets.size());
  for (size_t t = 0; t < options.targets.size(); ++t) {
    for (size_t u = 0; u < t; ++u)
      if (options.targets[u].name == options.targets[t].name)
        fail_at(file, 0, "two targets are called '{}'", options.targets[t].name);
    targets.emplace_back(options.targets[t], names, file);
  }
  const std::vector<size_t> features = feature_columns(options, names, targets, file);

  std::vector<float> values;
  int64_t rows = 0;
  bool have_record = !options.header || records.next(fields);
  for (; have_record; have_record = records.next(fields)) {
    if (fields.size() != names.size())
      fail_at(file, records.line(), "{} fields, expected {} (as in line {})", fields.size(),
              names.size(), first_line);
    for (size_t c : features) {
      float v = 0.0f;
      if (!detail::parse_float(fields[c], v))
        fail_at(file, records.line(), "column '{}': {}", names[c],
                detail::number_problem(fields[c]));
      values.push_back(v);
    }
    for (detail::TargetColumns& target : targets) target.read_row(fields, records.line());
    ++rows;
  }
  if (rows == 0) fail_at(file, 0, "no data rows{}", options.header ? " after the header" : "");

  Dataset dataset;
  dataset.features = Tensor::from({rows, static_cast<int64_t>(features.size())}, values);
  for (size_t c : features) dataset.feature_names.push_back(names[c]);
  for (detail::TargetColumns& target : targets) dataset.targets.push_back(target.finish());
  return dataset;
}

}  // namespace fulcrum::data
