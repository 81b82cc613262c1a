// `fulcrum export` end to end: a model trained by `fulcrum train` is exported,
// checked by ONNX's own checker (python3-onnx) and run in ONNX Runtime
// (onnxruntime-node, installed by the ctest fixture onnx.install_runtime),
// whose outputs must equal `fulcrum predict`'s on the same rows; and the
// command's errors.
//
// Without python3-onnx, node or the runtime these tests skip, except in CI (CI
// set), where they fail: a skip there would hide that nothing was checked.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fulcrum/checkpoint/safetensors.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/train/predictor.hpp"
#include "support/command.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

// `fulcrum predict` writes probabilities with enough digits to give the float
// back; ONNX Runtime's kernels (Gemm, Erf, exp) round differently from
// fulcrum's, by a few units in the last place of a float.
constexpr double kTolerance = 1e-5;

using fulcrum::testing::CommandResult;
using fulcrum::testing::read_file;

// What keeps the ONNX Runtime or checker tests from running, or "".
std::string missing_tool(bool runtime) {
  if (!FULCRUM_ONNX_EXPORT) return "this build has no ONNX export (libonnx-dev, libprotobuf-dev)";
  if (!runtime) return fulcrum::testing::python_missing(FULCRUM_PYTHON, "onnx");
  if (std::string(FULCRUM_NODE).empty()) return "node not found (Node.js 20)";
  if (!fs::exists(fs::path(FULCRUM_ONNX_RUNTIME_DIR) / "node_modules" / "onnxruntime-node")) {
    return "onnxruntime-node is not installed in " FULCRUM_ONNX_RUNTIME_DIR
           " (the ctest fixture onnx.install_runtime installs it)";
  }
  return "";
}

#define REQUIRE_TOOL(runtime)                                                \
  if (const std::string missing = missing_tool(runtime); !missing.empty()) { \
    if (std::getenv("CI") != nullptr) FAIL() << missing;                     \
    GTEST_SKIP() << missing;                                                 \
  }

// A CSV file with a header row, as `fulcrum predict` writes it.
struct Csv {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  explicit Csv(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      std::vector<std::string> fields;
      std::istringstream cells(line);
      std::string cell;
      while (std::getline(cells, cell, ',')) fields.push_back(cell);
      if (header) {
        columns = fields;
        header = false;
      } else {
        rows.push_back(fields);
      }
    }
  }

  // The numbers of `column`, one per row.
  std::vector<double> numbers(const std::string& column) const {
    const auto it = std::find(columns.begin(), columns.end(), column);
    if (it == columns.end()) throw std::runtime_error("no column " + column);
    const auto c = static_cast<size_t>(it - columns.begin());
    std::vector<double> out;
    for (const auto& row : rows) out.push_back(std::stod(row.at(c)));
    return out;
  }
};

