// report.html: reading a run directory and putting the page together
// (run_report.hpp). The sections are drawn in run_report_*.cpp.
#include "fulcrum/train/run_report.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "fulcrum/checkpoint/safetensors.hpp"
#include "fulcrum/config/run_config.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/train/predictor.hpp"
#include "json_outputs.hpp"
#include "run_report_sections.hpp"

namespace fulcrum::train {

namespace {

namespace fs = std::filesystem;

// Light, print-friendly, and readable without any script.
constexpr const char* kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1280px;
       padding: 0 16px; line-height: 1.4; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin-top: 24px; }
.meta, .note { color: #555; }
.note { background: #f6f6f6; border-left: 4px solid #bbb; padding: 6px 10px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; }
td.name, th.name { text-align: left; }
.grid { display: flex; flex-wrap: wrap; gap: 8px; }
.grid svg, .chart svg { max-width: 100%; height: auto; }
pre { background: #f8f8f8; border: 1px solid #e3e3e3; padding: 8px; overflow-x: auto; font-size: 12px; }
.scroll { max-height: 640px; overflow-y: auto; display: inline-block; }
)";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot open '{}'", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

report::RunFiles read_run_files(const fs::path& dir) {
  const RunPaths paths{dir};
  report::RunFiles files;
  files.dir = dir;
  std::error_code error;
  files.checkpoint = fs::exists(paths.best_checkpoint(), error) ? paths.best_checkpoint()
                                                                : paths.last_checkpoint();
  if (!fs::exists(files.checkpoint, error)) {
    throw Error(fmt::format(
        "'{}' holds no best.safetensors or last.safetensors: not the directory of a run",
        dir.string()));
  }
  const Predictor predictor = Predictor::load(files.checkpoint);
  files.card = predictor.card();
  for (const config::HeadConfig& head : predictor.model_config().heads) {
    files.losses.push_back(head.loss.kind.value_or(config::default_loss_kind(head.kind)));
  }
  if (fs::exists(paths.summary(), error)) {
    try {
      files.summary = nlohmann::json::parse(read_text(paths.summary()));
    } catch (const nlohmann::json::exception& e) {
      throw Error(fmt::format("{}: not valid JSON: {}", paths.summary().string(), e.what()));
    }
  }
  if (fs::exists(paths.metrics_log(), error)) {
    files.epochs = read_metrics_log(paths.metrics_log(), /*drop_torn_last_line=*/true);
  }
  if (fs::exists(paths.test_predictions(), error)) {
    files.test = read_test_predictions(paths.test_predictions(), files.card.heads);
  }
  return files;
}

std::string run_name(const report::RunFiles& files) {
  if (files.summary.is_object() && files.summary.contains("name") &&
      files.summary["name"].is_string()) {
    return files.summary["name"].get<std::string>();
  }
  return fs::absolute(files.dir).lexically_normal().filename().string();
}

}  // namespace

std::string render_run_report(const fs::path& run_dir, const RunReportOptions& options) {
  const report::RunFiles files = read_run_files(run_dir);
  const std::string name = run_name(files);
  std::string page = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
      "<title>fulcrum run {0}</title>\n<style>{1}</style>\n</head>\n<body>\n"
      "<h1>Run {0}</h1>\n",
      report::escape(name), kStyle);
  page += report::summary_section(files);
  page += report::curves_section(files);
  page += "<h2>Test split</h2>\n";
  if (!files.test) {
    page +=
        "<p class=\"note\">No test_predictions.csv: the run had no test split, or it was "
        "interrupted before the final evaluation.</p>\n";
  } else {
    page += fmt::format(
        "<p class=\"meta\">{} rows; every number below is computed by fulcrum::metrics "
        "(scikit-learn's definitions) from test_predictions.csv and the thresholds in {}.</p>\n",
        files.test->rows, report::escape(files.checkpoint.filename().string()));
    for (size_t h = 0; h < files.card.heads.size(); ++h) {
      const HeadCard& head = files.card.heads[h];
      const HeadPredictions& predictions = files.test->heads[h];
      page += head.kind == TaskKind::MultiClass
                  ? report::multiclass_section(head, predictions)
                  : report::multilabel_section(head, files.losses[h], predictions, options);
    }
  }
  page += "</body>\n</html>\n";
  return page;
}

fs::path write_run_report(const fs::path& run_dir, const RunReportOptions& options) {
  const fs::path path = RunPaths{run_dir}.report();
  checkpoint::write_file_atomically(path, render_run_report(run_dir, options));
  return path;
}

}  // namespace fulcrum::train
