#include "fulcrum/config/run_data.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "fulcrum/config/config_error.hpp"
#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/libsvm.hpp"
#include "fulcrum/data/split.hpp"
#include "fulcrum/data/synthetic.hpp"

namespace fulcrum::config {

namespace {

[[noreturn]] void config_fail(const std::string& key, const std::string& message) {
  throw ConfigError(fmt::format("{}: {}", key, message), {}, 0, 0, key);
}

void require_file(const std::string& key, const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw data::DataError(fmt::format("{}: data file not found: {}", key, path));
  }
}

data::Dataset synthetic_data(const RunConfig& config) {
  const SyntheticConfig& syn = config.data.synthetic;
  data::SyntheticOptions options;
  options.samples = syn.samples;
  options.features = syn.features;
  options.label_correlation = syn.label_correlation;
  options.noise = syn.noise;
  options.seed = config.seed;
  for (const SyntheticHeadConfig& head : syn.heads) {
    options.heads.push_back({head.name, head.kind, head.frequencies});
  }
  return data::make_synthetic(options);
}

// How to hold the features of a file: as the config says, or, for the test
// file, as the training file was held.
data::FeatureStorage storage_for(const DataConfig& dc, const data::Dataset* like) {
  if (like == nullptr) return dc.sparse;
  return like->is_sparse() ? data::FeatureStorage::Sparse : data::FeatureStorage::Dense;
}

// Reads one file of a file source. `like`, when given, is the training file:
// the test file is then read with its feature columns and label order.
// `missing`: what a '?' in an ARFF feature is read as.
data::Dataset read_file(const RunConfig& config, const std::string& key, const std::string& path,
                        const data::Dataset* like, data::MissingPolicy missing) {
  require_file(key, path);
  const DataConfig& dc = config.data;
  const std::string& head = config.model.heads.front().name;
  switch (dc.source) {
    case data::DataSource::Synthetic:
      break;
    case data::DataSource::CSV: {
      data::CsvOptions options;
      options.header = dc.header;
      options.delimiter = dc.delimiter.empty() ? ',' : dc.delimiter[0];
      options.feature_columns = dc.features;
      options.targets = csv_targets(config);
      options.max_line_bytes = dc.limits.max_line_bytes;
      options.max_fields = dc.limits.max_fields;
      if (like != nullptr) {
        options.feature_columns = like->feature_names;
        for (size_t t = 0; t < options.targets.size(); ++t) {
          options.targets[t].classes = like->targets[t].classes;
        }
      }
      return data::read_csv(path, options);
    }
    case data::DataSource::ARFF: {
      data::ArffOptions options;
      options.label_count = dc.label_count;
      options.target_name = head;
      options.drop = dc.drop;
      options.missing = missing;
      options.max_elements = dc.limits.max_elements;
      options.storage = storage_for(dc, like);
      if (!dc.labels_xml.empty()) {
        require_file("data.labels_xml", dc.labels_xml);
        options.label_names = data::read_mulan_label_names(dc.labels_xml);
        options.label_names_source = dc.labels_xml;
      }
      return data::read_arff(path, options);
    }
    case data::DataSource::LibSVM: {
      data::LibsvmOptions options;
      options.num_labels = dc.label_count;
      options.target_name = head;
      options.max_elements = dc.limits.max_elements;
      options.storage = storage_for(dc, like);
      if (like != nullptr) {
        options.num_features = like->num_features();
        options.num_labels = like->targets.front().num_classes();
      }
      return data::read_libsvm(path, options);
    }
  }
  config_fail("data.source", fmt::format("{} is not a file source", name_of(dc.source)));
}

// Puts the targets in model.heads order and checks them against the heads.
void match_heads(data::Dataset& dataset, RunConfig const& config, const std::string& what) {
  std::vector<data::Target> ordered;
  for (const HeadConfig& head : config.model.heads) {
    const data::Target* found = nullptr;
    for (const data::Target& target : dataset.targets) {
      if (target.name == head.name) found = &target;
    }
    if (found == nullptr) {
      throw data::DataError(fmt::format("{}: no targets for head '{}'", what, head.name));
    }
    if (found->kind != head.kind) {
      config_fail(fmt::format("model.heads.{}.kind", head.name),
                  fmt::format("is {} but the {} target '{}' is {}", name_of(head.kind), what,
                              head.name, data::to_string(found->kind)));
    }
    ordered.push_back(*found);
  }
  dataset.targets = std::move(ordered);
}

// The test file must describe the same columns as the training file.
void check_same_layout(const data::Dataset& train, const data::Dataset& test,
                       const std::string& path) {
  if (test.num_features() != train.num_features()) {
    throw data::DataError(fmt::format("{}: the test file has {} features, the training file {}",
                                      path, test.num_features(), train.num_features()));
  }
  for (size_t t = 0; t < train.targets.size(); ++t) {
    if (test.targets[t].classes != train.targets[t].classes) {
      throw data::DataError(fmt::format(
          "{}: head '{}' has {} labels in the test file and {} in the training file (or "
          "different names)",
          path, train.targets[t].name, test.targets[t].num_classes(),
          train.targets[t].num_classes()));
    }
  }
}

data::Dataset rows_of(const data::Dataset& dataset, const std::vector<int64_t>& rows) {
  return dataset.subset(rows);
}

}  // namespace