class OnnxExport : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fulcrum::testing::test_dir("onnx"); }

  CommandResult run(const std::string& command) const {
    return fulcrum::testing::run_in(dir_, command);
  }

  CommandResult fulcrum(const std::string& args) const {
    return fulcrum::testing::run_fulcrum(dir_, args);
  }

  /// `fulcrum predict` of run/best.safetensors on `rows` (read as `format`
  /// says) twice: calibrated with logits into cal.csv, and --raw into raw.csv.
  void predict_calibrated_and_raw(const std::string& rows,
                                  const std::string& format = "--format csv --header no") const {
    for (const char* output : {"--output cal.csv --logits", "--output raw.csv --raw"}) {
      const CommandResult predicted = fulcrum("predict --checkpoint run/best.safetensors --input " +
                                              rows + " " + output + " " + format + " -q");
      ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
    }
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }

  // Trains `config_text` into run/ and returns the checkpoint.
  fs::path train(const std::string& config_text) const {
    write("config.yaml", config_text);
    const CommandResult trained = fulcrum("train config.yaml --output-dir run -q");
    EXPECT_EQ(trained.exit_code, 0) << trained.err;
    return dir_ / "run" / "best.safetensors";
  }

  // `rows` rows of raw features, far from standardised (offset and spread
  // per column), so that a missing or wrong standardisation shows.
  void write_rows(const std::string& name, int64_t rows, int64_t features) const {
    fulcrum::Generator gen(7);
    std::string text;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t f = 0; f < features; ++f) {
        const auto column = static_cast<double>(f);
        const double value =
            (std::fmod(column, 3.0) - 1.0) * 4.0 + (1.0 + std::fmod(column, 4.0)) * gen.normal();
        text += fmt::format("{}{}", f > 0 ? "," : "", static_cast<float>(value));
      }
      text += "\n";
    }
    write(name, text);
  }

  // Runs `model` in ONNX Runtime on the rows of `rows`: output name -> values.
  std::map<std::string, std::vector<double>> run_onnx_runtime(const std::string& model,
                                                              const std::string& rows,
                                                              int64_t n) const {
    const CommandResult ran =
        run("'" FULCRUM_NODE "' '" FULCRUM_ONNX_RUNTIME_DIR "/run_onnx.cjs' " + model + " " + rows +
            " ort.json");
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    const nlohmann::json result = nlohmann::json::parse(read_file(dir_ / "ort.json"));
    EXPECT_EQ(result["inputs"], nlohmann::json({"features"}));
    std::map<std::string, std::vector<double>> outputs;
    for (const auto& [name, output] : result["outputs"].items()) {
      EXPECT_EQ(output["dims"][0], n) << name;
      outputs[name] = output["data"].get<std::vector<double>>();
    }
    return outputs;
  }

  fs::path dir_;
};

// Two heads as a model card describes them: a multilabel head trained with
// pos_weight and a multiclass head with class weights, two hidden layers,
// dropout, standardised features.
std::string two_head_config(const std::string& activation) {
  return "seed: 2\nthreads: 1\n"
         "data:\n  synthetic:\n    samples: 400\n    features: 6\n    heads:\n"
         "      tags: {kind: multilabel, frequencies: [0.4, 0.15, 0.05]}\n"
         "      grade: {kind: multiclass, frequencies: [0.6, 0.3, 0.1]}\n"
         "model:\n  backbone:\n    sizes: [12, 8]\n    activation: " +
         activation +
         "\n    dropout: 0.1\n  heads:\n"
         "    tags: {kind: multilabel, loss: {pos_weight: neg_over_pos}}\n"
         "    grade: {kind: multiclass, loss: {weight: inverse_frequency}}\n"
         "training:\n  epochs: 3\n  batch_size: 32\n  checkpoint_interval: 0\n";
}

// The largest |ONNX Runtime - fulcrum predict| over every head, label and
// row, for the three outputs; each must be within kTolerance.
void expect_runtime_matches_predict(const fs::path& checkpoint,
                                    const std::map<std::string, std::vector<double>>& onnx,
                                    const Csv& calibrated, const Csv& raw) {
  const fulcrum::train::Predictor predictor = fulcrum::train::Predictor::load(checkpoint);
  double worst = 0;
  double largest_shift = 0;
  for (const fulcrum::train::HeadCard& head : predictor.card().heads) {
    const size_t k = head.labels.size();
    for (size_t l = 0; l < k; ++l) {
      const std::string column = head.name + "." + head.labels[l];
      const std::vector<std::pair<std::string, std::vector<double>>> expected{
          {"logits", calibrated.numbers(column + ".logit")},
          {"probabilities", raw.numbers(column)},
          {"recalibrated", calibrated.numbers(column)}};
      for (const auto& [output, want] : expected) {
        const std::vector<double>& got = onnx.at(head.name + "." + output);
        ASSERT_EQ(got.size(), want.size() * k) << head.name << "." << output;
        for (size_t r = 0; r < want.size(); ++r) {
          const double difference = std::abs(got[r * k + l] - want[r]);
          worst = std::max(worst, difference);
          EXPECT_LE(difference, kTolerance * std::max(1.0, std::abs(want[r])))
              << head.name << "." << output << " row " << r << " label " << head.labels[l];
        }
      }
      const std::vector<double>& p = onnx.at(head.name + ".probabilities");
      const std::vector<double>& q = onnx.at(head.name + ".recalibrated");
      for (size_t r = 0; r < p.size(); ++r)
        largest_shift = std::max(largest_shift, std::abs(p[r] - q[r]));
    }
  }
  // Every model here has a head trained with pos_weight: recalibration must
  // have changed something, or the comparison above could not tell a missing
  // shift.
  EXPECT_GT(largest_shift, 1e-3);
  std::cout << "largest |ONNX Runtime - fulcrum predict|: " << worst << "\n";
}

