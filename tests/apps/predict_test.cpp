// `fulcrum predict` as a user reads its output: every decision agrees with
// the probability written in its row, and the input is read as the training
// data was (CSV with or without header, ARFF, libsvm, standard input), with
// exactly the model's features.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fulcrum/train/predictor.hpp"
#include "predict_fixture.hpp"

namespace fulcrum::predict_test {
namespace {

double logit(double p) { return std::log(p / (1.0 - p)); }
double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Checks every multilabel decision of `table` against the probability in its
// row, for the heads of `card`, and every multiclass decision against the
// largest probability. `raw`: the table holds sigmoid(z) (predict --raw).
// Returns how many decisions were checked.
int64_t expect_decisions_agree(const CsvTable& table, const train::ModelCard& card, bool raw) {
  int64_t checked = 0;
  const size_t rows = table.rows();
  for (const train::HeadCard& head : card.heads) {
    if (head.kind == TaskKind::MultiClass) {
      for (size_t i = 0; i < rows; ++i) {
        size_t best = 0;
        for (size_t c = 1; c < head.labels.size(); ++c) {
          if (table.number(head.name + "." + head.labels[c], i) >
              table.number(head.name + "." + head.labels[best], i))
            best = c;
        }
        EXPECT_EQ(table.at(head.name + ".pred")[i], head.labels[best]) << "row " << i;
        ++checked;
      }
      continue;
    }
    for (size_t l = 0; l < head.labels.size(); ++l) {
      const std::string column = head.name + "." + head.labels[l];
      // The threshold on the written scale, computed here from the stored
      // threshold and pos_weight.
      const double t = head.thresholds[l];
      const double pw = head.pos_weight.empty() ? 1.0 : static_cast<float>(head.pos_weight[l]);
      const double threshold = raw ? t : sigmoid(logit(t) - std::log(pw));
      double highest_no = -1.0;
      double lowest_yes = 2.0;
      for (size_t i = 0; i < rows; ++i) {
        const double p = table.number(column, i);
        const std::string& pred = table.at(column + ".pred")[i];
        EXPECT_TRUE(pred == "0" || pred == "1") << column << " row " << i << ": " << pred;
        if (pred == "1") {
          lowest_yes = std::min(lowest_yes, p);
        } else {
          highest_no = std::max(highest_no, p);
        }
        if (std::abs(p - threshold) > 1e-6) {
          EXPECT_EQ(pred, p >= threshold ? "1" : "0")
              << column << " row " << i << ": probability " << p << ", threshold " << threshold;
        }
        ++checked;
      }
      // One threshold separates the 0s from the 1s in the file's own numbers.
      EXPECT_LT(highest_no, lowest_yes) << column;
    }
  }
  return checked;
}

TEST_F(PredictFixture, EveryDecisionAgreesWithTheProbabilityWrittenInItsRow) {
  const std::string model = train_small_model();
  const auto predictor = train::Predictor::load(dir_ / model);
  const train::HeadCard& labels = predictor.card().heads.at(0);
  ASSERT_EQ(labels.pos_weight.size(), 2u);
  EXPECT_GT(labels.pos_weight[1], 2.0) << "the second label should be rare";
  EXPECT_TRUE(labels.thresholds[0] != 0.5 || labels.thresholds[1] != 0.5)
      << "the thresholds should have been tuned";
  EXPECT_FALSE(predictor.card().heads.at(1).weight.empty());

  write("rows.csv", SmallData(500, /*seed=*/99).csv());
  for (const bool raw : {false, true}) {
    const CommandResult run = fulcrum(
        std::string("predict --checkpoint ") + model +
        " --input rows.csv --output p.csv --logits --thresholds t.csv" + (raw ? " --raw" : ""));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_CONTAINS(run.err, "LABEL.pred is 1 when the");
    const CsvTable table = read_csv_table(read("p.csv"));
    ASSERT_EQ(table.rows(), 500u);
    EXPECT_EQ(expect_decisions_agree(table, predictor.card(), raw), 500 * 3);

    // The thresholds --thresholds writes decide every row exactly, in the
    // file's own numbers.
    const CsvTable thresholds = read_csv_table(read("t.csv"));
    ASSERT_EQ(thresholds.rows(), 2u);
    for (size_t l = 0; l < 2; ++l) {
      EXPECT_EQ(thresholds.at("head")[l], "labels");
      const std::string column = "labels." + thresholds.at("label")[l];
      const float threshold = std::stof(thresholds.at("threshold")[l]);
      EXPECT_EQ(std::stof(thresholds.at("stored_threshold")[l]),
                static_cast<float>(labels.thresholds[l]));
      for (size_t i = 0; i < table.rows(); ++i) {
        EXPECT_EQ(table.at(column + ".pred")[i],
                  std::stof(table.at(column)[i]) >= threshold ? "1" : "0")
            << column << " row " << i;
      }
    }

    // Either way the multilabel decisions are the trained model's:
    // sigmoid(logit) >= the stored threshold.
    for (size_t l = 0; l < 2; ++l) {
      const std::string column = "labels." + labels.labels[l];
      for (size_t i = 0; i < table.rows(); ++i) {
        const double z = table.number(column + ".logit", i);
        if (std::abs(sigmoid(z) - labels.thresholds[l]) < 1e-6) continue;
        EXPECT_EQ(table.at(column + ".pred")[i], sigmoid(z) >= labels.thresholds[l] ? "1" : "0")
            << column << " row " << i;
      }
    }
  }
}

// The yeast pos_weight model with tuned thresholds, predicting the test file
// with its 14 label columns: 917 x 14 decisions, each agreeing with its row.
TEST_F(PredictFixture, YeastPosWeightDecisionsAgreeAndLabelColumnsAreDeclared) {
  const char* env = std::getenv("FULCRUM_YEAST_DIR");
  const fs::path yeast = env ? fs::path(env) : fs::path(FULCRUM_SHARED_DIR) / "datasets" / "yeast";
  if (!fs::exists(yeast / "yeast-test.csv")) {
    GTEST_SKIP() << "no yeast data at " << yeast << " (../shared or FULCRUM_YEAST_DIR)";
  }
  const std::string config = (fs::path(FULCRUM_CONFIGS_DIR) / "yeast_pos_weight.yaml").string();
  const CommandResult train = fulcrum(
      "train " + config + " -q --output-dir yeast --set training.epochs=8 threads=1 " +
      "data.validation_fraction=0.2 evaluation.threshold_tuning=f1 data.train=" +
      (yeast / "yeast-train.csv").string() + " data.test=" + (yeast / "yeast-test.csv").string());
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::string test_file = (yeast / "yeast-test.csv").string();

  const CommandResult cut = fulcrum("predict --checkpoint yeast/best.safetensors --input " +
                                    test_file + " --output p.csv");
  EXPECT_EQ(cut.exit_code, 3);
  EXPECT_CONTAINS(cut.err, test_file + ": 117 columns, but the model reads 103 features");
  EXPECT_CONTAINS(cut.err, "--has-labels");

  const CommandResult run = fulcrum("predict --checkpoint yeast/best.safetensors --input " +
                                    test_file + " --output p.csv --has-labels");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CsvTable table = read_csv_table(read("p.csv"));
  ASSERT_EQ(table.rows(), 917u);
  const auto predictor = train::Predictor::load(dir_ / "yeast" / "best.safetensors");
  EXPECT_EQ(expect_decisions_agree(table, predictor.card(), false), 917 * 14);
}

TEST_F(PredictFixture, ACsvWithOtherColumnsThanTheFeaturesIsRefusedUnlessLabelsAreDeclared) {
  const std::string model = train_small_model();
  const SmallData data(20, 5);
  write("features.csv", data.csv());
  write("with_labels.csv", data.csv(/*with_labels=*/true));
  ASSERT_EQ(
      fulcrum("predict --checkpoint " + model + " --input features.csv --output a.csv").exit_code,
      0);

  const CommandResult extra =
      fulcrum("predict --checkpoint " + model + " --input with_labels.csv --output b.csv");
  EXPECT_EQ(extra.exit_code, 3);
  EXPECT_CONTAINS(extra.err, "with_labels.csv: 9 columns, but the model reads 6 features");
  EXPECT_CONTAINS(extra.err, "are the other 3 the training file's label columns? --has-labels");
  EXPECT_FALSE(fs::exists(dir_ / "b.csv"));

  const CommandResult declared = fulcrum("predict --checkpoint " + model +
                                         " --input with_labels.csv --output b.csv --has-labels");
  ASSERT_EQ(declared.exit_code, 0) << declared.err;
  EXPECT_EQ(read("b.csv"), read("a.csv"));

  // One feature short, with or without the labels.
  std::string short_rows;
  for (const std::string& line : {std::string("1,2,3,4,5\n"), std::string("0,0,0,0,0\n")})
    short_rows += line;
  write("short.csv", short_rows);
  const CommandResult fewer =
      fulcrum("predict --checkpoint " + model + " --input short.csv --output c.csv");
  EXPECT_EQ(fewer.exit_code, 3);
  EXPECT_CONTAINS(fewer.err, "short.csv: 5 columns, but the model reads 6 features");
  const CommandResult fewer_labels = fulcrum("predict --checkpoint " + model +
                                             " --input features.csv --output c.csv --has-labels");
  EXPECT_EQ(fewer_labels.exit_code, 3);
  EXPECT_CONTAINS(fewer_labels.err, "no label column 'c6'");
}

TEST_F(PredictFixture, AHeaderNamesExactlyTheFeaturesInAnyOrderAndDeclaredLabels) {
  const std::string model = train_small_model();
  const SmallData data(15, 11);
  write("features.csv", data.csv());
  ASSERT_EQ(
      fulcrum("predict --checkpoint " + model + " --input features.csv --output a.csv").exit_code,
      0);
  // Reversed columns, by name; then with the label columns; then with an id.
  const std::vector<int> order{5, 4, 3, 2, 1, 0};
  std::string named = "c5,c4,c3,c2,c1,c0\n";
  std::string labelled = "c8,c5,c4,c3,c2,c1,c0,c7,c6\n";
  std::string with_id = "id,c5,c4,c3,c2,c1,c0\n";
  for (size_t r = 0; r < data.x.size(); ++r) {
    std::string row;
    for (const int f : order) row += fmt::format("{}{}", f == 5 ? "" : ",", data.x[r][f]);
    named += row + "\n";
    labelled +=
        fmt::format("{},{},{},{}\n", data.rating[r], row, data.labels[r][1], data.labels[r][0]);
    with_id += fmt::format("row{},{}\n", r, row);
  }
  write("named.csv", named);
  write("labelled.csv", labelled);
  write("with_id.csv", with_id);
  ASSERT_EQ(
      fulcrum("predict --checkpoint " + model + " --input named.csv --output b.csv").exit_code, 0);
  EXPECT_EQ(read("b.csv"), read("a.csv"));
  const CommandResult labels = fulcrum("predict --checkpoint " + model +
                                       " --input labelled.csv --output c.csv --has-labels");
  ASSERT_EQ(labels.exit_code, 0) << labels.err;
  EXPECT_EQ(read("c.csv"), read("a.csv"));

  const CommandResult id =
      fulcrum("predict --checkpoint " + model + " --input with_id.csv --output d.csv");
  EXPECT_EQ(id.exit_code, 3);
  EXPECT_CONTAINS(id.err, "with_id.csv: 7 columns, but the model reads 6 features");
  EXPECT_CONTAINS(id.err, "column the model does not read: id");
}

TEST_F(PredictFixture, DashReadsStandardInputAndWritesStandardOutput) {
  const std::string model = train_small_model();
  write("rows.csv", SmallData(12, 3).csv());
  ASSERT_EQ(fulcrum("predict --checkpoint " + model + " --input rows.csv --output a.csv").exit_code,
            0);
  const CommandResult piped =
      fulcrum("predict --checkpoint " + model + " --input - --output - < rows.csv");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, read("a.csv"));
  EXPECT_CONTAINS(piped.err, "of standard input");

