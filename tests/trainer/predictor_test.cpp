// Predictor: a checkpoint rebuilt into a model that predicts as the trained
// one did, from raw CSV rows found by name or by position.
#include "fulcrum/train/predictor.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::expect_error;
using testing::fresh_dir;

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) out.push_back(field);
  return out;
}

// Raw feature rows, written with the shortest text that reads back exactly.
Tensor write_rows(const std::filesystem::path& path, const std::vector<std::string>& header,
                  int64_t rows, uint64_t seed) {
  Generator gen(seed);
  const auto width = static_cast<int64_t>(header.size());
  const Tensor x = normal({rows, width}, 0.0f, 2.0f, gen);
  std::ofstream out(path);
  if (!header.empty()) out << fmt::format("{}\n", fmt::join(header, ","));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < width; ++c)
      out << (c ? "," : "") << fmt::format("{}", x.data()[r * width + c]);
    out << "\n";
  }
  return x;
}

class PredictorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir("run");
    config::RunConfig config = testing::tiny_config(dir_);
    config.model.heads[0].threshold = 0.3;
    config.data.synthetic.heads.push_back({"rating", TaskKind::MultiClass, {0.2, 0.3, 0.5}});
    config::HeadConfig rating;
    rating.name = "rating";
    rating.kind = TaskKind::MultiClass;
    config.model.heads.push_back(rating);
    config.training.epochs = 3;
    trainer_ = std::make_unique<Trainer>(config);
    trainer_->fit();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Trainer> trainer_;
};

TEST_F(PredictorTest, PredictsAsTheTrainedModel) {
  const Predictor predictor = Predictor::load(RunPaths{dir_}.best_checkpoint());
  EXPECT_EQ(predictor.feature_names(), trainer_->data().train.feature_names);
  Generator gen(5);
  const Tensor raw = normal({10, 8}, 0.0f, 2.0f, gen);
  const Predictions p = predictor.predict(raw, {.logits = true});

  // The trainer's model (holding the best weights) on the same rows.
  trainer_->model().eval();
  NoGradGuard no_grad;
  const auto outputs = trainer_->model().forward_heads(trainer_->data().scaler.transformed(raw));
  const Tensor probs = sigmoid(outputs.at("labels"));
  const Tensor class_probs = softmax(outputs.at("rating"), 1);

  const std::vector<std::string> expected_columns{
      "labels.label0",       "labels.label1",       "labels.label2",       "labels.label3",
      "labels.label0.pred",  "labels.label1.pred",  "labels.label2.pred",  "labels.label3.pred",
      "labels.label0.logit", "labels.label1.logit", "labels.label2.logit", "labels.label3.logit",
      "rating.class0",       "rating.class1",       "rating.class2",       "rating.pred",
      "rating.class0.logit", "rating.class1.logit", "rating.class2.logit"};
  ASSERT_EQ(p.columns, expected_columns);
  ASSERT_EQ(p.values.shape(), (Shape{10, 19}));
  for (int64_t i = 0; i < 10; ++i) {
    const float* row = p.values.data() + i * 19;
    for (int64_t l = 0; l < 4; ++l) {
      const float prob = probs.data()[i * 4 + l];
      EXPECT_EQ(row[l], prob);
      EXPECT_EQ(row[4 + l], prob >= 0.3f ? 1.0f : 0.0f);  // the head's stored threshold
      EXPECT_EQ(row[8 + l], outputs.at("labels").data()[i * 4 + l]);
    }
    for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(row[12 + c], class_probs.data()[i * 3 + c]);
    EXPECT_EQ(row[15], argmax_last(class_probs).data()[i]);
  }
}

TEST_F(PredictorTest, CsvByNameAndByPosition) {
  const Predictor predictor = Predictor::load(RunPaths{dir_}.best_checkpoint());
  // By name: the columns in another order, with an extra one.
  std::vector<std::string> header{"id"};
  for (int f = 7; f >= 0; --f) header.push_back(fmt::format("x{}", f));
  const Tensor shuffled = write_rows(dir_ / "named.csv", header, 6, 1);
  predictor.predict_csv(dir_ / "named.csv", dir_ / "named_out.csv");
  // The same rows in training order, without a header.
  Tensor ordered = Tensor::empty({6, 8});
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t f = 0; f < 8; ++f) ordered.data()[r * 8 + f] = shuffled.data()[r * 9 + (8 - f)];
  {
    std::ofstream out(dir_ / "plain.csv");
    for (int64_t r = 0; r < 6; ++r) {
      for (int64_t f = 0; f < 8; ++f)
        out << (f ? "," : "") << fmt::format("{}", ordered.data()[r * 8 + f]);
      out << "\n";
    }
  }
  EXPECT_EQ(predictor.predict_csv(dir_ / "plain.csv", dir_ / "plain_out.csv"), 6);
  const auto named = read_lines(dir_ / "named_out.csv");
  const auto plain = read_lines(dir_ / "plain_out.csv");
  ASSERT_EQ(named.size(), 7u);
  EXPECT_EQ(named, plain);
  EXPECT_EQ(split(named[0]).front(), "labels.label0");
  EXPECT_EQ(split(named[0]).back(), "rating.pred");

  // The CSV holds predict()'s values exactly; the class decision as a name.
  const Predictions p = predictor.predict(ordered);
  const auto width = static_cast<int64_t>(p.columns.size());
  for (int64_t r = 0; r < 6; ++r) {
    const auto fields = split(named[static_cast<size_t>(r + 1)]);
    ASSERT_EQ(fields.size(), p.columns.size());
    for (size_t c = 0; c + 1 < fields.size(); ++c) {
      EXPECT_EQ(std::stof(fields[c]), p.values.data()[r * width + static_cast<int64_t>(c)]);
    }
    EXPECT_EQ(fields.back(), fmt::format("class{}", p.values.data()[r * width + width - 1]));
  }
}

TEST_F(PredictorTest, MissingColumnsAreAllNamed) {
  const Predictor predictor = Predictor::load(RunPaths{dir_}.best_checkpoint());
  write_rows(dir_ / "partial.csv", {"x0", "x1", "x2", "x4", "x5", "x6"}, 3, 2);
  expect_error<data::DataError>(
      [&] { predictor.predict_csv(dir_ / "partial.csv", dir_ / "out.csv"); },
      {"partial.csv", "missing feature columns", "x3, x7"});
  {
    std::ofstream out(dir_ / "short.csv");  // no header: by position, 5 of 8 columns
    out << "1,2,3,4,5\n6,7,8,9,10\n";
  }
  expect_error<data::DataError>(
      [&] { predictor.predict_csv(dir_ / "short.csv", dir_ / "out.csv"); },
      {"short.csv", "5 columns", "8 features"});
  {
    std::ofstream out(dir_ / "long.csv");  // no header: 9 columns for 8 features
    out << "1,2,3,4,5,6,7,8,9\n";
  }
  expect_error<data::DataError>(
      [&] { predictor.predict_csv(dir_ / "long.csv", dir_ / "out.csv"); },
      {"long.csv", "9 columns", "8 features", "remove the other columns"});
}

TEST_F(PredictorTest, AFileWithoutTrainerMetadataIsRefused) {
  checkpoint::save_safetensors(dir_ / "bare.safetensors", {{"w", Tensor::ones({2})}});
  expect_error<ValueError>([&] { Predictor::load(dir_ / "bare.safetensors"); },
                           {(dir_ / "bare.safetensors").string() +
                            ": checkpoint metadata has neither 'model' nor 'config'"});
}

}  // namespace
}  // namespace fulcrum::train