class OnnxRuntimeMatchesPredict : public OnnxExport,
                                  public ::testing::WithParamInterface<std::string> {};

TEST_P(OnnxRuntimeMatchesPredict, OnLogitsProbabilitiesAndRecalibrated) {
  REQUIRE_TOOL(/*runtime=*/true);
  const fs::path checkpoint = train(two_head_config(GetParam()));
  const CommandResult exported = fulcrum(
      "export --checkpoint run/best.safetensors --output model.onnx "
      "--outputs logits,probabilities,recalibrated");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.err.find("input features [batch, 6]"), std::string::npos) << exported.err;
  constexpr int64_t kRows = 50;
  write_rows("rows.csv", kRows, 6);
  ASSERT_NO_FATAL_FAILURE(predict_calibrated_and_raw("rows.csv"));
  const auto onnx = run_onnx_runtime("model.onnx", "rows.csv", kRows);
  std::vector<std::string> names;
  for (const auto& [name, values] : onnx) names.push_back(name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"grade.logits", "grade.probabilities", "grade.recalibrated",
                                      "tags.logits", "tags.probabilities", "tags.recalibrated"}));
  expect_runtime_matches_predict(checkpoint, onnx, Csv(read_file(dir_ / "cal.csv")),
                                 Csv(read_file(dir_ / "raw.csv")));
}

INSTANTIATE_TEST_SUITE_P(EveryActivation, OnnxRuntimeMatchesPredict,
                         ::testing::Values("relu", "leaky_relu", "gelu", "tanh", "sigmoid",
                                           "identity"),
                         [](const auto& test) { return test.param; });

TEST_F(OnnxExport, ASparseInputModelExportsWithDenseInput) {
  REQUIRE_TOOL(/*runtime=*/true);
  const fs::path checkpoint = train(
      "seed: 0\nthreads: 1\n"
      "data:\n  source: libsvm\n  train: " FULCRUM_DATA_FIXTURES_DIR
      "/sparse_tiny.libsvm\n"
      "  sparse: true\n"
      "model:\n  backbone: {sizes: [16, 8]}\n"
      "  heads:\n    labels: {kind: multilabel, loss: {pos_weight: neg_over_pos}}\n"
      "training: {epochs: 3, batch_size: 16}\n");
  const fulcrum::train::Predictor predictor = fulcrum::train::Predictor::load(checkpoint);
  const auto features = static_cast<int64_t>(predictor.card().feature_names.size());
  ASSERT_EQ(features, 40);
  ASSERT_EQ(fulcrum("export --checkpoint run/best.safetensors --output sparse.onnx "
                    "--outputs recalibrated,logits,probabilities -q")
                .exit_code,
            0);
  constexpr int64_t kRows = 20;
  write_rows("rows.csv", kRows, features);
  ASSERT_NO_FATAL_FAILURE(predict_calibrated_and_raw("rows.csv"));
  expect_runtime_matches_predict(checkpoint, run_onnx_runtime("sparse.onnx", "rows.csv", kRows),
                                 Csv(read_file(dir_ / "cal.csv")),
                                 Csv(read_file(dir_ / "raw.csv")));
}

