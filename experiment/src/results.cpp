// Reading a finished run's outputs back (results.hpp).
#include "fulcrum/experiment/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fulcrum/core/error.hpp"
#include "fulcrum/metrics/scalars.hpp"
#include "fulcrum/train/evaluation.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "json_outputs.hpp"
#include "results_json.hpp"

namespace fulcrum::experiment {

namespace {

// The per-label fields in the order the trainer's CSV writes them; others follow.
const std::vector<std::string>& known_label_metrics() {
  static const std::vector<std::string> names{"threshold", "support", "precision",         "recall",
                                              "f1",        "roc_auc", "average_precision", "brier"};
  return names;
}

bool is_value(const nlohmann::json& j) { return j.is_number() || j.is_null(); }

std::optional<double> value_of(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  return std::nullopt;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
}

// The order of the run's heads: summary.json's list, else the metrics' keys.
std::vector<std::string> head_order(const nlohmann::json& summary,
                                    const nlohmann::json& metric_heads) {
  std::vector<std::string> order;
  if (summary.is_object() && summary.contains("heads") && summary["heads"].is_array()) {
    for (const auto& head : summary["heads"]) {
      if (head.is_object() && head.contains("name") && head["name"].is_string() &&
          metric_heads.contains(head["name"].get<std::string>())) {
        order.push_back(head["name"].get<std::string>());
      }
    }
  }
  for (const auto& [name, value] : metric_heads.items()) {
    if (!contains(order, name)) order.push_back(name);
  }
  return order;
}

std::vector<HeadMetrics> heads_of(const nlohmann::json& heads,
                                  const std::vector<std::string>& order,
                                  const std::filesystem::path& file) {
  if (!heads.is_object()) throw Error(fmt::format("{}: \"heads\" is not an object", file.string()));
  std::vector<HeadMetrics> out;
  for (const std::string& name : order) {
    if (heads.contains(name)) out.push_back(head_metrics_from_json(name, heads[name]));
  }
  return out;
}

std::vector<double> numbers(const nlohmann::json& j, const char* key,
                            const std::filesystem::path& file, const char* entry = "reliability") {
  if (!j.contains(key) || !j[key].is_array()) {
    throw Error(fmt::format("{}: {} entry without a \"{}\" list", file.string(), entry, key));
  }
  std::vector<double> out;
  for (const auto& v : j[key]) out.push_back(v.is_number() ? v.get<double>() : 0.0);
  return out;
}

ReliabilityBins bins_from_json(const nlohmann::json& entry, int bins,
                               const std::filesystem::path& file, const std::string& head) {
  ReliabilityBins out;
  out.bins = bins;
  out.count = numbers(entry, "count", file);
  out.sum_predicted = numbers(entry, "sum_predicted", file);
  out.positives = numbers(entry, "positives", file);
  const auto n = static_cast<size_t>(bins);
  if (out.count.size() != n || out.sum_predicted.size() != n || out.positives.size() != n) {
    throw Error(fmt::format("{}: reliability of head '{}' does not have {} bins", file.string(),
                            head, bins));
  }
  return out;
}

PrRecord pr_from_json(const nlohmann::json& entry, const std::filesystem::path& file) {
  PrRecord record;
  record.head = entry.value("head", std::string{});
  const int thresholds = entry.value("thresholds", kPrThresholds);
  for (const auto& label : entry.value("per_label", nlohmann::json::array())) {
    PrCounts counts;
    counts.thresholds = thresholds;
    counts.positives = label.value("positives", 0.0);
    counts.tp = numbers(label, "tp", file, "pr_counts");
    counts.fp = numbers(label, "fp", file, "pr_counts");
    if (counts.tp.size() != static_cast<size_t>(thresholds) ||
        counts.fp.size() != counts.tp.size()) {
      throw Error(fmt::format("{}: pr_counts of head '{}' do not have {} thresholds", file.string(),
                              record.head, thresholds));
    }
    record.per_label.push_back(std::move(counts));
  }
  return record;
}

// What the report takes from summary.json: run time, the tested epoch and
// the training split's label counts.
void read_summary(const nlohmann::json& j, RunResults& results) {
  if (j.contains("seconds") && j["seconds"].is_number())
    results.seconds = j["seconds"].get<double>();
  const bool last = j.contains("config") && j["config"].contains("training") &&
                    j["config"]["training"].value("final_model", std::string()) == "last";
  const char* epoch_key = last ? "epochs_completed" : "best_epoch";
  if (j.contains(epoch_key) && j[epoch_key].is_number_integer()) {
    results.tested_epoch = j[epoch_key].get<int64_t>();
  }
  for (const auto& head : j.value("heads", nlohmann::json::array())) {
    if (!head.is_object() || !head.contains("train_counts") || !head["train_counts"].is_array()) {
      continue;
    }
    std::vector<double> counts;
    for (const auto& v : head["train_counts"])
      counts.push_back(v.is_number() ? v.get<double>() : 0);
    results.train_counts.emplace_back(head.value("name", std::string()), std::move(counts));
  }
}

}  // namespace

std::optional<double> HeadMetrics::scalar(std::string_view name) const {
  for (const auto& [key, value] : scalars) {
    if (key == name) return value;
  }
  return std::nullopt;
}

const std::vector<std::optional<double>>* HeadMetrics::label_metric(std::string_view name) const {
  for (const auto& [key, values] : per_label) {
    if (key == name) return &values;
  }
  return nullptr;
}

HeadMetrics head_metrics_from_json(const std::string& head, const nlohmann::json& json) {
  if (!json.is_object()) {
    throw Error(
        fmt::format("head '{}': expected an object of metrics, got {}", head, json.type_name()));
  }
  HeadMetrics m;
  m.head = head;
  const std::string task = json.value("task", std::string("multilabel"));
  const std::optional<TaskKind> kind = find_name<TaskKind>(task);
  if (!kind) throw Error(fmt::format("head '{}': unknown task '{}'", head, task));
  m.kind = *kind;
  const std::vector<std::string>& known = metrics::metric_names(m.kind);
  for (const std::string& name : known) {
    if (json.contains(name) && is_value(json[name]))
      m.scalars.emplace_back(name, value_of(json[name]));
  }
  for (const auto& [name, value] : json.items()) {
    if (!contains(known, name) && is_value(value)) m.scalars.emplace_back(name, value_of(value));
  }

  const char* list_key = m.kind == TaskKind::MultiClass ? "per_class" : "per_label";
  const char* name_key = m.kind == TaskKind::MultiClass ? "class" : "label";
  if (json.contains(list_key) && json[list_key].is_array()) {
    const nlohmann::json& entries = json[list_key];
    std::vector<std::string> metrics;
    for (const std::string& name : known_label_metrics()) {
      if (!entries.empty() && entries[0].contains(name)) metrics.push_back(name);
    }
    if (!entries.empty() && entries[0].is_object()) {
      for (const auto& [name, value] : entries[0].items()) {
        if (name != name_key && is_value(value) && !contains(metrics, name))
          metrics.push_back(name);
      }
    }
    for (const std::string& metric : metrics)
      m.per_label.emplace_back(metric, std::vector<std::optional<double>>{});
    for (size_t i = 0; i < entries.size(); ++i) {
      const nlohmann::json& entry = entries[i];
      m.labels.push_back(entry.contains(name_key) && entry[name_key].is_string()
                             ? entry[name_key].get<std::string>()
                             : std::to_string(i));
      for (auto& [metric, values] : m.per_label) {
        values.push_back(entry.contains(metric) ? value_of(entry[metric]) : std::nullopt);
      }
    }
  }
  if (json.contains("confusion_matrix") && json["confusion_matrix"].is_array()) {
    const nlohmann::json& matrix = json["confusion_matrix"];
    for (size_t t = 0; t < matrix.size() && t < m.labels.size(); ++t) {
      for (size_t p = 0; p < matrix[t].size() && p < m.labels.size(); ++p) {
        if (!matrix[t][p].is_number()) continue;
        m.other.emplace_back("confusion_matrix", m.labels[t] + "->" + m.labels[p],
                             matrix[t][p].get<double>());
      }
    }
  }
  return m;
}

std::optional<double> RunResults::tested_validation(std::string_view key) const {
  for (const EpochRecord& epoch : epochs) {
    if (epoch.epoch != tested_epoch) continue;
    for (const auto& [name, value] : epoch.validation) {
      if (name == key) return value;
    }
  }
  return std::nullopt;
}

std::string evaluation_name(const std::string& strategy, const std::string& variant) {
  return variant.empty() ? strategy : fmt::format("{} ({})", strategy, variant);
}

RunResults read_run_results(const ExperimentRun& run) {
  const train::RunPaths paths{run.dir};
  RunResults results;
  results.strategy = run.strategy;
  results.seed = run.seed;
  results.dir = run.dir;

  const nlohmann::json test = read_json(paths.test_metrics_json());
  if (!test.contains("heads")) {
    throw Error(fmt::format("{}: no \"heads\" object", paths.test_metrics_json().string()));
  }
  const nlohmann::json summary = std::filesystem::exists(paths.summary())
                                     ? read_json(paths.summary())
                                     : nlohmann::json::object();
  try {
    if (summary.is_object()) read_summary(summary, results);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: unexpected content: {}", paths.summary().string(), e.what()));
  }
  const std::vector<std::string> order = head_order(summary, test["heads"]);
  results.evaluations.push_back({"", heads_of(test["heads"], order, paths.test_metrics_json())});

  const std::filesystem::path variants_file = variants_path(run.dir);
  if (std::filesystem::exists(variants_file)) {
    const nlohmann::json variants = read_json(variants_file);
    for (const auto& variant : variants.value("variants", nlohmann::json::array())) {
      if (!variant.contains("name") || !variant["name"].is_string() || !variant.contains("heads")) {
        throw Error(
            fmt::format("{}: a variant without a \"name\" or \"heads\"", variants_file.string()));
      }
      results.evaluations.push_back(
          {variant["name"].get<std::string>(), heads_of(variant["heads"], order, variants_file)});
    }
    for (const auto& entry : variants.value("reliability", nlohmann::json::array())) {
      ReliabilityRecord record;
      const std::string variant = entry.value("variant", std::string("raw"));
      record.variant = variant == "raw" ? std::string{} : variant;
      record.head = entry.value("head", std::string{});
      const int bins = entry.value("bins", metrics::kCalibrationBins);
      record.bins = bins_from_json(entry, bins, variants_file, record.head);
      for (const auto& label : entry.value("per_label", nlohmann::json::array())) {
        record.per_label.push_back(bins_from_json(label, bins, variants_file, record.head));
      }
      results.reliability.push_back(std::move(record));
    }
    for (const auto& entry : variants.value("pr_counts", nlohmann::json::array())) {
      results.pr.push_back(pr_from_json(entry, variants_file));
    }
  }

  if (std::filesystem::exists(paths.metrics_log())) {
    for (const auto& record : train::read_metrics_log(paths.metrics_log())) {
      EpochRecord epoch;
      epoch.epoch = record.value("epoch", int64_t{0});
      if (record.contains("train_loss") && record["train_loss"].is_number()) {
        epoch.train_loss = record["train_loss"].get<double>();
      }
      if (record.contains("validation") && record["validation"].is_object()) {
        for (const auto& [name, value] : record["validation"].items()) {
          if (value.is_number() || value.is_null()) {
            epoch.validation.emplace_back(name, value.is_number()
                                                    ? std::optional<double>(value.get<double>())
                                                    : std::nullopt);
          }
        }
      }
      results.epochs.push_back(std::move(epoch));
    }
  }
  return results;
}

}  // namespace fulcrum::experiment
