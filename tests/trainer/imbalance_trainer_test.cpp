// The imbalance strategies wired into the trainer: the loss kinds and weight rules
// of the loss builder, data.sampling, thresholds tuned on the validation split
// (stored in best.safetensors, used by the test evaluation and predict), and
// the recalibrated probabilities of predict.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loss_builder.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/losses/asymmetric_loss.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/focal_loss.hpp"
#include "fulcrum/losses/logit_adjustment.hpp"
#include "fulcrum/metrics/thresholds.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::expect_error;
using testing::fresh_dir;

// 8 rows, 3 labels with 4, 1 and 2 positives.
data::Target labels_target() {
  std::vector<float> values(24, 0.0f);
  for (int r = 0; r < 4; ++r) values[static_cast<size_t>(r * 3)] = 1.0f;
  values[5 * 3 + 1] = 1.0f;
  values[6 * 3 + 2] = values[7 * 3 + 2] = 1.0f;
  return {"labels", TaskKind::MultiLabel, Tensor::from({8, 3}, values), {"a", "b", "c"}};
}

// 6 rows of classes 0, 0, 0, 1, 1, 2 (class 3 absent when four classes are named).
data::Target classes_target(int classes = 3) {
  std::vector<std::string> names{"x", "y", "z", "w"};
  names.resize(static_cast<size_t>(classes));
  return {"rating", TaskKind::MultiClass, Tensor::from({6}, {0, 0, 0, 1, 1, 2}), names};
}

config::HeadConfig head(const char* name, TaskKind kind) {
  config::HeadConfig h;
  h.name = name;
  h.kind = kind;
  return h;
}

void expect_same(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.to_vector().size(), b.to_vector().size());
  const auto x = a.to_vector(), y = b.to_vector();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], 1e-6f * (1 + std::abs(y[i])));
}

TEST(ImbalanceLosses, NewWeightRulesAreTheClassWeightsHelpers) {
  config::HeadConfig labels = head("labels", TaskKind::MultiLabel);
  labels.loss.weight.rule = config::WeightRule::SqrtInverseFrequency;
  expect_same(config::build_head_loss(labels, labels_target()).weight,
              nn::sqrt_inverse_frequency_weight(labels_target().values));
  labels.loss.weight.rule = config::WeightRule::EffectiveNumber;
  labels.loss.effective_number_beta = 0.9;
  expect_same(config::build_head_loss(labels, labels_target()).weight,
              nn::effective_number_weight(labels_target().values, 0.9));

  config::HeadConfig rating = head("rating", TaskKind::MultiClass);
  rating.loss.weight.rule = config::WeightRule::EffectiveNumber;
  const std::vector<int64_t> counts{3, 2, 1};
  expect_same(config::build_head_loss(rating, classes_target()).weight,
              nn::effective_number_weight(counts, 0.999));
  rating.loss.weight.rule = config::WeightRule::SqrtInverseFrequency;
  expect_same(config::build_head_loss(rating, classes_target()).weight,
              nn::sqrt_inverse_frequency_weight(counts, 6));
}

TEST(ImbalanceLosses, EachKindComputesItsLoss) {
  Generator gen(3);
  const Tensor logits = normal({8, 3}, 0.0f, 2.0f, gen);
  const data::Target target = labels_target();

  config::HeadConfig focal = head("labels", TaskKind::MultiLabel);
  focal.loss.kind = nn::LossKind::Focal;
  focal.loss.focal_gamma = 1.5;
  nn::SigmoidFocalLossOptions focal_options;
  focal_options.gamma = 1.5f;
  EXPECT_EQ(config::build_head_loss(focal, target)(logits, target.values).item(),
            nn::sigmoid_focal_loss(logits, target.values, focal_options).item());

  config::HeadConfig asl = head("labels", TaskKind::MultiLabel);
  asl.loss.kind = nn::LossKind::Asymmetric;
  nn::AsymmetricLossOptions asl_options;
  asl_options.reduction = nn::Reduction::Mean;  // the config's reduction, not the reference's sum
  EXPECT_EQ(config::build_head_loss(asl, target)(logits, target.values).item(),
            nn::asymmetric_loss(logits, target.values, asl_options).item());

  config::HeadConfig adjusted = head("rating", TaskKind::MultiClass);
  adjusted.loss.kind = nn::LossKind::LogitAdjusted;
  adjusted.loss.tau = 0.5;
  const Tensor class_logits = normal({6, 3}, 0.0f, 1.0f, gen);
  const data::Target classes = classes_target();
  const Tensor priors = nn::class_priors({3, 2, 1});
  EXPECT_EQ(config::build_head_loss(adjusted, classes)(class_logits, classes.values).item(),
            nn::logit_adjusted_cross_entropy(class_logits, classes.values, priors, 0.5f).item());
}