TEST_F(OnnxExport, PassesTheOnnxCheckerWithFullShapeInference) {
  REQUIRE_TOOL(/*runtime=*/false);
  train(two_head_config("gelu"));
  ASSERT_EQ(fulcrum("export --checkpoint run/best.safetensors --output model.onnx "
                    "--outputs probabilities,logits -q")
                .exit_code,
            0);
  write("expected.json",
        R"({"features": 6, "heads": ["tags", "grade"],
            "outputs": {"tags.probabilities": 3, "tags.logits": 3,
                        "grade.probabilities": 3, "grade.logits": 3}})");
  const CommandResult checked =
      run("'" FULCRUM_PYTHON "' '" FULCRUM_CHECK_ONNX_PY "' model.onnx expected.json");
  EXPECT_EQ(checked.exit_code, 0) << checked.err;

  // The checker itself can fail: a file whose declared output width is wrong.
  write("wrong.json",
        R"({"features": 6, "heads": ["tags", "grade"],
            "outputs": {"tags.probabilities": 4, "tags.logits": 3,
                        "grade.probabilities": 3, "grade.logits": 3}})");
  const CommandResult wrong =
      run("'" FULCRUM_PYTHON "' '" FULCRUM_CHECK_ONNX_PY "' model.onnx wrong.json");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("tags.probabilities"), std::string::npos) << wrong.err;
}

TEST_F(OnnxExport, DefaultsToLogitsOnly) {
  REQUIRE_TOOL(/*runtime=*/false);
  train(two_head_config("relu"));
  ASSERT_EQ(fulcrum("export --checkpoint run/best.safetensors --output model.onnx -q").exit_code,
            0);
  write("expected.json",
        R"({"features": 6, "heads": ["tags", "grade"], "imputed": false,
            "outputs": {"tags.logits": 3, "grade.logits": 3}})");
  const CommandResult checked =
      run("'" FULCRUM_PYTHON "' '" FULCRUM_CHECK_ONNX_PY "' model.onnx expected.json");
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
}

// -- missing values -----------------------------------------------------------

// A model trained with data.missing: mean fills a missing value inside the
// exported graph: ONNX Runtime on rows with NaN gives what `fulcrum predict`
// gives on the same rows with '?' in ARFF.
class OnnxExportImputes : public OnnxExport {
 protected:
  static constexpr const char* kHeader =
      "@relation gaps\n@attribute x0 numeric\n@attribute x1 numeric\n"
      "@attribute color {red,green,blue}\n@attribute x2 numeric\n";
  static constexpr const char* kLabels =
      "@attribute l0 {0,1}\n@attribute l1 {0,1}\n@attribute l2 {0,1}\n";
  static constexpr const char* kColors[] = {"red", "green", "blue"};

  // One row's features as ARFF text ('?': missing), and as the exported
  // graph's input row (the color one-hot; NaN: missing).
  struct Row {
    std::string arff;
    std::string csv;
  };

  static Row row(double x0, double x1, int color, double x2, int r, int gap) {
    const auto number = [](bool missing, double v) {
      return missing ? std::string("?") : fmt::format("{:.4f}", v);
    };
    const bool all = gap < 0;
    const std::vector<std::string> numbers{number(all || r % gap == 0, x0),
                                           number(all || r % (gap + 2) == 1, x1),
                                           number(all || r % (gap + 1) == 1, x2)};
    const bool no_color = all || r % (gap + 3) == 2;
    Row out;
    out.arff = fmt::format("{},{},{},{}", numbers[0], numbers[1], no_color ? "?" : kColors[color],
                           numbers[2]);
    std::vector<std::string> csv{numbers[0], numbers[1]};
    for (int k = 0; k < 3; ++k) csv.push_back(no_color ? "?" : k == color ? "1" : "0");
    csv.push_back(numbers[2]);
    for (std::string& cell : csv)
      if (cell == "?") cell = "NaN";
    out.csv = fmt::format("{}", fmt::join(csv, ","));
    return out;
  }