std::vector<data::TargetSpec> csv_targets(const RunConfig& config) {
  std::vector<data::TargetSpec> specs;
  for (const HeadConfig& head : config.model.heads) {
    const auto it = config.data.targets.find(head.name);
    if (it == config.data.targets.end()) {
      config_fail("data.targets", fmt::format("has no entry for head '{}'", head.name));
    }
    const TargetColumnsConfig& columns = it->second;
    data::TargetSpec spec;
    spec.name = head.name;
    spec.kind = head.kind;
    spec.columns = columns.columns;
    spec.column = columns.column;
    spec.last = columns.last;
    spec.separator = columns.separator.empty() ? '|' : columns.separator[0];
    spec.classes = columns.classes;
    specs.push_back(std::move(spec));
  }
  return specs;
}

namespace {

// load_run_data with the training split's imputation, or with `stored`.
RunData load(const RunConfig& config, const data::Imputer* stored) {
  const DataConfig& dc = config.data;
  data::Dataset all;
  const data::MissingPolicy missing =
      stored != nullptr && !stored->fitted() ? data::MissingPolicy::Error : dc.missing;
  data::Dataset test_file;
  const bool has_test_file = dc.source != data::DataSource::Synthetic && !dc.test.empty();
  if (dc.source == data::DataSource::Synthetic) {
    all = synthetic_data(config);
  } else {
    all = read_file(config, "data.train", dc.train, nullptr, missing);
    if (dc.source != data::DataSource::CSV)
      all.targets.front().name = config.model.heads.front().name;
  }
  match_heads(all, config, dc.source == data::DataSource::Synthetic ? "synthetic" : dc.train);
  if (has_test_file) {
    test_file = read_file(config, "data.test", dc.test, &all, missing);
    if (dc.source != data::DataSource::CSV)
      test_file.targets.front().name = config.model.heads.front().name;
    match_heads(test_file, config, dc.test);
    check_same_layout(all, test_file, dc.test);
  }

  const double test_fraction = has_test_file ? 0.0 : dc.test_fraction;
  const data::SplitIndices split =
      data::split_dataset(all, dc.validation_fraction, test_fraction, config.seed);
  if (split.train.empty()) {
    throw data::DataError(fmt::format(
        "{}: the training split is empty ({} rows in all)",
        dc.source == data::DataSource::Synthetic ? "synthetic data" : dc.train, all.size()));
  }
  RunData run;
  run.train = rows_of(all, split.train);
  run.validation = rows_of(all, split.validation);
  run.test = has_test_file ? std::move(test_file) : rows_of(all, split.test);
  if (stored != nullptr) {
    if (stored->fitted() && static_cast<int64_t>(stored->fill.size()) != all.num_features()) {
      throw data::DataError(fmt::format(
          "{}: {} features, but the stored imputation has values for {} (not this model's data)",
          dc.train, all.num_features(), stored->fill.size()));
    }
    run.imputer = *stored;
  } else if (missing != data::MissingPolicy::Error) {
    run.imputer.fit(run.train, missing, dc.train);
  }
  if (run.imputer.fitted()) {
    run.train = run.imputer.transformed(run.train);
    run.validation = run.imputer.transformed(run.validation);
    run.test = run.imputer.transformed(run.test);
  }
  if (dc.standardize) run.scaler.fit(run.train);
  return run;
}

}  // namespace

RunData load_run_data(const RunConfig& config) { return load(config, nullptr); }

RunData load_run_data(const RunConfig& config, const data::Imputer& stored) {
  return load(config, &stored);
}

RunData standardized(const RunData& raw, const data::StandardScaler& scaler) {
  RunData out;
  out.imputer = raw.imputer;
  out.scaler = scaler;
  const auto copy = [&](const data::Dataset& split) {
    if (scaler.fitted()) return scaler.transformed(split);
    data::Dataset d = split;
    if (d.size() > 0 && !d.is_sparse()) d.features = split.features.clone();
    return d;
  };
  out.train = copy(raw.train);
  out.validation = copy(raw.validation);
  out.test = copy(raw.test);
  return out;
}

}  // namespace fulcrum::config
