// Recalibration of a pos_weight model: on synthetic data whose label
// probabilities are known to be sigmoid(linear(x)) (data/synthetic.hpp), a
// linear model trained with plain BCE is calibrated; trained with
// pos_weight = neg/pos its logits are shifted up by log(pos_weight), so its raw
// probabilities are far too high, and sigmoid(z - log(pos_weight)) brings them
// back to the unweighted model's calibration.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "fulcrum/train/trainer.hpp"
#include "json_outputs.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::fresh_dir;

// A well-specified problem: linear model, linear logits; 8000 rows, 3000 of
// them in the test split (4 labels: 12000 probabilities for the ECE).
config::RunConfig calibration_config(const std::filesystem::path& dir, bool pos_weight) {
  config::RunConfig config = testing::tiny_config(dir);
  config.data.synthetic.samples = 8000;
  config.data.synthetic.features = 6;
  config.data.synthetic.heads = {{"labels", TaskKind::MultiLabel, {0.3, 0.15, 0.08, 0.05}}};
  config.data.validation_fraction = 0.1;
  config.data.test_fraction = 0.375;
  config.model.backbone.sizes = {};
  if (pos_weight) config.model.heads[0].loss.pos_weight.rule = config::WeightRule::NegOverPos;
  config.training.epochs = 12;
  config.training.batch_size = 64;
  config.training.optimizer.lr = 0.02;
  return config;
}

struct Calibration {
  double raw = 0;           ///< ECE of sigmoid(z)
  double recalibrated = 0;  ///< ECE of sigmoid(z - log(pos_weight)); raw without pos_weight
};

Calibration test_calibration(const std::filesystem::path& dir, bool pos_weight) {
  Trainer trainer(calibration_config(dir, pos_weight));
  const TrainResult result = trainer.fit();
  EXPECT_TRUE(result.test.has_value());
  const EvaluationResult& test = *result.test;
  Calibration out;
  out.raw = test.heads.at(0).multilabel->expected_calibration_error;
  EXPECT_EQ(test.recalibrated.size(), pos_weight ? 1U : 0U);
  out.recalibrated = pos_weight ? test.recalibrated.at(0).multilabel->expected_calibration_error
                                : out.raw;
  // The same number under its flat name (test_metrics / summary.json).
  if (pos_weight) {
    EXPECT_EQ(test.metric("labels.recalibrated.expected_calibration_error"), out.recalibrated);
    EXPECT_TRUE(flat_json(test).contains("labels.recalibrated.f1_macro"));
    EXPECT_TRUE(to_json(test).contains("recalibrated"));
  }
  return out;
}

TEST(Calibration, RecalibratedPosWeightModelIsAsCalibratedAsTheUnweightedOne) {
  const Calibration plain = test_calibration(fresh_dir("plain"), false);
  const Calibration weighted = test_calibration(fresh_dir("weighted"), true);
  ::testing::Test::RecordProperty("ece_unweighted", std::to_string(plain.raw));
  ::testing::Test::RecordProperty("ece_pos_weight_raw", std::to_string(weighted.raw));
  ::testing::Test::RecordProperty("ece_pos_weight_recalibrated",
                                  std::to_string(weighted.recalibrated));
  // The unweighted linear model is calibrated up to sampling noise (15 bins,
  // 12000 probabilities: a few thousandths to ~0.02).
  EXPECT_LT(plain.raw, 0.03);
  // pos_weight 2.3 to 19 multiplies the odds by as much: the raw probabilities
  // are off by ~0.1 and more on average.
  EXPECT_GT(weighted.raw, 0.08);
  EXPECT_GT(weighted.raw, 4 * plain.raw);
  // Recalibrated: within 0.02 of the unweighted model. The two models see the
  // same data but their estimates differ (pos_weight gives the rare labels'
  // positives more say, i.e. a noisier fit), so they cannot be equal; 0.02 is
  // the size of the sampling noise above and a fifth of the raw error.
  EXPECT_LT(std::abs(weighted.recalibrated - plain.raw), 0.02)
      << "plain " << plain.raw << ", weighted raw " << weighted.raw << ", recalibrated "
      << weighted.recalibrated;
}

}  // namespace
}  // namespace fulcrum::train