  // Trains on 240 rows with gaps in every attribute (labels from the values
  // before the gaps, rare enough for pos_weight to matter); returns the
  // checkpoint.
  fs::path train_imputing_model() const {
    std::string text = std::string(kHeader) + kLabels + "@data\n";
    for (int r = 0; r < 240; ++r) {
      const double x0 = 10 + 3 * std::sin(0.7 * r);
      const double x1 = -5 + 2 * std::cos(1.3 * r);
      const double x2 = 0.5 * std::sin(0.11 * r + 1);
      text += fmt::format("{},{},{},{}\n", row(x0, x1, r % 3, x2, r, 5).arff, x0 > 12 ? 1 : 0,
                          r % 3 == 2 && x2 > 0 ? 1 : 0, x1 > -3.5 ? 1 : 0);
    }
    write("train.arff", text);
    return train(
        "seed: 3\nthreads: 1\n"
        "data:\n  source: arff\n  train: train.arff\n  label_count: 3\n  missing: mean\n"
        "model:\n  backbone: {sizes: [8], activation: gelu}\n"
        "  heads:\n    labels: {kind: multilabel, loss: {pos_weight: neg_over_pos}}\n"
        "training: {epochs: 3, batch_size: 32, checkpoint_interval: 0}\n");
  }

  // `rows` rows far from the training rows (so that their own statistics
  // are not the training split's), with gaps in every column and a last row
  // with nothing present: gaps.arff with '?', gaps.csv with NaN.
  void write_rows_with_gaps(int rows) const {
    std::string arff = std::string(kHeader) + "@data\n";
    std::string csv;
    for (int r = 0; r < rows; ++r) {
      const Row gaps = row(20 + 2 * std::sin(r), 3 * std::cos(r), (r + 1) % 3,
                           -2 + std::sin(0.5 * r), r, r + 1 == rows ? -1 : 3);
      arff += gaps.arff + "\n";
      csv += gaps.csv + "\n";
    }
    write("gaps.arff", arff);
    write("gaps.csv", csv);
  }
};

TEST_F(OnnxExportImputes, OnnxRuntimeOnNaNGivesWhatPredictGivesOnQuestionMarks) {
  REQUIRE_TOOL(/*runtime=*/true);
  const fs::path checkpoint = train_imputing_model();
  const fulcrum::train::Predictor predictor = fulcrum::train::Predictor::load(checkpoint);
  ASSERT_EQ(predictor.card().feature_names,
            (std::vector<std::string>{"x0", "x1", "color=red", "color=green", "color=blue", "x2"}));
  ASSERT_EQ(predictor.imputer().fill.size(), 6u);
  ASSERT_EQ(fulcrum("export --checkpoint run/best.safetensors --output model.onnx "
                    "--outputs logits,probabilities,recalibrated -q")
                .exit_code,
            0);
  constexpr int kRows = 24;
  write_rows_with_gaps(kRows);
  ASSERT_NE(read_file(dir_ / "gaps.csv").find("NaN,NaN,NaN,NaN,NaN,NaN"), std::string::npos);
  ASSERT_NO_FATAL_FAILURE(predict_calibrated_and_raw("gaps.arff", "--format arff"));
  expect_runtime_matches_predict(checkpoint, run_onnx_runtime("model.onnx", "gaps.csv", kRows),
                                 Csv(read_file(dir_ / "cal.csv")),
                                 Csv(read_file(dir_ / "raw.csv")));
}

