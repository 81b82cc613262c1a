// The evaluations added to each run: reliability bins, the recalibrated and
// tuned-threshold variants, and their equality between the in-process path
// and the one that rebuilds a finished run from its directory.
#include <gtest/gtest.h>

#include <cmath>

#include "experiment_test_util.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/experiment/variants.hpp"
#include "fulcrum/metrics/calibration.hpp"
#include "fulcrum/metrics/multilabel.hpp"
#include "fulcrum/metrics/thresholds.hpp"
#include "support/errors.hpp"
#include "variants_json.hpp"

namespace fulcrum::experiment {
namespace {

using fulcrum::testing::expect_error;

using testing::fresh_dir;
using testing::write_file;

TEST(ReliabilityBins, AgreeWithTheExpectedCalibrationError) {
  Generator gen(11);
  const Tensor prob = uniform({200, 3}, 0.0f, 1.0f, gen);
  // Outcomes drawn with probability prob^2: miscalibrated, so the ECE is not 0.
  const Tensor draws = uniform({200, 3}, 0.0f, 1.0f, gen);
  Tensor truth = Tensor::empty({200, 3});
  for (int64_t i = 0; i < 600; ++i) {
    const auto k = static_cast<size_t>(i);
    truth.values()[k] = draws.values()[k] < prob.values()[k] * prob.values()[k] ? 1.0f : 0.0f;
  }
  const ReliabilityBins bins = reliability_bins(truth, prob);
  EXPECT_EQ(bins.bins, metrics::kCalibrationBins);
  ASSERT_EQ(bins.count.size(), static_cast<size_t>(metrics::kCalibrationBins));
  double count = 0, positives = 0;
  for (size_t b = 0; b < bins.count.size(); ++b) {
    count += bins.count[b];
    positives += bins.positives[b];
    if (bins.count[b] > 0) {
      const double mean = bins.sum_predicted[b] / bins.count[b];
      EXPECT_GE(mean, static_cast<double>(b) / metrics::kCalibrationBins);
      EXPECT_LT(mean, static_cast<double>(b + 1) / metrics::kCalibrationBins);
    }
  }
  EXPECT_EQ(count, 600);
  double truth_sum = 0;
  for (const float v : truth.values()) truth_sum += v;
  EXPECT_EQ(positives, truth_sum);
  std::vector<double> t(truth.values().begin(), truth.values().end());
  std::vector<double> p(prob.values().begin(), prob.values().end());
  EXPECT_NEAR(bins.ece(), metrics::expected_calibration_error(t, p), 1e-12);
  EXPECT_GT(bins.ece(), 0.05);
}

TEST(ReliabilityBins, EdgesAndPooling) {
  const Tensor prob = Tensor::from({4}, {0.0f, 0.5f, 0.99f, 1.0f});
  const Tensor truth = Tensor::from({4}, {0.0f, 1.0f, 1.0f, 1.0f});
  const ReliabilityBins bins = reliability_bins(truth, prob, 2);
  EXPECT_EQ(bins.count, (std::vector<double>{1, 3}));  // 0.5 starts the upper bin; 1 is in it
  EXPECT_EQ(bins.positives, (std::vector<double>{0, 3}));
  ReliabilityBins pooled = bins;
  pooled.add(bins);
  EXPECT_EQ(pooled.count, (std::vector<double>{2, 6}));
  EXPECT_NEAR(pooled.ece(), bins.ece(), 1e-15);
  expect_error<ValueError>([&] { pooled.add(reliability_bins(truth, prob, 3)); },
                           {"ReliabilityBins::add: 2 bins and 3 bins cannot be pooled"});
  expect_error<ShapeError>(
      [&] {
        reliability_bins(truth, Tensor::from({2}, {0.1f, 0.2f}));
      },
      {"reliability_bins: y_true and y_prob must have the same shape, got [4] and [2]"});
  expect_error<ValueError>(
      [&] {
        reliability_bins(truth, Tensor::from({4}, {0.1f, 0.2f, 1.5f, 0.0f}));
      },
      {"reliability_bins: y_prob[2] is 1.5; probabilities must be finite and in [0, 1]"});
  EXPECT_EQ(ReliabilityBins{}.ece(), 0.0);
}

TEST(ReliabilityBins, PerLabelSplitTheColumnsAndAddUpToTheWhole) {
  const Tensor prob = Tensor::from({3, 2}, {0.1f, 0.9f, 0.6f, 0.2f, 0.95f, 0.4f});
  const Tensor truth = Tensor::from({3, 2}, {0.0f, 1.0f, 1.0f, 0.0f, 1.0f, 1.0f});
  const std::vector<ReliabilityBins> per_label = reliability_bins_per_label(truth, prob, 2);
  ASSERT_EQ(per_label.size(), 2u);
  EXPECT_EQ(per_label[0].count, (std::vector<double>{1, 2}));  // 0.1 | 0.6, 0.95
  EXPECT_EQ(per_label[0].positives, (std::vector<double>{0, 2}));
  EXPECT_EQ(per_label[1].count, (std::vector<double>{2, 1}));  // 0.2, 0.4 | 0.9
  ReliabilityBins pooled = per_label[0];
  pooled.add(per_label[1]);
  const ReliabilityBins whole = reliability_bins(truth, prob, 2);
  EXPECT_EQ(pooled.count, whole.count);
  EXPECT_EQ(pooled.positives, whole.positives);
  expect_error<ShapeError>(
      [] {
        reliability_bins_per_label(Tensor::from({3}, {0, 1, 0}),
                                   Tensor::from({3}, {0.1f, 0.2f, 0.3f}));
      },
      {"reliability_bins_per_label", "must be [N, L] matrices", "Tensor(shape=[3]"});
}

TEST(PrCounts, CountPositivesAndNegativesAtOrAboveEachThreshold) {
  // Label 0: positives at 0.9 and 0.5, a negative at 0.3; label 1 has no
  // positives. Thresholds 0, 0.5, 1.
  const Tensor prob = Tensor::from({3, 2}, {0.9f, 0.1f, 0.5f, 0.7f, 0.3f, 1.0f});
  const Tensor truth = Tensor::from({3, 2}, {1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f});
  const std::vector<PrCounts> counts = pr_counts_per_label(truth, prob, 3);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].positives, 2);
  EXPECT_EQ(counts[0].tp, (std::vector<double>{2, 2, 0}));  // 0.5 >= 0.5 counts
  EXPECT_EQ(counts[0].fp, (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(counts[1].positives, 0);
  EXPECT_EQ(counts[1].fp, (std::vector<double>{3, 2, 1}));  // 1.0 reaches the last threshold
  // Pooled over labels: the micro-average's counts.
  PrCounts micro = counts[0];
  micro.add(counts[1]);
  EXPECT_EQ(micro.fp, (std::vector<double>{4, 2, 1}));
  EXPECT_EQ(micro.positives, 2);
  expect_error<ValueError>([&] { micro.add(pr_counts_per_label(truth, prob, 4)[0]); },
                           {"PrCounts::add", "counts at 3 and at 4 thresholds"});
  expect_error<ValueError>([&] { pr_counts_per_label(truth, prob, 1); },
                           {"pr_counts_per_label", "thresholds is 1; it must be >= 2"});
  expect_error<ValueError>(
      [&] {
        pr_counts_per_label(truth, Tensor::from({3, 2}, {0, 0, 0, 0, 0, 2.0f}));
      },
      {"pr_counts_per_label", "y_prob[2, 1] is 2", "in [0, 1]"});
  // Evaluated on the default grid of 101 thresholds, the counts at 0.5 are
  // those of metrics' decisions at threshold 0.5.
  const std::vector<PrCounts> fine = pr_counts_per_label(truth, prob);
  EXPECT_EQ(fine[0].tp[50], 2);
  EXPECT_EQ(fine[0].fp[50], 0);
}

// The logits of every row of `features` for head 0, in eval mode.
Tensor logits_of(fulcrum::train::Trainer& trainer, const Tensor& features) {
  trainer.model().eval();
  NoGradGuard no_grad;
  return trainer.model().forward_heads(features)[0].second;
}

std::vector<double> doubles(const nlohmann::json& values) {
  std::vector<double> out;
  for (const auto& v : values) out.push_back(v.get<double>());
  return out;
}

TEST(EvaluateVariants, RecalibratedAndTunedThresholdsByHand) {
  const auto dir = fresh_dir();
  write_file(dir / "base.yaml", testing::kTinyBase);
  config::RunConfig config =
      config::load_config(dir / "base.yaml", {"model.heads.labels.loss.pos_weight=neg_over_pos"});
  config.output_dir = (dir / "run").string();
  fulcrum::train::Trainer trainer(config);
  trainer.fit();
  const nlohmann::json variants = evaluate_variants(trainer);
  EXPECT_EQ(variants["split"], "test");
  ASSERT_EQ(variants["variants"].size(), 2u);
  EXPECT_EQ(variants["variants"][0]["name"], kRecalibratedVariant);
  EXPECT_EQ(variants["variants"][1]["name"], kTunedThresholdsVariant);

  const data::Target& test = trainer.data().test.target("labels");
  const Tensor test_logits = logits_of(trainer, trainer.data().test.features);
  const Tensor& pos_weight = trainer.losses()[0].pos_weight;
  ASSERT_TRUE(pos_weight.defined());
  const Tensor calibrated = sigmoid(sub(test_logits, log(pos_weight)));
  const metrics::MultiLabelMetrics expected_recalibrated =
      metrics::multilabel_metrics(test.values, calibrated, 0.5f);
  const nlohmann::json& recalibrated = variants["variants"][0]["heads"]["labels"];
  EXPECT_NEAR(recalibrated["f1_macro"].get<double>(), expected_recalibrated.f1_macro, 1e-6);
  EXPECT_NEAR(recalibrated["hamming_loss"].get<double>(), expected_recalibrated.hamming_loss, 1e-6);

  const data::Target& validation = trainer.data().validation.target("labels");
  const std::vector<float> thresholds = metrics::tune_thresholds(
      validation.values, sigmoid(logits_of(trainer, trainer.data().validation.features)),
      metrics::ThresholdObjective{}, 0.5f);
  const nlohmann::json& tuned = variants["variants"][1]["heads"]["labels"];
  ASSERT_EQ(tuned["per_label"].size(), thresholds.size());
  for (size_t l = 0; l < thresholds.size(); ++l) {
    EXPECT_FLOAT_EQ(tuned["per_label"][l]["threshold"].get<float>(), thresholds[l]);
  }
  const metrics::MultiLabelMetrics expected_tuned =
      metrics::multilabel_metrics(test.values, sigmoid(test_logits), thresholds);
  EXPECT_NEAR(tuned["f1_macro"].get<double>(), expected_tuned.f1_macro, 1e-6);

  ASSERT_EQ(variants["reliability"].size(), 2u);
  EXPECT_EQ(variants["reliability"][0]["variant"], "raw");
  EXPECT_EQ(variants["reliability"][1]["variant"], kRecalibratedVariant);
  const ReliabilityBins recalibrated_bins = reliability_bins(test.values, calibrated);
  EXPECT_EQ(doubles(variants["reliability"][1]["count"]), recalibrated_bins.count);

  // Rebuilding the run from its directory (process mode) gives the same JSON.
  EXPECT_EQ(evaluate_run_variants(dir / "run").dump(), variants.dump());
}

TEST(EvaluateVariants, NothingToRecalibrateWithoutWeights) {
  const auto dir = fresh_dir();
  write_file(dir / "base.yaml", testing::kTinyBase);
  config::RunConfig config = config::load_config(dir / "base.yaml", {"data.validation_fraction=0"});
  config.output_dir = (dir / "run").string();
  fulcrum::train::Trainer trainer(config);
  trainer.fit();
  const nlohmann::json variants = evaluate_variants(trainer);
  // No pos_weight: no recalibrated variant; no validation split: no tuning.
  EXPECT_TRUE(variants["variants"].empty());
  ASSERT_EQ(variants["reliability"].size(), 1u);
  EXPECT_EQ(variants["reliability"][0]["variant"], "raw");
}

}  // namespace
}  // namespace fulcrum::experiment
