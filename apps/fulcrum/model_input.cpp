#include "model_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "fulcrum/config/run_config.hpp"
#include "fulcrum/config/run_data.hpp"
#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/csv_fields.hpp"
#include "fulcrum/data/libsvm.hpp"

namespace fulcrum::cli {

namespace {

std::string read_stdin() {
  std::string text;
  char buffer[1 << 16];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) text.append(buffer, got);
  if (std::ferror(stdin)) throw data::DataError("cannot read standard input");
  return text;
}

// A regular file only: a FIFO would block, a directory has no rows.
std::string read_file(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw data::DataError(fmt::format(
        "the input '{}' {}", path,
        std::filesystem::exists(path, error) ? "is not a regular file" : "does not exist"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data::DataError(fmt::format("cannot open the input '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// "a, b, c" for up to ten names, then how many there are in all.
std::string some_names(const std::vector<std::string>& names) {
  constexpr size_t kShown = 10;
  if (names.size() <= kShown) return fmt::format("{}", fmt::join(names, ", "));
  return fmt::format("{}, ... ({} in all)", fmt::join(names.begin(), names.begin() + kShown, ", "),
                     names.size());
}

// The columns of `names` that the model does not read and are not `dropped`,
// and the model's features that are not among `names`.
struct ColumnMismatch {
  std::vector<std::string> missing;
  std::vector<std::string> unknown;

  std::string describe(const std::string& column) const {
    std::string text;
    if (!missing.empty()) {
      text += fmt::format("; missing feature {}{} {}", column, missing.size() == 1 ? "" : "s",
                          some_names(missing));
    }
    if (!unknown.empty()) {
      text += fmt::format("; {}{} the model does not read: {}", column,
                          unknown.size() == 1 ? "" : "s", some_names(unknown));
    }
    return text;
  }
};

ColumnMismatch compare_names(const std::vector<std::string>& names,
                             const std::vector<std::string>& features,
                             const std::vector<std::string>& dropped) {
  ColumnMismatch mismatch;
  const std::set<std::string> have(names.begin(), names.end());
  const std::set<std::string> want(features.begin(), features.end());
  for (const std::string& name : features) {
    if (!have.contains(name)) mismatch.missing.push_back(name);
  }
  for (const std::string& name : names) {
    if (!want.contains(name) && !contains(dropped, name)) mismatch.unknown.push_back(name);
  }
  return mismatch;
}

const config::RunConfig* training_config(const train::Predictor& predictor,
                                         data::DataSource source) {
  const config::RunConfig* config = predictor.config();
  return config != nullptr && config->data.source == source ? config : nullptr;
}

// The input's columns that held labels in the training file, as the stored
// config's data.targets says: named columns, or the last N.
std::vector<std::string> csv_label_columns(const train::Predictor& predictor,
                                           const std::vector<std::string>& names,
                                           const std::string& source) {
  const config::RunConfig* config = training_config(predictor, data::DataSource::CSV);
  if (config == nullptr) {
    throw data::DataError(fmt::format(
        "--has-labels: {}: the model was not trained on a CSV file ({}), so it does not say which "
        "columns hold labels; remove them from the input",
        source,
        predictor.config() ? std::string(name_of(predictor.config()->data.source))
                           : "no training config is stored"));
  }
  std::vector<std::string> labels;
  const auto add = [&](const std::string& name, const std::string& key) {
    if (!contains(names, name)) {
      throw data::DataError(
          fmt::format("{}: no label column '{}' ({} of the training config); the columns are {}",
                      source, name, key, some_names(names)));
    }
    if (!contains(labels, name)) labels.push_back(name);
  };
  for (const config::HeadConfig& head : config->model.heads) {
    const auto it = config->data.targets.find(head.name);
    if (it == config->data.targets.end()) continue;
    const config::TargetColumnsConfig& target = it->second;
    const std::string key = "data.targets." + head.name;
    for (const std::string& column : target.columns) add(column, key + ".columns");
    if (!target.column.empty()) add(target.column, key + ".column");
    if (target.last > 0) {
      if (static_cast<int64_t>(names.size()) < target.last) {
        throw data::DataError(
            fmt::format("{}: {} columns, fewer than the {} label columns of {}.last", source,
                        names.size(), target.last, key));
      }
      for (size_t c = names.size() - static_cast<size_t>(target.last); c < names.size(); ++c)
        add(names[c], key + ".last");
    }
  }
  return labels;
}

// How many label columns the training file had (0 when the config does not say).
size_t training_label_columns(const train::Predictor& predictor) {
  const config::RunConfig* config = training_config(predictor, data::DataSource::CSV);
  if (config == nullptr) return 0;
  size_t count = 0;
  for (const auto& [head, target] : config->data.targets) {
    count += target.columns.size() + (target.column.empty() ? 0 : 1) +
             static_cast<size_t>(std::max<int64_t>(target.last, 0));
  }
  return count;
}

// How to read the CSV `text` so that its features are the model's: header or
// not, delimiter, and the feature columns in the model's order. Checks the
// column count (and, with a header, the names) first.
data::CsvOptions csv_layout(const train::Predictor& predictor, const std::string& text,
                            const std::string& source, const ModelInputOptions& options) {
  const config::RunConfig* config = predictor.config();
  const char delimiter =
      config != nullptr && !config->data.delimiter.empty() ? config->data.delimiter[0] : ',';
  const std::vector<std::string> first = data::first_csv_record(text, delimiter);
  const bool header = options.header == train::HeaderMode::Yes ||
                      (options.header == train::HeaderMode::Auto && data::looks_like_header(first));
  std::vector<std::string> names = first;
  if (!header) {
    for (size_t c = 0; c < names.size(); ++c) names[c] = fmt::format("c{}", c);
  }
  const std::vector<std::string>& features = predictor.feature_names();
  const std::vector<std::string> labels =
      options.has_labels ? csv_label_columns(predictor, names, source) : std::vector<std::string>{};
  const size_t expected = features.size() + labels.size();
  const ColumnMismatch mismatch =
      header ? compare_names(names, features, labels) : ColumnMismatch{};
  if (names.size() != expected || !mismatch.missing.empty() || !mismatch.unknown.empty()) {
    std::string hint;
    const size_t training_labels = training_label_columns(predictor);
    if (!options.has_labels && training_labels > 0 &&
        names.size() == features.size() + training_labels) {
      hint = fmt::format(
          " (are the other {} the training file's label columns? --has-labels "
          "drops them)",
          training_labels);
    }
    throw data::DataError(fmt::format(
        "{}: {} columns, but the model reads {} features{}{}{}{}", source, names.size(),
        features.size(),
        labels.empty() ? "" : fmt::format(" and {} label columns are declared", labels.size()),
        header ? " (by name: the input has a header)" : " (by position: the input has no header)",
        mismatch.describe("column"), hint));
  }
  data::CsvOptions csv;
  csv.header = header;
  csv.delimiter = delimiter;
  if (config != nullptr) {
    csv.max_line_bytes = config->data.limits.max_line_bytes;
    csv.max_fields = config->data.limits.max_fields;
  }
  if (header) {
    csv.feature_columns = features;
  } else {
    for (const std::string& name : names) {
      if (!contains(labels, name)) csv.feature_columns.push_back(name);
    }
  }
  return csv;
}

// The targets of the stored config's data.targets, with the model's labels
// (so that class indices mean what they meant in training).
std::vector<data::TargetSpec> csv_targets(const train::Predictor& predictor) {
  std::vector<data::TargetSpec> specs = config::csv_targets(*predictor.config());
  for (size_t h = 0; h < specs.size(); ++h) {
    if (!specs[h].column.empty()) specs[h].classes = predictor.card().heads.at(h).labels;
  }
  return specs;
}

// The columns `wanted` of `dataset`'s dense features, in that order.
Tensor columns_by_name(const data::Dataset& dataset, const std::vector<std::string>& wanted) {
  std::unordered_map<std::string, int64_t> index;
  for (size_t c = 0; c < dataset.feature_names.size(); ++c)
    index.emplace(dataset.feature_names[c], static_cast<int64_t>(c));
  const int64_t n = dataset.size();
  const int64_t width = dataset.features.size(1);
  const auto f = static_cast<int64_t>(wanted.size());
  Tensor out = Tensor::empty({n, f});
  const float* in = dataset.features.data();
  float* o = out.data();
  for (int64_t j = 0; j < f; ++j) {
    const int64_t from = index.at(wanted[static_cast<size_t>(j)]);
    for (int64_t i = 0; i < n; ++i) o[i * f + j] = in[i * width + from];
  }
  return out;
}

// The model's multilabel label names: in a MULAN ARFF file, the label attributes.
std::vector<std::string> label_names(const train::Predictor& predictor) {
  std::vector<std::string> names;
  for (const train::HeadCard& head : predictor.card().heads) {
    if (head.kind == TaskKind::MultiLabel)
      names.insert(names.end(), head.labels.begin(), head.labels.end());
  }
  return names;
}

data::Dataset arff_checked(const train::Predictor& predictor, data::Dataset dataset,
                           const std::string& source, size_t dropped_labels);

// The ARFF options of the training config: dropped attributes (those the
// file has), the size limit. A '?' is read as NaN, for the Predictor to fill
// with the stored imputation, only when the model stores one; else it is an
// error naming file, line and attribute.
data::ArffOptions arff_options(const train::Predictor& predictor,
                               const std::vector<std::string>& attributes) {
  data::ArffOptions arff;
  const config::RunConfig* config = training_config(predictor, data::DataSource::ARFF);
  if (config != nullptr) {
    for (const std::string& name : config->data.drop) {
      if (contains(attributes, name)) arff.drop.push_back(name);
    }
    arff.max_elements = config->data.limits.max_elements;
  }
  if (predictor.imputer().fitted()) {
    arff.missing = config != nullptr ? config->data.missing : data::MissingPolicy::Mean;
  }
  return arff;
}

data::Dataset arff_features(const train::Predictor& predictor, const std::string& text,
                            const std::string& source) {
  const std::vector<std::string> attributes = data::arff_attribute_names(text, source);
  const std::vector<std::string> labels = label_names(predictor);
  std::vector<std::string> present;
  for (const std::string& label : labels) {
    if (contains(attributes, label)) present.push_back(label);
  }
  if (!present.empty() && present.size() != labels.size()) {
    std::vector<std::string> absent;
    for (const std::string& label : labels) {
      if (!contains(present, label)) absent.push_back(label);
    }
    throw data::DataError(fmt::format(
        "{}: declares {} of the model's {} label attributes (missing: {}); an input holds all of "
        "them (they are dropped) or none",
        source, present.size(), labels.size(), some_names(absent)));
  }
  data::ArffOptions arff = arff_options(predictor, attributes);
  arff.features_only = true;
  arff.drop.insert(arff.drop.end(), present.begin(), present.end());
  return arff_checked(predictor, data::parse_arff(text, source, arff), source, present.size());
}

// `dataset`, read from an ARFF file, with exactly the model's features, in its order.
data::Dataset arff_checked(const train::Predictor& predictor, data::Dataset dataset,
                           const std::string& source, size_t dropped_labels) {
  const std::vector<std::string>& features = predictor.feature_names();
  const ColumnMismatch mismatch = compare_names(dataset.feature_names, features, {});
  if (dataset.feature_names.size() != features.size() || !mismatch.missing.empty() ||
      !mismatch.unknown.empty()) {
    throw data::DataError(fmt::format(
        "{}: {} feature columns (numeric attributes, and one per value of each other nominal "
        "one, after dropping {} label attributes), but the model reads {} features{}",
        source, dataset.feature_names.size(), dropped_labels, features.size(),
        mismatch.describe("column")));
  }
  dataset.features = columns_by_name(dataset, features);
  dataset.feature_names = features;
  // The columns moved; their missing values are filled per column by the
  // stored imputation, which needs no attributes.
  dataset.nominal_columns.clear();
  return dataset;
}

data::Dataset libsvm_rows(const train::Predictor& predictor, const std::string& text,
                          const std::string& source, int64_t labels) {
  const std::vector<std::string>& features = predictor.feature_names();
  data::LibsvmOptions libsvm;
  libsvm.num_features = static_cast<int64_t>(features.size());
  libsvm.num_labels = labels;
  if (const config::RunConfig* config = training_config(predictor, data::DataSource::LibSVM)) {
    libsvm.max_elements = config->data.limits.max_elements;
  }
  data::Dataset dataset = data::parse_libsvm(text, source, libsvm);
  if (dataset.feature_names != features) {
    throw data::DataError(fmt::format(
        "{}: libsvm features are f1..f{}, but the model's are {} (it was not trained on libsvm "
        "data; give --format)",
        source, features.size(), some_names(features)));
  }
  return dataset;
}

// Each of the model's heads has a target of its name with the model's labels.
void check_targets(const train::Predictor& predictor, const data::Dataset& dataset,
                   const std::string& source) {
  for (const train::HeadCard& head : predictor.card().heads) {
    const auto it = std::find_if(dataset.targets.begin(), dataset.targets.end(),
                                 [&](const data::Target& t) { return t.name == head.name; });
    if (it == dataset.targets.end()) {
      throw data::DataError(fmt::format("{}: no labels for head '{}'", source, head.name));
    }
    if (it->classes != head.labels) {
      throw data::DataError(
          fmt::format("{}: head '{}' has the labels {} in the input, the model {}", source,
                      head.name, some_names(it->classes), some_names(head.labels)));
    }
  }
}

}  // namespace

InputFormat default_format(const train::Predictor& predictor) {
  const config::RunConfig* config = predictor.config();
  if (config == nullptr) return InputFormat::CSV;
  switch (config->data.source) {
    case data::DataSource::ARFF:
      return InputFormat::ARFF;
    case data::DataSource::LibSVM:
      return InputFormat::LibSVM;
    case data::DataSource::CSV:
    case data::DataSource::Synthetic:
      break;
  }
  return InputFormat::CSV;
}

namespace {

// The input's text, where it comes from, and its format.
struct InputText {
  std::string text;
  std::string source;
  InputFormat format = InputFormat::CSV;
};

InputText input_text(const train::Predictor& predictor, const ModelInputOptions& options) {
  InputText input;
  input.format = options.format.value_or(default_format(predictor));
  const bool from_stdin = options.input == "-";
  input.source = from_stdin ? "standard input" : options.input;
  input.text = from_stdin ? read_stdin() : read_file(options.input);
  return input;
}

}  // namespace

ModelInput read_model_input(const train::Predictor& predictor, const ModelInputOptions& options) {
  const InputText input = input_text(predictor, options);
  if (options.has_labels && input.format != InputFormat::CSV) {
    throw data::DataError(
        fmt::format("--has-labels is for CSV input; {} declares its labels itself ({} input)",
                    input.source, name_of(input.format)));
  }
  ModelInput rows;
  rows.source = input.source;
  rows.format = input.format;
  switch (input.format) {
    case InputFormat::CSV:
      rows.features = data::parse_csv(input.text, input.source,
                                      csv_layout(predictor, input.text, input.source, options))
                          .features;
      break;
    case InputFormat::ARFF:
      rows.features = arff_features(predictor, input.text, input.source).features;
      break;
    case InputFormat::LibSVM:
      rows.features = libsvm_rows(predictor, input.text, input.source, 0).features;
      break;
  }
  return rows;
}

data::Dataset read_labelled_input(const train::Predictor& predictor,
                                  const ModelInputOptions& options) {
  const InputText input = input_text(predictor, options);
  const std::vector<train::HeadCard>& heads = predictor.card().heads;
  data::Dataset dataset;
  switch (input.format) {
    case InputFormat::CSV: {
      if (training_config(predictor, data::DataSource::CSV) == nullptr) {
        throw data::DataError(fmt::format(
            "{}: the model was not trained on a CSV file, so it does not say which columns hold "
            "the labels; give --format",
            input.source));
      }
      ModelInputOptions labelled = options;
      labelled.has_labels = true;
      data::CsvOptions csv = csv_layout(predictor, input.text, input.source, labelled);
      csv.targets = csv_targets(predictor);
      dataset = data::parse_csv(input.text, input.source, csv);
      dataset.feature_names = predictor.feature_names();  // by position without a header
      break;
    }
    case InputFormat::ARFF: {
      data::ArffOptions arff =
          arff_options(predictor, data::arff_attribute_names(input.text, input.source));
      arff.label_names = heads.front().labels;
      arff.target_name = heads.front().name;
      dataset = arff_checked(predictor, data::parse_arff(input.text, input.source, arff),
                             input.source, arff.label_names.size());
      break;
    }
    case InputFormat::LibSVM:
      dataset = libsvm_rows(predictor, input.text, input.source,
                            static_cast<int64_t>(heads.front().labels.size()));
      dataset.targets.front().name = heads.front().name;
      break;
  }
  check_targets(predictor, dataset, input.source);
  return dataset;
}

}  // namespace fulcrum::cli
