// report.html: the run's summary and its curves over the epochs
// (run_report_sections.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

#include "fulcrum/core/names.hpp"
#include "fulcrum/plot/svg_document.hpp"
#include "fulcrum/train/build_info.hpp"
#include "fulcrum/plot/svg_plot.hpp"
#include "run_report_sections.hpp"

#ifndef FULCRUM_VERSION
#define FULCRUM_VERSION "unknown"
#endif

namespace fulcrum::train::report {

namespace {

using nlohmann::json;

// summary.json's value at `path` ("data.train"), or null.
json value_at(const json& root, std::initializer_list<const char*> path) {
  const json* node = &root;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
  }
  return *node;
}

std::string text_of(const json& value) {
  if (value.is_null()) return "–";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return fmt::format("{:.4g}", value.get<double>());
  return value.dump();
}

std::string row(const std::string& name, const std::string& value) {
  return fmt::format("<tr><th class=\"name\">{}</th><td class=\"name\">{}</td></tr>\n",
                     escape(name), escape(value));
}

std::string read_optional(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string heads_table(const RunFiles& files) {
  std::string out =
      "<table>\n<tr><th class=\"name\">head</th><th class=\"name\">kind</th><th>labels</th>"
      "<th class=\"name\">loss</th><th class=\"name\">loss weights</th>"
      "<th class=\"name\">thresholds</th></tr>\n";
  for (size_t h = 0; h < files.card.heads.size(); ++h) {
    const HeadCard& head = files.card.heads[h];
    std::string weights = !head.pos_weight.empty() ? "pos_weight"
                          : !head.weight.empty()   ? "weight"
                                                   : "none";
    std::string thresholds = "argmax";
    if (!head.thresholds.empty()) {
      const auto [lo, hi] = std::minmax_element(head.thresholds.begin(), head.thresholds.end());
      thresholds = *lo == *hi ? fmt::format("{:.4g} for every label", *lo)
                              : fmt::format("per label, {:.4g} to {:.4g}", *lo, *hi);
    }
    out += fmt::format(
        "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td>{}</td>"
        "<td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"name\">{}</td></tr>\n",
        escape(head.name), name_of(head.kind), head.labels.size(), name_of(files.losses[h]),
        weights, thresholds);
  }
  return out + "</table>\n";
}

// The line chart of some columns of metrics.jsonl against the epoch.
struct CurveSpec {
  std::string label;
  std::function<json(const nlohmann::ordered_json&)> value;
};

std::string curve_chart(const RunFiles& files, const std::string& title, const std::string& y_label,
                        const std::vector<CurveSpec>& specs, std::optional<double> y_max) {
  plot::LineChart chart;
  chart.title = title;
  chart.x_label = "epoch";
  chart.y_label = y_label;
  chart.plot_width = 340;  // two charts side by side on a 1280-pixel page
  chart.plot_height = 220;
  if (y_max) {
    chart.y_min = 0.0;
    chart.y_max = *y_max;
  }
  const bool markers = files.epochs.size() <= 30;
  for (const CurveSpec& spec : specs) {
    plot::LineSeries series{spec.label, {}, "", false, markers};
    for (const auto& record : files.epochs) {
      const json value = spec.value(record);
      const double y =
          value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
      series.points.push_back({record.value("epoch", 0.0), y});
    }
    const bool any = std::any_of(series.points.begin(), series.points.end(),
                                 [](const plot::LinePoint& p) { return std::isfinite(p.y); });
    if (any) chart.series.push_back(std::move(series));
  }
  if (chart.series.empty()) return {};
  return "<div class=\"chart\">" + plot::render_line_chart(chart) + "</div>\n";
}

json validation_value(const nlohmann::ordered_json& record, const std::string& key) {
  if (!record.contains("validation") || !record["validation"].is_object()) return nullptr;
  const auto& validation = record["validation"];
  return validation.contains(key) ? json(validation[key]) : json(nullptr);
}

// The validation metrics drawn per head: the headline ones, all in [0, 1].
const std::vector<std::string>& headline_metrics(TaskKind kind) {
  static const std::vector<std::string> multilabel{
      "f1_micro",     "f1_macro", "precision_macro", "recall_macro", "average_precision_macro",
      "roc_auc_macro"};
  static const std::vector<std::string> multiclass{"accuracy", "balanced_accuracy", "f1_macro",
                                                   "f1_weighted"};
  return kind == TaskKind::MultiClass ? multiclass : multilabel;
}

}  // namespace

std::string escape(const std::string& text) { return plot::xml_escape(text); }

std::string cell(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? fmt::format("{:.4f}", *value) : std::string("–");
}

std::string summary_section(const RunFiles& files) {
  const json& s = files.summary;
  const std::string version = fmt::format("fulcrum {}, built from commit {}", fulcrum_version(),
                                          fulcrum_git_commit());
  std::string out = fmt::format("<p class=\"meta\">{}; model {}</p>\n<h2>Summary</h2>\n",
                                escape(version), escape(files.checkpoint.filename().string()));
  out += "<table>\n";
  if (!s.is_null()) {
    out += row("epochs", fmt::format("{} of {}", text_of(value_at(s, {"epochs_completed"})),
                                     text_of(value_at(s, {"epochs"}))));
    out += row("best epoch", fmt::format("{} ({} {})", text_of(value_at(s, {"best_epoch"})),
                                         text_of(value_at(s, {"monitor"})),
                                         text_of(value_at(s, {"best_value"}))));
    out += row("stopped early", text_of(value_at(s, {"stopped_early"})));
    out += row("training time", fmt::format("{} s", text_of(value_at(s, {"seconds"}))));
    out += row("rows (train / validation / test)",
               fmt::format("{} / {} / {}", text_of(value_at(s, {"data", "train"})),
                           text_of(value_at(s, {"data", "validation"})),
                           text_of(value_at(s, {"data", "test"}))));
  } else {
    out += row("summary.json", "absent (the run did not finish)");
  }
  out += row("features", std::to_string(files.card.feature_names.size()));
  out += row("standardised", files.card.scaler_mean.empty() ? "no" : "yes");
  out += "</table>\n" + heads_table(files);
  std::string config = read_optional(RunPaths{files.dir}.config());
  if (config.empty()) config = files.card.config_yaml;
  if (!config.empty()) {
    out += "<details><summary>config.yaml</summary>\n<pre>" + escape(config) + "</pre></details>\n";
  }
  return out;
}

std::string curves_section(const RunFiles& files) {
  std::string out = "<h2>Training curves</h2>\n";
  if (files.epochs.empty()) {
    return out + "<p class=\"note\">metrics.jsonl holds no epoch.</p>\n";
  }
  const bool has_validation =
      std::any_of(files.epochs.begin(), files.epochs.end(), [](const auto& record) {
        return record.contains("validation") && record["validation"].is_object();
      });
  if (!has_validation) {
    out +=
        "<p class=\"note\">The run had no validation split, so metrics.jsonl holds only the "
        "training loss of each epoch (set data.validation_fraction to follow validation "
        "metrics, early stopping and threshold tuning).</p>\n";
  }
  std::vector<CurveSpec> losses{{"training loss", [](const auto& r) {
                                   return r.contains("train_loss") ? json(r["train_loss"])
                                                                   : json(nullptr);
                                 }}};
  if (has_validation) {
    losses.push_back(
        {"validation loss", [](const auto& r) { return validation_value(r, "loss"); }});
    if (files.card.heads.size() > 1) {
      for (const HeadCard& head : files.card.heads) {
        const std::string key = head.name + ".loss";
        losses.push_back(
            {"validation " + key, [key](const auto& r) { return validation_value(r, key); }});
      }
    }
  }
  out += "<div class=\"grid\">\n";
  out += curve_chart(files, "Loss", "loss", losses, std::nullopt);
  if (has_validation) {
    for (const HeadCard& head : files.card.heads) {
      std::vector<CurveSpec> specs;
      for (const std::string& metric : headline_metrics(head.kind)) {
        const std::string key = head.name + "." + metric;
        specs.push_back({metric, [key](const auto& r) { return validation_value(r, key); }});
      }
      out +=
          curve_chart(files, fmt::format("Validation, head '{}'", head.name), "value", specs, 1.0);
    }
  }
  out += "</div>\n";
  if (has_validation) {
    out +=
        "<p class=\"meta\">Every metric of every epoch is in metrics.jsonl; the charts show "
        "the headline ones.</p>\n";
  }
  return out;
}

}  // namespace fulcrum::train::report