TEST_F(OnnxExportImputes, PassesTheOnnxCheckerWithTheImputationInFront) {
  REQUIRE_TOOL(/*runtime=*/false);
  train_imputing_model();
  const CommandResult exported = fulcrum(
      "export --checkpoint run/best.safetensors --output model.onnx --outputs logits,recalibrated");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.err.find("input features [batch, 6] (NaN: missing, filled as predict fills"),
            std::string::npos)
      << exported.err;
  const std::string outputs = R"("outputs": {"labels.logits": 3, "labels.recalibrated": 3})";
  write("expected.json",
        R"({"features": 6, "heads": ["labels"], "imputed": true, )" + outputs + "}");
  const CommandResult checked =
      run("'" FULCRUM_PYTHON "' '" FULCRUM_CHECK_ONNX_PY "' model.onnx expected.json");
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  // The checker can tell: the same file is not one without imputation.
  write("plain.json", R"({"features": 6, "heads": ["labels"], "imputed": false, )" + outputs + "}");
  const CommandResult plain =
      run("'" FULCRUM_PYTHON "' '" FULCRUM_CHECK_ONNX_PY "' model.onnx plain.json");
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_NE(plain.err.find("IsNaN"), std::string::npos) << plain.err;
}

// -- errors -------------------------------------------------------------------

TEST_F(OnnxExport, AMissingCheckpointIsNamed) {
  const CommandResult run = fulcrum("export --checkpoint nowhere.safetensors --output m.onnx");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("nowhere.safetensors"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "m.onnx"));
}

TEST_F(OnnxExport, ACorruptCheckpointIsRefusedWithoutWritingAFile) {
  write("broken.safetensors", std::string("\x40\x00\x00\x00\x00\x00\x00\x00{\"a\":", 14));
  const CommandResult run = fulcrum("export --checkpoint broken.safetensors --output m.onnx");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("broken.safetensors"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "m.onnx"));
}

TEST_F(OnnxExport, AnOutputInAMissingDirectoryIsNamed) {
  train(two_head_config("relu"));
  const CommandResult run =
      fulcrum("export --checkpoint run/best.safetensors --output no/such/dir/m.onnx");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cannot write 'no/such/dir/m.onnx': the directory 'no/such/dir' does "
                         "not exist"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "no"));
}

// Every activation a checkpoint can name exports (the graph tests build one
// that cannot: a module of the user's own); a checkpoint naming one this
// fulcrum does not have is refused with the choices, before any file is written.
TEST_F(OnnxExport, ACheckpointWithAnUnsupportedActivationIsRefused) {
  train(two_head_config("gelu"));
  const fs::path checkpoint = dir_ / "run" / "best.safetensors";
  fulcrum::checkpoint::SafetensorsFile file = fulcrum::checkpoint::load_safetensors(checkpoint);
  for (const char* key : {"model", "config"}) {
    std::string& yaml = file.metadata.at(key);
    const size_t at = yaml.find("activation: gelu");
    ASSERT_NE(at, std::string::npos) << yaml;
    yaml.replace(at, std::string("activation: gelu").size(), "activation: swish");
  }
  fulcrum::checkpoint::save_safetensors(dir_ / "swish.safetensors", file.tensors, file.metadata);
  const CommandResult run = fulcrum("export --checkpoint swish.safetensors --output m.onnx");
  EXPECT_EQ(run.exit_code, 1);
  for (const char* part : {"swish.safetensors", "swish", "gelu", "relu"})
    EXPECT_NE(run.err.find(part), std::string::npos) << part << " not in: " << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "m.onnx"));
}

TEST_F(OnnxExport, AnUnknownOutputListsTheChoices) {
  const CommandResult run =
      fulcrum("export --checkpoint x.safetensors --output m.onnx --outputs logits,calibrated");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("calibrated"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("recalibrated"), std::string::npos) << run.err;
}

TEST_F(OnnxExport, AnOutputChosenTwiceIsRefused) {
  train(two_head_config("relu"));
  const CommandResult run =
      fulcrum("export --checkpoint run/best.safetensors --output m.onnx --outputs logits,logits");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("'logits' is chosen twice"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "m.onnx"));
}

#if !FULCRUM_ONNX_EXPORT
TEST_F(OnnxExport, ABuildWithoutOnnxSaysSo) {
  train(two_head_config("relu"));
  const CommandResult run = fulcrum("export --checkpoint run/best.safetensors --output m.onnx");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("ONNX export is disabled"), std::string::npos) << run.err;
}
#endif

}  // namespace
