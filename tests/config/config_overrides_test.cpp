// --set key.path=value: what it changes, and how its errors name it.
#include "config_test_util.hpp"

namespace fulcrum::config {
namespace {

using testing::kMinimal;
using testing::parse;
using testing::parse_error;

TEST(ConfigOverrides, AScalarReplacesTheFilesValue) {
  EXPECT_EQ(parse(kMinimal + "training: {epochs: 3}\n", {"training.epochs=5"}).training.epochs, 5);
}

TEST(ConfigOverrides, AValueIsYamlSoListsWork) {
  const RunConfig config = parse(kMinimal, {"model.backbone.sizes=[64,32]"});
  EXPECT_EQ(config.model.backbone.sizes, (std::vector<int64_t>{64, 32}));
}

TEST(ConfigOverrides, MissingSectionsAreCreated) {
  const RunConfig config =
      parse(kMinimal, {"training.schedule.name=cosine", "training.schedule.warmup_epochs=2"});
  EXPECT_EQ(config.training.schedule.name, optim::ScheduleKind::Cosine);
  EXPECT_EQ(config.training.schedule.warmup_epochs, 2);
}

TEST(ConfigOverrides, KeysInsideAHeadCanBeSet) {
  const RunConfig config =
      parse(kMinimal, {"model.heads.labels.loss.pos_weight=neg_over_pos",
                       "model.heads.labels.loss.weight=[1, 2]"});
  EXPECT_EQ(config.model.heads[0].loss.pos_weight.rule, config::WeightRule::NegOverPos);
  EXPECT_EQ(config.model.heads[0].loss.weight.values, (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(config.model.heads[0].kind, TaskKind::MultiLabel) << "the rest of the head is kept";
}

TEST(ConfigOverrides, TheLastOverrideOfAKeyWins) {
  EXPECT_EQ(parse(kMinimal, {"training.epochs=5", "training.epochs=7"}).training.epochs, 7);
}

TEST(ConfigOverrides, AnEmptyValueRestoresTheDefault) {
  EXPECT_EQ(parse(kMinimal + "training: {epochs: 3}\n", {"training.epochs="}).training.epochs,
            TrainingConfig{}.epochs);
}

TEST(ConfigOverrides, AnUnknownKeyNamesTheOverride) {
  const ConfigError error = parse_error(kMinimal, {"training.epoch=5"});
  EXPECT_STREQ(error.what(),
               "--set training.epoch=5: unknown key 'epoch' in 'training'; did you mean "
               "'epochs'? (valid keys: epochs, batch_size, drop_last, optimizer, schedule, "
               "grad_clip, final_model, checkpoint_interval, early_stopping, progress)");
  EXPECT_EQ(error.override_text(), "training.epoch=5");
  EXPECT_EQ(error.line(), 0);
}

TEST(ConfigOverrides, AnUnknownSectionNamesTheOverride) {
  const ConfigError error = parse_error(kMinimal, {"training.optimzer.lr=0.1"});
  EXPECT_STREQ(error.what(),
               "--set training.optimzer.lr=0.1: unknown key 'optimzer' in 'training'; did you "
               "mean 'optimizer'? (valid keys: epochs, batch_size, drop_last, optimizer, "
               "schedule, grad_clip, final_model, checkpoint_interval, early_stopping, progress)");
}

TEST(ConfigOverrides, ABadTypeNamesTheOverride) {
  const ConfigError error = parse_error(kMinimal, {"training.epochs=abc"});
  EXPECT_STREQ(error.what(), "--set training.epochs=abc: expected an integer, got 'abc'");
  EXPECT_EQ(error.key(), "training.epochs");
}

TEST(ConfigOverrides, AnErrorInsideTheValueNamesTheOverrideAndTheKey) {
  const ConfigError error = parse_error(kMinimal, {"model.backbone.sizes=[64,x]"});
  EXPECT_STREQ(error.what(),
               "--set model.backbone.sizes=[64,x]: model.backbone.sizes[1]: expected an integer, "
               "got 'x'");
}

TEST(ConfigOverrides, ARangeErrorNamesTheOverride) {
  EXPECT_STREQ(parse_error(kMinimal, {"training.epochs=0"}).what(),
               "--set training.epochs=0: must be >= 1, got 0");
}

TEST(ConfigOverrides, ErrorsInTheFileStillNameTheFile) {
  // An override elsewhere does not take the blame for the file's mistake.
  const ConfigError error =
      parse_error(kMinimal + "training:\n  batch_size: 0\n", {"training.epochs=5"});
  EXPECT_STREQ(error.what(), "test.yaml:9:15: training.batch_size: must be >= 1, got 0");
}

TEST(ConfigOverrides, MalformedOverridesAreErrors) {
  EXPECT_STREQ(parse_error(kMinimal, {"training.epochs"}).what(),
               "--set training.epochs: expected key.path=value, e.g. training.epochs=5");
  EXPECT_STREQ(parse_error(kMinimal, {"training..epochs=1"}).what(),
               "--set training..epochs=1: the key path 'training..epochs' has an empty part");
  EXPECT_CONTAINS(parse_error(kMinimal, {"model.backbone.sizes=[1,"}).what(),
                  "--set model.backbone.sizes=[1,: the value is not valid YAML");
  EXPECT_CONTAINS(parse_error(kMinimal, {"data.synthetic.heads.labels.kind.x=1"}).what(),
                  "--set data.synthetic.heads.labels.kind.x=1: 'data.synthetic.heads.labels.kind' "
                  "is 'multilabel', not a section with keys");
}

TEST(ConfigOverrides, RelativePathsFromOverridesAreRelativeToTheWorkingDirectory) {
  const std::string csv =
      "data: {source: csv, train: in_file.csv, targets: {labels: {last: 2}}}\n"
      "model: {heads: {labels: {}}}\n";
  const RunConfig config = parse_config(csv, "/configs/exp.yaml", {"data.test=mine/test.csv"});
  EXPECT_EQ(config.data.train, "/configs/in_file.csv");
  EXPECT_EQ(config.data.test,
            (std::filesystem::current_path() / "mine/test.csv").lexically_normal().string());
}

TEST(ConfigOverrides, WorkOnAnEmptyFile) {
  const RunConfig config =
      parse("", {"data.synthetic.heads.a.frequencies=[0.3]", "model.heads.a.kind=multilabel"});
  ASSERT_EQ(config.model.heads.size(), 1U);
  EXPECT_EQ(config.model.heads[0].name, "a");
}

}  // namespace
}  // namespace fulcrum::config
