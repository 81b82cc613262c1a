// `fulcrum predict` and `fulcrum eval --input` on ARFF rows with '?': a model
// trained with data.missing: mean fills them with the values its training
// split gave (stored in the checkpoint), never with the input's own
// statistics; a model trained with data.missing: error refuses them.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fulcrum/train/predictor.hpp"
#include "predict_fixture.hpp"

namespace fulcrum::predict_test {
namespace {

const char* kColors[] = {"red", "green", "blue"};

std::string header(bool labels) {
  return std::string(
             "@relation gaps\n@attribute a numeric\n@attribute color {red,green,blue}\n"
             "@attribute b numeric\n") +
         (labels ? "@attribute l0 {0,1}\n@attribute l1 {0,1}\n" : "") + "@data\n";
}

// Training rows; with `gaps`, a and color are '?' in some of them.
std::string training_rows(bool gaps) {
  std::string text;
  for (int r = 0; r < 200; ++r) {
    const double a = std::sin(r * 0.7);
    const double b = std::cos(r * 1.3);
    const std::string a_text = gaps && r % 9 == 4 ? "?" : fmt::format("{:.3f}", a);
    const std::string color = gaps && r % 13 == 6 ? "?" : kColors[r % 3];
    text += fmt::format("{},{},{:.3f},{},{}\n", a_text, color, b, a + b > 0.4 ? 1 : 0,
                        r % 3 == 2 ? 1 : 0);
  }
  return text;
}

// Rows to predict, far from the training rows so that their own mean of a
// (6) is not the training split's; each '?' is `a`, `color` or `b` when given.
// Dense and sparse rows alike.
std::string rows_to_predict(const std::string& a, const std::string& color, const std::string& b,
                            bool labels) {
  const std::string l = labels ? ",1,0" : "";
  const std::string sparse_l = labels ? ", 3 1" : "";
  return "5," + color + ",0.25" + l + "\n" +                           //
         a + ",red," + b + l + "\n" +                                  //
         "7,green,0.75" + l + "\n" +                                   //
         "{0 " + a + ", 1 " + color + ", 2 " + b + sparse_l + "}\n" +  //
         "{0 6, 1 " + color + "}\n";
}

class MissingPredict : public PredictFixture {
 protected:
  void SetUp() override {
    PredictFixture::SetUp();
    write("train.arff", header(true) + training_rows(true));
    write("mean.yaml",
          "seed: 2\nthreads: 1\n"
          "data:\n  source: arff\n  train: train.arff\n  label_count: 2\n  missing: mean\n"
          "model:\n  backbone:\n    sizes: [8]\n  heads:\n    labels:\n      kind: multilabel\n"
          "training:\n  epochs: 3\n  batch_size: 32\n");
    const CommandResult run = fulcrum("train mean.yaml -q --output-dir mean");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    fill_ = train::Predictor::load(dir_ / "mean" / "best.safetensors").imputer().fill;
    ASSERT_EQ(fill_.size(), 5u);  // a, color=red, color=green, color=blue, b
  }

  // The rows with '?', and the same rows with the stored values written in.
  void write_inputs(bool labels) const {
    write("gaps.arff", header(labels) + rows_to_predict("?", "?", "?", labels));
    std::string color;
    for (int k = 0; k < 3; ++k)
      if (fill_[1 + static_cast<size_t>(k)] == 1.0f) color = kColors[k];
    ASSERT_FALSE(color.empty()) << "the stored color is one-hot";
    write("filled.arff", header(labels) + rows_to_predict(fmt::format("{}", fill_[0]), color,
                                                          fmt::format("{}", fill_[4]), labels));
  }

  std::vector<float> fill_;
};

TEST_F(MissingPredict, PredictFillsTheGapsWithTheTrainingSplitsValues) {
  write_inputs(/*labels=*/false);
  EXPECT_NE(fill_[0], 6.0f) << "the training split's mean of a must not be the input's own";
  const CommandResult gaps =
      fulcrum("predict --checkpoint mean/best.safetensors --input gaps.arff --output gaps.csv");
  ASSERT_EQ(gaps.exit_code, 0) << gaps.err;
  const CommandResult filled =
      fulcrum("predict --checkpoint mean/best.safetensors --input filled.arff --output filled.csv");
  ASSERT_EQ(filled.exit_code, 0) << filled.err;
  EXPECT_EQ(read_csv_table(read("gaps.csv")).rows(), 5u);
  EXPECT_EQ(read("gaps.csv"), read("filled.csv"));
}

TEST_F(MissingPredict, EvalInputScoresTheGapsAsTheFilledRows) {
  write_inputs(/*labels=*/true);
  const CommandResult gaps =
      fulcrum("eval --checkpoint mean/best.safetensors --input gaps.arff --json gaps.json");
  ASSERT_EQ(gaps.exit_code, 0) << gaps.err;
  const CommandResult filled =
      fulcrum("eval --checkpoint mean/best.safetensors --input filled.arff --json filled.json");
  ASSERT_EQ(filled.exit_code, 0) << filled.err;
  const auto scores = [&](const std::string& name) {
    return nlohmann::json::parse(read(name))["heads"]["labels"];
  };
  EXPECT_EQ(scores("gaps.json")["n_samples"], 5);
  EXPECT_EQ(scores("gaps.json"), scores("filled.json"));
}

TEST_F(MissingPredict, AModelTrainedWithMissingErrorRefusesAQuestionMark) {
  write("complete.arff", header(true) + training_rows(false));
  write("error.yaml",
        "seed: 2\nthreads: 1\n"
        "data:\n  source: arff\n  train: complete.arff\n  label_count: 2\n"
        "model:\n  backbone:\n    sizes: [8]\n  heads:\n    labels:\n      kind: multilabel\n"
        "training:\n  epochs: 1\n  batch_size: 32\n");
  const CommandResult run = fulcrum("train error.yaml -q --output-dir strict");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  write_inputs(/*labels=*/false);
  const CommandResult gaps =
      fulcrum("predict --checkpoint strict/best.safetensors --input gaps.arff --output gaps.csv");
  EXPECT_EQ(gaps.exit_code, 3);
  // The first '?': line 6 (after @relation, three @attribute and @data), color.
  EXPECT_CONTAINS(gaps.err, "gaps.arff:6: attribute 'color': missing value '?'");
}

}  // namespace
}  // namespace fulcrum::predict_test