TEST(ImbalanceLosses, LogitAdjustmentNeedsEveryClassAndPosWeightNeedsBce) {
  config::HeadConfig adjusted = head("rating", TaskKind::MultiClass);
  adjusted.loss.kind = nn::LossKind::LogitAdjusted;
  expect_error<config::ConfigError>([&] { config::build_head_loss(adjusted, classes_target(4)); },
                                    {"model.heads.rating.loss.kind", "class 'w'"});
  config::HeadConfig focal = head("labels", TaskKind::MultiLabel);
  focal.loss.kind = nn::LossKind::Focal;
  focal.loss.pos_weight.rule = config::WeightRule::NegOverPos;
  expect_error<config::ConfigError>([&] { config::build_head_loss(focal, labels_target()); },
                                    {"model.heads.labels.loss.pos_weight", "bce only"});
}

// The final weights of a run, to compare runs.
std::vector<float> final_weights(Trainer& trainer) {
  std::vector<float> all;
  for (const Tensor& p : trainer.model().parameters()) {
    const auto v = p.to_vector();
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

TEST(ImbalanceSampling, ResampledRunsAreDeterministicAndDifferFromUnsampled) {
  std::vector<std::vector<float>> runs;
  for (const data::Sampling sampling : {data::Sampling::None, data::Sampling::ClassAware,
                                        data::Sampling::MLROS, data::Sampling::MLROS}) {
    config::RunConfig config = testing::tiny_config(
        fresh_dir(std::string(name_of(sampling)) + std::to_string(runs.size())));
    config.training.epochs = 2;
    config.data.sampling = sampling;
    Trainer trainer(config);
    trainer.fit();
    runs.push_back(final_weights(trainer));
  }
  EXPECT_NE(runs[0], runs[1]);
  EXPECT_NE(runs[0], runs[2]);
  EXPECT_NE(runs[1], runs[2]);
  EXPECT_EQ(runs[2], runs[3]);  // same seed, same run
}

TEST(ImbalanceSampling, AResampledRunResumesExactly) {
  config::RunConfig config = testing::tiny_config(fresh_dir("whole"));
  config.training.epochs = 3;
  config.data.sampling = data::Sampling::ClassAware;
  Trainer whole(config);
  whole.fit();

  config.output_dir = fresh_dir("resumed").string();
  config.training.epochs = 1;
  Trainer first(config);
  first.fit();
  config.training.epochs = 3;
  Trainer second(config);
  second.fit(RunPaths{config.output_dir}.last_checkpoint());
  EXPECT_EQ(final_weights(whole), final_weights(second));
}

TEST(ImbalanceThresholds, TunedOnValidationStoredAndUsedByTestAndPredict) {
  const auto dir = fresh_dir("run");
  config::RunConfig config = testing::tiny_config(dir);
  config.evaluation.threshold_tuning = metrics::ThresholdObjective{};
  Trainer trainer(config);
  const TrainResult result = trainer.fit();

  ASSERT_EQ(trainer.label_thresholds().size(), 1U);
  const std::vector<float>& tuned = trainer.label_thresholds()[0];
  ASSERT_EQ(tuned.size(), 4U);
  // What tune_thresholds gives on the best model's validation probabilities.
  const data::Dataset& validation = trainer.data().validation;
  trainer.model().eval();
  std::vector<float> expected;
  {
    NoGradGuard no_grad;
    const auto outputs = trainer.model().forward_heads(validation.features);
    expected = metrics::tune_thresholds(validation.targets[0].values, sigmoid(outputs.at("labels")),
                                        metrics::parse_threshold_objective("f1"), 0.5f);
  }
  EXPECT_EQ(tuned, expected);
  EXPECT_TRUE(std::any_of(tuned.begin(), tuned.end(), [](float t) { return t != 0.5f; }));

  // The test evaluation used them.
  ASSERT_TRUE(result.test.has_value());
  EXPECT_EQ(result.test->heads[0].multilabel->f1_macro,
            trainer.evaluate(data::Split::Test).heads[0].multilabel->f1_macro);
  config::RunConfig untuned = config;
  untuned.evaluation.threshold_tuning.reset();
  untuned.output_dir = fresh_dir("untuned").string();
  Trainer plain(untuned);
  plain.load_checkpoint(RunPaths{dir}.best_checkpoint());  // reads the stored thresholds
  EXPECT_EQ(plain.label_thresholds()[0], tuned);

  // best.safetensors holds them, and predict decides with them.
  const Predictor predictor = Predictor::load(RunPaths{dir}.best_checkpoint());
  const std::vector<double>& stored = predictor.card().heads[0].thresholds;
  EXPECT_EQ(std::vector<float>(stored.begin(), stored.end()), tuned);
  const Tensor raw = trainer.data().test.features;  // standardised; the check below is relative
  const Predictions p = predictor.predict(raw);
  for (int64_t i = 0; i < p.values.size(0); ++i) {
    for (size_t l = 0; l < 4; ++l) {
      const float prob = p.values.data()[i * 8 + static_cast<int64_t>(l)];
      EXPECT_EQ(p.values.data()[i * 8 + 4 + static_cast<int64_t>(l)], prob >= tuned[l] ? 1.0f : 0.0f);
    }
  }
}

TEST(ImbalanceThresholds, TuningWithoutAValidationSplitNamesTheKey) {
  config::RunConfig config = testing::tiny_config(fresh_dir("run"));
  config.evaluation.threshold_tuning = metrics::parse_threshold_objective("recall>=0.6");
  config.data.validation_fraction = 0.0;
  expect_error<config::ConfigError>([&] { Trainer trainer(config); },
                                    {"evaluation.threshold_tuning", "validation"});
}

TEST(ImbalanceRecalibration, PredictReportsRecalibratedProbabilitiesAndRawOnRequest) {
  const auto dir = fresh_dir("run");
  config::RunConfig config = testing::tiny_config(dir);
  config.model.heads[0].loss.pos_weight.rule = config::WeightRule::NegOverPos;
  config.training.epochs = 2;
  Trainer trainer(config);
  const TrainResult result = trainer.fit();
  ASSERT_TRUE(result.test.has_value());
  ASSERT_EQ(result.test->recalibrated.size(), 1U);
  EXPECT_NE(result.test->format_report().find("recalibrated"), std::string::npos);

  const Predictor predictor = Predictor::load(RunPaths{dir}.best_checkpoint());
  Generator gen(5);
  const Tensor raw = normal({10, 8}, 0.0f, 2.0f, gen);
  const Predictions calibrated = predictor.predict(raw, {.logits = true});
  const Predictions uncorrected = predictor.predict(raw, {.logits = true, .raw = true});
  const Tensor pos_weight = trainer.losses()[0].pos_weight;
  for (int64_t i = 0; i < 10; ++i) {
    for (int64_t l = 0; l < 4; ++l) {
      const float z = calibrated.values.data()[i * 12 + 8 + l];
      const float pw = pos_weight.data()[l];
      EXPECT_NEAR(calibrated.values.data()[i * 12 + l],
                  1.0 / (1.0 + std::exp(-(z - std::log(pw)))), 1e-6);
      EXPECT_NEAR(uncorrected.values.data()[i * 12 + l], 1.0 / (1.0 + std::exp(-z)), 1e-6);
      // Decisions are the trained model's either way.
      EXPECT_EQ(calibrated.values.data()[i * 12 + 4 + l], uncorrected.values.data()[i * 12 + 4 + l]);
    }
  }
}

}  // namespace
}  // namespace fulcrum::train
