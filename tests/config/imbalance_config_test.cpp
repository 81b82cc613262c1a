// The imbalance settings of a config: loss kinds and their
// parameters, the new weight rules, data.sampling and
// evaluation.threshold_tuning: defaults, errors naming the key and the valid
// names, and the to_yaml round trip.
#include "config_test_util.hpp"

namespace fulcrum::config {
namespace {

using testing::kMinimal;
using testing::parse;
using testing::parse_error;

// kMinimal's head with a loss section.
std::string with_loss(const std::string& loss) {
  return "data:\n"
         "  synthetic:\n"
         "    heads:\n"
         "      labels: {kind: multilabel, frequencies: [0.5, 0.1]}\n"
         "      rating: {kind: multiclass, frequencies: [0.7, 0.3]}\n"
         "model:\n"
         "  heads:\n"
         "    labels: {kind: multilabel, loss: " +
         loss +
         "}\n"
         "    rating: {kind: multiclass}\n";
}

TEST(ImbalanceConfig, Defaults) {
  const RunConfig config = parse(kMinimal);
  const LossConfig& loss = config.model.heads[0].loss;
  EXPECT_EQ(loss.kind, std::nullopt);  // the head kind's default: bce
  EXPECT_EQ(loss.focal_alpha, 0.25);
  EXPECT_EQ(loss.focal_gamma, 2.0);
  EXPECT_EQ(loss.gamma_pos, 0.0);
  EXPECT_EQ(loss.gamma_neg, 4.0);
  EXPECT_EQ(loss.clip, 0.05);
  EXPECT_EQ(loss.tau, 1.0);
  EXPECT_EQ(loss.effective_number_beta, 0.999);
  EXPECT_EQ(config.data.sampling, data::Sampling::None);
  EXPECT_EQ(config.data.ml_ros_percentage, 25.0);
  EXPECT_EQ(config.evaluation.threshold_tuning, std::nullopt);
}

TEST(ImbalanceConfig, EverySettingRoundTrips) {
  const RunConfig focal = parse(with_loss("{kind: focal, focal_alpha: 0.5, focal_gamma: 1.5}") +
                                "evaluation: {threshold_tuning: \"precision>=0.8\"}\n");
  EXPECT_EQ(focal.model.heads[0].loss.focal_alpha, 0.5);
  EXPECT_EQ(parse(to_yaml(focal)), focal);

  const RunConfig asl = parse(with_loss("{kind: asymmetric, gamma_pos: 1, gamma_neg: 3, clip: 0.1}"),
                              {"data.sampling=ml_ros", "data.ml_ros_percentage=10"});
  EXPECT_EQ(asl.model.heads[0].loss.kind, nn::LossKind::Asymmetric);
  EXPECT_EQ(asl.data.sampling, data::Sampling::MLROS);
  EXPECT_EQ(parse(to_yaml(asl)), asl);

  RunConfig weighted = parse(with_loss("{weight: effective_number, effective_number_beta: 0.99}"),
                             {"model.heads.rating.loss.kind=logit_adjusted",
                              "model.heads.rating.loss.tau=0.5",
                              "model.heads.rating.loss.weight=sqrt_inverse_frequency",
                              "data.sampling=class_aware", "evaluation.threshold_tuning=f1"});
  EXPECT_EQ(weighted.model.heads[1].loss.tau, 0.5);
  EXPECT_EQ(weighted.evaluation.threshold_tuning, metrics::ThresholdObjective{});
  EXPECT_EQ(parse(to_yaml(weighted)), weighted);
}

TEST(ImbalanceConfig, LossKindErrorsListTheValidKinds) {
  const ConfigError unknown = parse_error(with_loss("{kind: focall}"));
  EXPECT_EQ(unknown.key(), "model.heads.labels.loss.kind");
  EXPECT_CONTAINS(unknown.what(), "valid: bce, focal, asymmetric");
  const ConfigError wrong_head = parse_error(
      with_loss("{}"), {"model.heads.rating.loss.kind=focal"});
  EXPECT_EQ(wrong_head.key(), "model.heads.rating.loss.kind");
  EXPECT_CONTAINS(wrong_head.what(), "valid: cross_entropy, logit_adjusted");
}

TEST(ImbalanceConfig, SettingsOfAnotherKindAreRefused) {
  const ConfigError pos_weight = parse_error(with_loss("{kind: focal, pos_weight: neg_over_pos}"));
  EXPECT_EQ(pos_weight.key(), "model.heads.labels.loss.pos_weight");
  EXPECT_CONTAINS(pos_weight.what(), "bce only");
  EXPECT_EQ(parse_error(with_loss("{gamma_neg: 2}")).key(), "model.heads.labels.loss.gamma_neg");
  EXPECT_EQ(parse_error(with_loss("{kind: asymmetric, focal_gamma: 1}")).key(),
            "model.heads.labels.loss.focal_gamma");
  EXPECT_EQ(parse_error(with_loss("{effective_number_beta: 0.9}")).key(),
            "model.heads.labels.loss.effective_number_beta");
  EXPECT_EQ(parse_error(with_loss("{pos_weight: effective_number}")).key(),
            "model.heads.labels.loss.pos_weight");
  EXPECT_EQ(parse_error(with_loss("{weight: effective_number, effective_number_beta: 1}")).key(),
            "model.heads.labels.loss.effective_number_beta");
}

TEST(ImbalanceConfig, SamplingAndThresholdTuningErrors) {
  const ConfigError sampling = parse_error(kMinimal, {"data.sampling=smote"});
  EXPECT_EQ(sampling.key(), "data.sampling");
  EXPECT_CONTAINS(sampling.what(), "valid: none, class_aware, ml_ros");
  EXPECT_EQ(parse_error(kMinimal, {"data.ml_ros_percentage=10"}).key(), "data.ml_ros_percentage");
  const ConfigError objective = parse_error(kMinimal, {"evaluation.threshold_tuning=accuracy"});
  EXPECT_EQ(objective.key(), "evaluation.threshold_tuning");
  const ConfigError no_validation =
      parse_error(kMinimal, {"evaluation.threshold_tuning=f1", "data.validation_fraction=0"});
  EXPECT_EQ(no_validation.key(), "evaluation.threshold_tuning");
  EXPECT_CONTAINS(no_validation.what(), "validation");
}

}  // namespace
}  // namespace fulcrum::config
