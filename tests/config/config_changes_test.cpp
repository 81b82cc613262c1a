// config_changes: what `train --resume` reports as changed, setting by
// setting, between the saved config and the one given now; and which
// settings a resumed run may not change.
#include "fulcrum/config/config_changes.hpp"

#include <gtest/gtest.h>

#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loader.hpp"
#include "support/errors.hpp"

namespace fulcrum::config {
namespace {

const char* kBase =
    "seed: 0\n"
    "data:\n  synthetic:\n    samples: 200\n    features: 5\n    heads:\n"
    "      labels: {kind: multilabel, frequencies: [0.5, 0.2]}\n"
    "model:\n  backbone: {sizes: [8]}\n  heads:\n    labels: {kind: multilabel}\n"
    "training:\n  epochs: 3\n";

std::string yaml_with(const std::vector<std::string>& overrides) {
  return to_yaml(parse_config(kBase, "base.yaml", overrides));
}

TEST(ConfigChanges, NamesEachChangedSettingWithItsOldAndNewValue) {
  const auto changes =
      config_changes(yaml_with({}), yaml_with({"training.epochs=30", "training.optimizer.lr=0.01",
                                               "model.backbone.sizes=[16, 4]"}));
  ASSERT_EQ(changes.size(), 3u) << format_changes(changes);
  // In the order of the config as written: model before training.
  EXPECT_EQ(changes[0], (ConfigChange{"model.backbone.sizes", "[8]", "[16, 4]"}));
  EXPECT_EQ(changes[1].key, "training.epochs");
  EXPECT_EQ(changes[1].before, "3");
  EXPECT_EQ(changes[1].after, "30");
  EXPECT_EQ(changes[2].key, "training.optimizer.lr");
  EXPECT_EQ(format_changes({changes[1]}), "  training.epochs: 3 -> 30\n");
}

TEST(ConfigChanges, NothingForTheSameConfig) {
  EXPECT_TRUE(config_changes(yaml_with({}), yaml_with({})).empty());
}

TEST(ConfigChanges, AKeyOnOneSideOnlyIsNotSetOnTheOther) {
  const auto changes = config_changes("a: 1\nb: {c: 2}\n", "a: 1\nd: [1, 2]\n");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0], (ConfigChange{"d", "(not set)", "[1, 2]"}));
  EXPECT_EQ(changes[1], (ConfigChange{"b.c", "2", "(not set)"}));
}

TEST(ConfigChanges, NamesTheSourceOfYamlItCannotRead) {
  testing::expect_error<ConfigError>([] { config_changes("a: [1,\n", "a: 1\n", "ckpt (stored)"); },
                                     {"ckpt (stored)", "not valid YAML"});
}

TEST(ConfigChanges, ArchitectureDataAndOptimizerKindCannotChangeOnResume) {
  for (const char* key :
       {"seed", "model.backbone.sizes", "model.backbone.activation", "model.heads.labels.kind",
        "model.heads.labels.outputs", "model.heads.extra", "data.source", "data.synthetic.features",
        "data.targets.labels.columns", "data.validation_fraction", "training.optimizer.name"}) {
    EXPECT_FALSE(may_change_on_resume(key)) << key;
  }
  for (const char* key : {"training.epochs", "training.optimizer.lr",
                          "training.checkpoint_interval", "threads", "model.backbone.dropout",
                          "model.heads.labels.loss.pos_weight", "model.heads.labels.threshold",
                          "evaluation.threshold_tuning", "data.sampling", "data.sourcery"}) {
    EXPECT_TRUE(may_change_on_resume(key)) << key;
  }
}

}  // namespace
}  // namespace fulcrum::config
