// to_yaml reads back into an equal RunConfig; to_json has the same content.
#include <yaml-cpp/yaml.h>

#include "config_json.hpp"
#include "config_test_util.hpp"

namespace fulcrum::config {
namespace {

using testing::parse;

RunConfig round_trip(const RunConfig& config) {
  RunConfig again = parse_config(to_yaml(config), "roundtrip");
  again.source_path = config.source_path;
  return again;
}

// A config that uses every form: multiclass and multilabel heads, explicit
// weights, awkward strings and numbers.
const char* const kEverything =
    "name: 'null'\n"
    "seed: 9223372036854775813\n"
    "threads: 3\n"
    "output_dir: 'out dir/with: colon # and hash'\n"
    "data:\n"
    "  source: csv\n"
    "  train: /data/train.csv\n"
    "  header: false\n"
    "  delimiter: ';'\n"
    "  features: [c0, c1]\n"
    "  targets:\n"
    "    tags: {column: c5, separator: ',', classes: [x, 'y', '~']}\n"
    "    stars: {column: c6}\n"
    "    multi: {columns: [c2, c3]}\n"
    "  validation_fraction: 0.1\n"
    "  test_fraction: 0.3333333333333333\n"
    "  standardize: false\n"
    "model:\n"
    "  backbone: {sizes: [128, 64, 32], activation: gelu, dropout: 0.15}\n"
    "  heads:\n"
    "    tags: {outputs: 3, threshold: 0.3, loss: {pos_weight: [0.1, 2.5, 1e-07], "
    "weight: inverse_frequency, reduction: sum}}\n"
    "    stars: {kind: multiclass, outputs: 5, head_weight: 0.25, loss: {weight: [1, 2, 3, 4, 5], "
    "label_smoothing: 0.1, ignore_index: -1}}\n"
    "    multi: {}\n"
    "training:\n"
    "  epochs: 7\n"
    "  batch_size: 3\n"
    "  drop_last: true\n"
    "  optimizer: {name: sgd, lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 5e-4}\n"
    "  schedule: {name: step, step_size: 2, gamma: 0.5, warmup_epochs: 1}\n"
    "  grad_clip: 1.5\n"
    "  early_stopping: {metric: stars.f1_macro, mode: max, patience: 2}\n"
    "  progress: false\n";

TEST(ConfigEmit, EveryFormRoundTrips) {
  const RunConfig config = parse(kEverything);
  EXPECT_EQ(config.name, "null");
  EXPECT_EQ(config.seed, 9223372036854775813ULL);
  const RunConfig again = round_trip(config);
  EXPECT_EQ(again, config) << to_yaml(config);
}

TEST(ConfigEmit, SyntheticConfigsRoundTrip) {
  const RunConfig config = parse(
      "data:\n"
      "  synthetic:\n"
      "    samples: 123\n"
      "    label_correlation: 0.7\n"
      "    heads:\n"
      "      b: {kind: multiclass, frequencies: [0.1, 0.2, 0.7]}\n"
      "      a: {frequencies: [0.05]}\n"
      "model: {heads: {b: {kind: multiclass}, a: {}}}\n");
  EXPECT_EQ(round_trip(config), config) << to_yaml(config);
}

TEST(ConfigEmit, AHandMadeConfigRoundTrips) {
  RunConfig config;
  HeadConfig head;
  head.name = "labels";
  head.loss.pos_weight.rule = config::WeightRule::NegOverPos;
  config.model.heads.push_back(head);
  config.data.synthetic.heads.push_back({"labels", TaskKind::MultiLabel, {1.0 / 3.0, 0.1}});
  config.training.optimizer.lr = 0.1 + 0.2;  // not a short decimal
  EXPECT_EQ(round_trip(config), config) << to_yaml(config);
}

TEST(ConfigEmit, KindSpecificOptionsAreWrittenOnlyForTheirKind) {
  const YAML::Node heads = YAML::Load(to_yaml(parse(kEverything)))["model"]["heads"];
  const YAML::Node tags = heads["tags"];  // multilabel
  EXPECT_TRUE(tags["threshold"].IsDefined());
  EXPECT_TRUE(tags["loss"]["pos_weight"].IsDefined());
  EXPECT_FALSE(tags["loss"]["label_smoothing"].IsDefined());
  EXPECT_FALSE(tags["loss"]["ignore_index"].IsDefined());
  const YAML::Node stars = heads["stars"];  // multiclass
  EXPECT_FALSE(stars["threshold"].IsDefined());
  EXPECT_FALSE(stars["loss"]["pos_weight"].IsDefined());
  EXPECT_TRUE(stars["loss"]["label_smoothing"].IsDefined());
  EXPECT_TRUE(stars["loss"]["ignore_index"].IsDefined());
}

TEST(ConfigEmit, NumbersAreWrittenInTheirShortestExactForm) {
  const std::string yaml = to_yaml(parse(kEverything));
  EXPECT_CONTAINS(yaml, "lr: 0.1\n");
  EXPECT_CONTAINS(yaml, "sizes: [128, 64, 32]");
  EXPECT_CONTAINS(yaml, "1e-07");
}

TEST(ConfigEmit, JsonHasTheSameValuesWithHeadsAsAnOrderedArray) {
  const RunConfig config = parse(kEverything);
  const nlohmann::json json = to_json(config);
  EXPECT_EQ(json["name"], "null");
  EXPECT_EQ(json["seed"].get<uint64_t>(), config.seed);
  EXPECT_EQ(json["training"]["optimizer"]["lr"].get<double>(), 0.1);
  EXPECT_EQ(json["model"]["backbone"]["sizes"], nlohmann::json({128, 64, 32}));
  const auto& heads = json["model"]["heads"];
  ASSERT_TRUE(heads.is_array());
  ASSERT_EQ(heads.size(), 3U);
  EXPECT_EQ(heads[0]["name"], "tags");
  EXPECT_EQ(heads[1]["name"], "stars");
  EXPECT_EQ(heads[2]["name"], "multi");
  EXPECT_EQ(heads[0]["loss"]["pos_weight"], nlohmann::json({0.1, 2.5, 1e-07}));
  EXPECT_EQ(heads[0]["loss"]["weight"], "inverse_frequency");
  EXPECT_EQ(heads[1]["kind"], "multiclass");
  EXPECT_EQ(json["data"]["targets"]["tags"]["classes"], nlohmann::json({"x", "y", "~"}));
}

TEST(ConfigEmit, JsonSyntheticHeadsAreAnArrayToo) {
  const nlohmann::json json = to_json(parse(testing::kMinimal));
  const auto& heads = json["data"]["synthetic"]["heads"];
  ASSERT_TRUE(heads.is_array());
  ASSERT_EQ(heads.size(), 1U);
  EXPECT_EQ(heads[0]["name"], "labels");
  EXPECT_EQ(heads[0]["frequencies"], nlohmann::json({0.5, 0.1}));
}

}  // namespace
}  // namespace fulcrum::config
