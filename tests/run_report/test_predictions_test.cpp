// test_predictions.csv: decisions, the CSV text, reading it back exactly, and
// the errors of a damaged file.
#include "fulcrum/train/test_predictions.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "fulcrum/data/dataset.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::train {
namespace {

HeadCard tags_head() { return {"tags", TaskKind::MultiLabel, {"a", "b, c"}, {0.5, 0.25}, {}, {}}; }

HeadCard rating_head() { return {"rating", TaskKind::MultiClass, {"low", "high"}, {}, {}, {}}; }

TestPredictions two_heads() {
  const Tensor tag_logits = Tensor::from({3, 2}, {0.0f, -1.0f, 2.0f, -1.2f, -0.3f, 0.1f});
  const Tensor tag_truth = Tensor::from({3, 2}, {1, 0, 1, 1, 0, 0});
  const Tensor rating_logits = Tensor::from({3, 2}, {0.3f, -0.2f, -1.0f, 1.5f, 0.0f, 0.25f});
  const Tensor rating_truth = Tensor::from({3}, {0, 1, 0});
  return {3,
          {head_predictions(tags_head(), tag_logits, tag_truth),
           head_predictions(rating_head(), rating_logits, rating_truth)}};
}

TEST(TestPredictions, DecisionsUseEachLabelsThresholdAndTheArgmax) {
  const TestPredictions p = two_heads();
  // sigmoid: 0.5 >= 0.5; 0.269 >= 0.25; 0.881; 0.231 < 0.25; 0.426 < 0.5; 0.525 >= 0.25.
  EXPECT_EQ(p.heads[0].decisions.to_vector(), (std::vector<float>{1, 1, 1, 0, 0, 1}));
  EXPECT_EQ(p.heads[1].decisions.to_vector(), (std::vector<float>{0, 1, 1}));
  EXPECT_FLOAT_EQ(p.heads[0].probabilities.to_vector()[2], 1.0f / (1.0f + std::exp(-2.0f)));
}

TEST(TestPredictions, CsvHasPredictsColumnsAndTheTruth) {
  const std::string text = test_predictions_csv(two_heads());
  const std::string header = text.substr(0, text.find('\n'));
  EXPECT_EQ(header,
            "row,tags.a,\"tags.b, c\",tags.a.pred,\"tags.b, c.pred\",tags.a.true,"
            "\"tags.b, c.true\",rating.low,rating.high,rating.pred,rating.true");
  EXPECT_NE(text.find("\n0,0.5,"), std::string::npos) << text;
  EXPECT_NE(text.find(",1,1,1,0,"), std::string::npos) << text;   // row 0: decisions, truth
  EXPECT_NE(text.find(",low,low\n"), std::string::npos) << text;  // row 0 of rating
  EXPECT_NE(text.find(",high,high\n"), std::string::npos) << text;
}

TEST(TestPredictions, ReadsBackTheSameValues) {
  const auto path = fulcrum::testing::test_dir("predictions") / "test_predictions.csv";
  const TestPredictions written = two_heads();
  write_test_predictions(path, written);
  const TestPredictions read = read_test_predictions(path, {tags_head(), rating_head()});
  ASSERT_EQ(read.rows, 3);
  ASSERT_EQ(read.heads.size(), 2u);
  for (size_t h = 0; h < 2; ++h) {
    EXPECT_EQ(read.heads[h].probabilities.to_vector(), written.heads[h].probabilities.to_vector());
    EXPECT_EQ(read.heads[h].decisions.to_vector(), written.heads[h].decisions.to_vector());
    EXPECT_EQ(read.heads[h].truth.to_vector(), written.heads[h].truth.to_vector());
    EXPECT_EQ(read.heads[h].decisions.shape(), written.heads[h].decisions.shape());
  }
}

TEST(TestPredictions, DamagedFilesAreErrorsNamingFileLineAndColumn) {
  const auto dir = fulcrum::testing::test_dir("damaged");
  const std::string good = test_predictions_csv(two_heads());
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  const std::vector<HeadCard> heads{tags_head(), rating_head()};
  using fulcrum::testing::expect_error;
  expect_error<data::DataError>(
      [&] { read_test_predictions(write("no_column.csv", "row,tags.a\n0,0.5\n"), heads); },
      {"no_column.csv:1", "no column 'tags.b, c'"});
  std::string bad_number = good;
  bad_number.replace(bad_number.find("\n0,0.5,") + 3, 3, "x.5");
  expect_error<data::DataError>(
      [&] { read_test_predictions(write("bad_number.csv", bad_number), heads); },
      {"bad_number.csv:2", "column 'tags.a' holds 'x.5', not a number"});
  std::string short_row = good;
  short_row.replace(short_row.find(",low,low\n"), 9, ",low\n");
  expect_error<data::DataError>(
      [&] { read_test_predictions(write("short_row.csv", short_row), heads); },
      {"short_row.csv:2", "10 fields, but the header has 11"});
  std::string unknown_class = good;
  unknown_class.replace(unknown_class.find(",low,low\n"), 9, ",low,medium\n");
  expect_error<data::DataError>(
      [&] { read_test_predictions(write("unknown_class.csv", unknown_class), heads); },
      {"unknown_class.csv:2", "'rating.true' holds 'medium', not a class of head 'rating'"});
  expect_error<data::DataError>([&] { read_test_predictions(dir / "missing.csv", heads); },
                                {"cannot open", "missing.csv"});
}

}  // namespace
}  // namespace fulcrum::train
