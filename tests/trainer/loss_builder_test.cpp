// Loss weights resolved from the training targets, and the errors for rules
// that do not fit.
#include "fulcrum/config/loss_builder.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "fulcrum/config/config_error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::config {
namespace {

using testing::expect_error;

// 8 rows, 3 labels with 4, 1 and 0 positives.
data::Target labels_target() {
  std::vector<float> values(24, 0.0f);
  for (int r = 0; r < 4; ++r) values[static_cast<size_t>(r * 3)] = 1.0f;
  values[5 * 3 + 1] = 1.0f;
  return {"labels", TaskKind::MultiLabel, Tensor::from({8, 3}, values), {"a", "b", "c"}};
}

HeadConfig head(TaskKind kind = TaskKind::MultiLabel) {
  HeadConfig h;
  h.name = "labels";
  h.kind = kind;
  return h;
}

TEST(LossBuilder, NegOverPosPerLabelWithTheNoPositiveRule) {
  HeadConfig h = head();
  h.loss.pos_weight.rule = config::WeightRule::NegOverPos;
  const nn::HeadLoss loss = build_head_loss(h, labels_target());
  EXPECT_FALSE(loss.weight.defined());
  // 4/4, 7/1, and 1 for the label without positives.
  EXPECT_EQ(weight_values(loss.pos_weight), (std::vector<double>{1.0, 7.0, 1.0}));
  EXPECT_EQ(loss.labels_without_positives, (std::vector<std::string>{"c"}));
}

TEST(LossBuilder, InverseFrequencyAndValues) {
  HeadConfig h = head();
  h.loss.weight.rule = config::WeightRule::InverseFrequency;  // N / (L * positives) = 8 / (3 * p)
  h.loss.pos_weight.rule = config::WeightRule::Values;
  h.loss.pos_weight.values = {1.0, 2.0, 3.0};
  const nn::HeadLoss loss = build_head_loss(h, labels_target());
  const auto w = weight_values(loss.weight);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_NEAR(w[0], 8.0 / 12.0, 1e-6);
  EXPECT_NEAR(w[1], 8.0 / 3.0, 1e-6);
  EXPECT_EQ(w[2], 1.0);
  EXPECT_EQ(weight_values(loss.pos_weight), (std::vector<double>{1.0, 2.0, 3.0}));
}

TEST(LossBuilder, TheLossIsBceWithTheResolvedWeights) {
  HeadConfig h = head();
  h.loss.pos_weight.rule = config::WeightRule::NegOverPos;
  const data::Target target = labels_target();
  const nn::HeadLoss loss = build_head_loss(h, target);
  const Tensor logits = Tensor::from({8, 3}, std::vector<float>(24, 0.3f));
  const float expected =
      nn::binary_cross_entropy_with_logits(
          logits, target.values, {.pos_weight = nn::pos_weight_neg_over_pos(target.values)})
          .item();
  EXPECT_EQ(loss(logits, target.values).item(), expected);
}

TEST(LossBuilder, ValuesOfTheWrongLengthNameTheKeyAndBothLengths) {
  HeadConfig h = head();
  h.loss.pos_weight.rule = config::WeightRule::Values;
  h.loss.pos_weight.values = {1.0, 2.0};
  expect_error<ConfigError>([&] { build_head_loss(h, labels_target()); },
                            {"model.heads.labels.loss.pos_weight", "2 values", "3 labels"});
}

TEST(LossBuilder, MulticlassWeightsAreBalancedAndNegOverPosIsRefused) {
  data::Target classes{
      "labels", TaskKind::MultiClass, Tensor::from({6}, {0, 0, 0, 0, 1, 1}), {"x", "y", "z"}};
  HeadConfig h = head(TaskKind::MultiClass);
  h.loss.weight.rule = config::WeightRule::InverseFrequency;  // N / (K * count) = 6 / (3 * c)
  const nn::HeadLoss loss = build_head_loss(h, classes);
  const auto w = weight_values(loss.weight);
  EXPECT_NEAR(w[0], 0.5, 1e-6);
  EXPECT_NEAR(w[1], 1.0, 1e-6);
  EXPECT_EQ(w[2], 1.0);  // absent class
  EXPECT_EQ(loss.labels_without_positives, (std::vector<std::string>{"z"}));

  h.loss.weight.rule = config::WeightRule::NegOverPos;
  expect_error<ConfigError>([&] { build_head_loss(h, classes); },
                            {"model.heads.labels.loss.weight", "neg_over_pos"});
}

// -- through the trainer: weights come from the training split only --------------

void write_csv(const std::filesystem::path& path, int rows, double positive_rate, uint64_t seed) {
  Generator gen(seed);
  std::ofstream out(path);
  out << "f0,f1,f2,y0,y1\n";
  for (int r = 0; r < rows; ++r) {
    const float f0 = gen.normal();
    const float f1 = gen.normal();
    const float f2 = gen.normal();
    const int y0 = gen.uniform() < positive_rate ? 1 : 0;
    const int y1 = gen.uniform() < 0.5 ? 1 : 0;
    out << f0 << ',' << f1 << ',' << f2 << ',' << y0 << ',' << y1 << '\n';
  }
}

TEST(LossBuilder, TrainerComputesWeightsFromTheTrainingSplitOnly) {
  const auto dir = train::testing::fresh_dir("csv");
  // The test file's first label is far more common than the training file's,
  // so weights computed over all rows would differ clearly.
  write_csv(dir / "train.csv", 300, 0.1, 1);
  write_csv(dir / "test.csv", 300, 0.8, 2);
  RunConfig config = train::testing::tiny_config(dir / "run");
  config.data = DataConfig{};
  config.data.source = data::DataSource::CSV;
  config.data.train = (dir / "train.csv").string();
  config.data.test = (dir / "test.csv").string();
  config.data.targets["labels"].columns = {"y0", "y1"};
  config.data.validation_fraction = 0.3;
  config.model.heads[0].loss.pos_weight.rule = config::WeightRule::NegOverPos;
  config.model.heads[0].loss.weight.rule = config::WeightRule::InverseFrequency;

  const train::Trainer trainer(config);
  const RunData& data = trainer.data();
  ASSERT_GT(data.validation.size(), 0);
  const nn::HeadLoss& loss = trainer.losses()[0];
  const Tensor& train_targets = data.train.targets[0].values;
  EXPECT_EQ(loss.pos_weight.to_vector(), nn::pos_weight_neg_over_pos(train_targets).to_vector());
  EXPECT_EQ(loss.weight.to_vector(), nn::inverse_frequency_weight(train_targets).to_vector());

  const Tensor all_targets =
      concat({train_targets, data.validation.targets[0].values, data.test.targets[0].values}, 0);
  const auto over_all = nn::pos_weight_neg_over_pos(all_targets).to_vector();
  EXPECT_GT(std::abs(loss.pos_weight.to_vector()[0] - over_all[0]), 1.0f);
}

}  // namespace
}  // namespace fulcrum::config
