// What a config gets when it leaves keys out, and the accepted forms.
#include "config_test_util.hpp"

namespace fulcrum::config {
namespace {

using testing::kMinimal;
using testing::parse;

TEST(ConfigDefaults, AMinimalConfigGetsTheDocumentedDefaults) {
  const RunConfig config = parse(kMinimal);
  const RunConfig defaults;
  EXPECT_EQ(config.name, "test") << "the file's stem";
  EXPECT_EQ(config.output_dir, "runs/test");
  EXPECT_EQ(config.seed, defaults.seed);
  EXPECT_EQ(config.threads, defaults.threads);
  EXPECT_EQ(config.training, defaults.training);
  EXPECT_EQ(config.model.backbone, defaults.model.backbone);
  EXPECT_EQ(config.data.source, data::DataSource::Synthetic);
  EXPECT_EQ(config.data.validation_fraction, defaults.data.validation_fraction);
  EXPECT_EQ(config.data.test_fraction, defaults.data.test_fraction);
  EXPECT_EQ(config.data.synthetic.samples, defaults.data.synthetic.samples);
  ASSERT_EQ(config.model.heads.size(), 1U);
  HeadConfig expected;
  expected.name = "labels";
  EXPECT_EQ(config.model.heads[0], expected);
  EXPECT_FALSE(config.training.early_stopping.enabled);
}

TEST(ConfigDefaults, GivenNameSetsTheOutputDirectoryUnlessGiven) {
  EXPECT_EQ(parse(kMinimal + "name: exp1\n").output_dir, "runs/exp1");
  const RunConfig both = parse(kMinimal + "name: exp1\noutput_dir: /tmp/out\n");
  EXPECT_EQ(both.name, "exp1");
  EXPECT_EQ(both.output_dir, "/tmp/out");
}

TEST(ConfigDefaults, NameIsNotTakenFromASourceThatIsNotAYamlFile) {
  EXPECT_EQ(parse_config(kMinimal, "<string>").name, RunConfig{}.name);
}

TEST(ConfigDefaults, AKeyWithoutValueKeepsItsDefault) {
  const RunConfig config = parse(kMinimal + "training:\n  epochs:\n  batch_size: 8\n");
  EXPECT_EQ(config.training.epochs, TrainingConfig{}.epochs);
  EXPECT_EQ(config.training.batch_size, 8);
}

TEST(ConfigDefaults, HeadsKeepTheOrderOfTheFile) {
  const RunConfig config = parse(
      "data:\n"
      "  synthetic:\n"
      "    heads:\n"
      "      zeta: {kind: multilabel, frequencies: [0.5]}\n"
      "      alpha: {kind: multiclass, frequencies: [0.2, 0.8]}\n"
      "      mid: {kind: multilabel, frequencies: [0.3]}\n"
      "model:\n"
      "  heads:\n"
      "    zeta: {}\n"
      "    alpha: {kind: multiclass}\n"
      "    mid:\n");
  ASSERT_EQ(config.model.heads.size(), 3U);
  EXPECT_EQ(config.model.heads[0].name, "zeta");
  EXPECT_EQ(config.model.heads[1].name, "alpha");
  EXPECT_EQ(config.model.heads[1].kind, TaskKind::MultiClass);
  EXPECT_EQ(config.model.heads[2].name, "mid");
  EXPECT_EQ(config.data.synthetic.heads[1].name, "alpha");
}

TEST(ConfigDefaults, AWeightIsARuleNameOrAListOfNumbers) {
  const RunConfig config = parse(
      "data:\n"
      "  synthetic:\n"
      "    heads:\n"
      "      labels: {kind: multilabel, frequencies: [0.5, 0.1]}\n"
      "model:\n"
      "  heads:\n"
      "    labels:\n"
      "      loss: {weight: inverse_frequency, pos_weight: [1, 9.5]}\n");
  const LossConfig& loss = config.model.heads[0].loss;
  EXPECT_EQ(loss.weight.rule, config::WeightRule::InverseFrequency);
  EXPECT_TRUE(loss.weight.values.empty());
  EXPECT_EQ(loss.pos_weight.rule, config::WeightRule::Values);
  EXPECT_EQ(loss.pos_weight.values, (std::vector<double>{1.0, 9.5}));
}

TEST(ConfigDefaults, WritingAnEarlyStoppingSectionTurnsItOn) {
  const RunConfig on = parse(kMinimal + "training:\n  early_stopping: {metric: labels.f1_macro, "
                                        "mode: max}\n");
  EXPECT_TRUE(on.training.early_stopping.enabled);
  EXPECT_EQ(on.training.early_stopping.metric, "labels.f1_macro");
  EXPECT_EQ(on.training.early_stopping.mode, config::MonitorMode::Max);
  const RunConfig off = parse(kMinimal + "training:\n  early_stopping: {enabled: false}\n");
  EXPECT_FALSE(off.training.early_stopping.enabled);
}

TEST(ConfigDefaults, BooleansAndNumbersAcceptTheUsualSpellings) {
  const RunConfig config = parse(
      "data:\n"
      "  standardize: no\n"
      "  synthetic: {heads: {labels: {frequencies: [0.5]}}}\n"
      "model: {heads: {labels: {}}}\n"
      "training: {drop_last: yes, grad_clip: 1e0, optimizer: {lr: 1.5e-3, eps: +1e-7}}\n"
      "seed: 18446744073709551615\n");
  EXPECT_FALSE(config.data.standardize);
  EXPECT_TRUE(config.training.drop_last);
  EXPECT_EQ(config.training.grad_clip, 1.0);
  EXPECT_EQ(config.training.optimizer.lr, 1.5e-3);
  EXPECT_EQ(config.training.optimizer.eps, 1e-7);
  EXPECT_EQ(config.seed, UINT64_MAX);
}

const char* const kCsv =
    "data:\n"
    "  source: csv\n"
    "  train: data/train.csv\n"
    "  test: /abs/test.csv\n"
    "  targets:\n"
    "    labels: {columns: [a, b]}\n"
    "    genre: {column: genre, classes: [drama, comedy]}\n"
    "model:\n"
    "  heads:\n"
    "    labels: {}\n"
    "    genre: {kind: multiclass}\n";

TEST(ConfigDefaults, RelativeDataPathsAreRelativeToTheConfigFile) {
  const RunConfig config = parse_config(kCsv, "/some/where/exp.yaml");
  EXPECT_EQ(config.data.train, "/some/where/data/train.csv");
  EXPECT_EQ(config.data.test, "/abs/test.csv");
  const RunConfig relative = parse_config(kCsv, "sub/exp.yaml");
  EXPECT_EQ(relative.data.train,
            (std::filesystem::current_path() / "sub/data/train.csv").lexically_normal().string());
}

TEST(ConfigDefaults, CsvTargetsAreReadPerHead) {
  const RunConfig config = parse(kCsv);
  ASSERT_EQ(config.data.targets.size(), 2U);
  EXPECT_EQ(config.data.targets.at("labels").columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(config.data.targets.at("genre").column, "genre");
  EXPECT_EQ(config.data.targets.at("genre").classes,
            (std::vector<std::string>{"drama", "comedy"}));
}

TEST(ConfigDefaults, AHandMadeConfigIsValidatedWithTheSameRules) {
  RunConfig config;
  HeadConfig head;
  head.name = "labels";
  config.model.heads.push_back(head);
  config.data.synthetic.heads.push_back({"labels", TaskKind::MultiLabel, {0.4, 0.1}});
  EXPECT_NO_THROW(validate_config(config));
  config.model.backbone.dropout = 1.0;
  const ConfigError error = testing::config_error([&] { validate_config(config); });
  EXPECT_STREQ(error.what(), "model.backbone.dropout: must be in [0, 1), got 1");
  EXPECT_EQ(error.line(), 0);
  EXPECT_EQ(error.key(), "model.backbone.dropout");
}

}  // namespace
}  // namespace fulcrum::config