  const CommandResult empty =
      fulcrum("predict --checkpoint " + model + " --input - --output x.csv < /dev/null");
  EXPECT_EQ(empty.exit_code, 3);
  EXPECT_CONTAINS(empty.err, "standard input");
}

// `fulcrum eval --input`: the metrics of a labelled file are those of the
// decisions `predict` writes for it (hamming loss of the label head, the
// rating head's accuracy of the trained logits' argmax).
TEST_F(PredictFixture, EvalInputScoresTheDecisionsPredictWrites) {
  const std::string model = train_small_model();
  const SmallData data(80, 17);
  write("labelled.csv", data.csv(/*with_labels=*/true));
  const CommandResult eval =
      fulcrum("eval --checkpoint " + model + " --input labelled.csv --json e.json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_CONTAINS(eval.out, "== head 'labels' (multilabel) on the labelled.csv split");
  const nlohmann::json metrics = nlohmann::json::parse(read("e.json"));
  EXPECT_EQ(metrics["samples"], 80);

  const CommandResult predict = fulcrum("predict --checkpoint " + model +
                                        " --input labelled.csv --output p.csv --raw --has-labels");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const CsvTable table = read_csv_table(read("p.csv"));
  int wrong_labels = 0;
  int right_ratings = 0;
  for (size_t i = 0; i < table.rows(); ++i) {
    for (int l = 0; l < 2; ++l) {
      const std::string column = "labels.c" + std::to_string(6 + l) + ".pred";
      wrong_labels += std::stoi(table.at(column)[i]) != data.labels[i][l];
    }
    right_ratings += table.at("rating.pred")[i] == std::to_string(data.rating[i]);
  }
  EXPECT_DOUBLE_EQ(metrics["heads"]["labels"]["hamming_loss"].get<double>(),
                   wrong_labels / (2.0 * 80));
  EXPECT_DOUBLE_EQ(metrics["heads"]["rating"]["accuracy"].get<double>(), right_ratings / 80.0);

  // The same rows from standard input; rows without their labels are refused.
  const CommandResult piped =
      fulcrum("eval --checkpoint " + model + " --input - --json s.json < labelled.csv");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(nlohmann::json::parse(read("s.json"))["heads"], metrics["heads"]);
  write("features.csv", data.csv());
  const CommandResult unlabelled = fulcrum("eval --checkpoint " + model + " --input features.csv");
  EXPECT_EQ(unlabelled.exit_code, 3);
  EXPECT_CONTAINS(unlabelled.err, "no label column 'c6'");
}

// A MULAN-style ARFF model: numeric and nominal attributes (one-hot encoded),
// two label attributes named by the config's label_count.
class ArffPredict : public PredictFixture {
 protected:
  static std::string header(const std::string& colors, bool labels) {
    return "@relation small\n@attribute a numeric\n@attribute color {" + colors +
           "}\n@attribute b numeric\n" +
           (labels ? "@attribute l0 {0,1}\n@attribute l1 {0,1}\n" : "") + "@data\n";
  }
  /// The rows of rows(false, count) written sparse: "{index value, ...}".
  static std::string sparse_rows(int count) {
    static const char* kColors[] = {"red", "green", "blue"};
    std::string text;
    for (int r = 0; r < count; ++r) {
      text += fmt::format("{{0 {:.3f}, 1 {}, 2 {:.3f}}}\n", std::sin(r * 0.7), kColors[r % 3],
                          std::cos(r * 1.3));
    }
    return text;
  }
  static std::string rows(bool labels, int count) {
    static const char* kColors[] = {"red", "green", "blue"};
    std::string text;
    for (int r = 0; r < count; ++r) {
      const double a = std::sin(r * 0.7);
      const double b = std::cos(r * 1.3);
      text += fmt::format("{:.3f},{},{:.3f}", a, kColors[r % 3], b);
      if (labels) text += fmt::format(",{},{}", a + b > 0.4 ? 1 : 0, r % 3 == 2 ? 1 : 0);
      text += "\n";
    }
    return text;
  }

  void SetUp() override {
    PredictFixture::SetUp();
    write("train.arff", header("red,green,blue", true) + rows(true, 200));
    write("arff.yaml",
          "seed: 2\nthreads: 1\n"
          "data:\n  source: arff\n  train: train.arff\n  label_count: 2\n"
          "model:\n  backbone:\n    sizes: [8]\n  heads:\n    labels:\n      kind: multilabel\n"
          "training:\n  epochs: 3\n  batch_size: 32\n");
    const CommandResult run = fulcrum("train arff.yaml -q --output-dir arff");
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
};

TEST_F(ArffPredict, LabelAttributesAreDroppedAndNominalValuesEncodedByName) {
  write("labelled.arff", header("red,green,blue", true) + rows(true, 30));
  write("unlabelled.arff", header("red,green,blue", false) + rows(false, 30));
  // The same nominal values declared in another order: encoded by name.
  write("reordered.arff", header("blue,red,green", false) + rows(false, 30));
  write("sparse.arff", header("red,green,blue", false) + sparse_rows(30));
  const CommandResult labelled =
      fulcrum("predict --checkpoint arff/best.safetensors --input labelled.arff --output a.csv");
  ASSERT_EQ(labelled.exit_code, 0) << labelled.err;
  EXPECT_EQ(read_csv_table(read("a.csv")).rows(), 30u);
  for (const char* other : {"unlabelled", "reordered", "sparse"}) {
    const CommandResult run = fulcrum("predict --checkpoint arff/best.safetensors --input " +
                                      std::string(other) + ".arff --output b.csv");
    ASSERT_EQ(run.exit_code, 0) << other << ": " << run.err;
    EXPECT_EQ(read("b.csv"), read("a.csv")) << other;
  }

  // The one-hot columns by name in a CSV with a header.
  std::string csv = "a,color=red,color=green,color=blue,b\n";
  for (int r = 0; r < 30; ++r) {
    csv += fmt::format("{:.3f},{},{},{},{:.3f}\n", std::sin(r * 0.7), int{r % 3 == 0},
                       int{r % 3 == 1}, int{r % 3 == 2}, std::cos(r * 1.3));
  }
  write("onehot.csv", csv);
  const CommandResult as_csv = fulcrum(
      "predict --checkpoint arff/best.safetensors --input onehot.csv --format csv --output c.csv");
  ASSERT_EQ(as_csv.exit_code, 0) << as_csv.err;
  EXPECT_EQ(read("c.csv"), read("a.csv"));
}

TEST_F(ArffPredict, EvalInputReadsTheLabelAttributes) {
  write("labelled.arff", header("red,green,blue", true) + rows(true, 40));
  const CommandResult eval =
      fulcrum("eval --checkpoint arff/best.safetensors --input labelled.arff --json e.json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_EQ(nlohmann::json::parse(read("e.json"))["heads"]["labels"]["n_samples"], 40);
  write("unlabelled.arff", header("red,green,blue", false) + rows(false, 5));
  const CommandResult unlabelled =
      fulcrum("eval --checkpoint arff/best.safetensors --input unlabelled.arff");
  EXPECT_EQ(unlabelled.exit_code, 3);
  EXPECT_CONTAINS(unlabelled.err, "unknown label attributes 'l0', 'l1'");
}

TEST_F(ArffPredict, AnUnknownNominalValueOrSomeLabelAttributesAreRefused) {
  write("purple.arff", header("red,green,blue,purple", false) + rows(false, 5));
  const CommandResult purple =
      fulcrum("predict --checkpoint arff/best.safetensors --input purple.arff --output a.csv");
  EXPECT_EQ(purple.exit_code, 3);
  EXPECT_CONTAINS(purple.err, "purple.arff: 6 feature columns");
  EXPECT_CONTAINS(purple.err, "the model reads 5 features");
  EXPECT_CONTAINS(purple.err, "color=purple");

  std::string one_label = header("red,green,blue", false);
  one_label.insert(one_label.find("@data"), "@attribute l1 {0,1}\n");
  std::string body;
  for (const std::string& row : {std::string("0.1,red,0.2,1\n"), std::string("0.3,blue,0.4,0\n")})
    body += row;
  write("one_label.arff", one_label + body);
  const CommandResult some =
      fulcrum("predict --checkpoint arff/best.safetensors --input one_label.arff --output b.csv");
  EXPECT_EQ(some.exit_code, 3);
  EXPECT_CONTAINS(some.err, "declares 1 of the model's 2 label attributes (missing: l0)");
}

TEST_F(PredictFixture, LibsvmInputIsReadWithTheModelsFeatureCount) {
  std::string text;
  for (int r = 0; r < 120; ++r) {
    const double a = std::sin(r * 0.9);
    const double b = std::cos(r * 0.4);
    std::string labels = a > 0.3 ? "0" : "";
    if (b > 0.5) labels += labels.empty() ? "1" : ",1";
    text += fmt::format("{} 1:{:.3f} 3:{:.3f}{}\n", labels, a, b, r % 4 == 0 ? " 4:1" : "");
  }
  write("train.svm", text);
  write("svm.yaml",
        "seed: 2\nthreads: 1\n"
        "data:\n  source: libsvm\n  train: train.svm\n  label_count: 2\n"
        "model:\n  backbone:\n    sizes: [8]\n  heads:\n    labels:\n      kind: multilabel\n"
        "training:\n  epochs: 3\n  batch_size: 32\n");
  ASSERT_EQ(fulcrum("train svm.yaml -q --output-dir svm").exit_code, 0);
  write("rows.svm", " 1:0.5 2:1\n0 4:0.25\n\n1 3:-1\n");
  const CommandResult run =
      fulcrum("predict --checkpoint svm/best.safetensors --input rows.svm --output a.csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(read_csv_table(read("a.csv")).rows(), 3u);
  EXPECT_CONTAINS(run.err, "(libsvm)");

  write("wide.svm", "0 1:0.5 5:2\n");
  const CommandResult wide =
      fulcrum("predict --checkpoint svm/best.safetensors --input wide.svm --output b.csv");
  EXPECT_EQ(wide.exit_code, 3);
  EXPECT_CONTAINS(wide.err, "wide.svm:1");
  EXPECT_CONTAINS(wide.err, "5");
}

}  // namespace
}  // namespace fulcrum::predict_test
