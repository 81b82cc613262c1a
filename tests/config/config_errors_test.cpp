// Every kind of config error, and what its message says: where (file:line:
// column), which key, the nearest valid key, the valid names.
#include <fstream>

#include "config_test_util.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::config {
namespace {

using testing::config_error;
using testing::kMinimal;
using testing::parse_error;

// -- unknown keys ------------------------------------------------------------------

TEST(ConfigErrors, UnknownTopLevelKeyNamesLineAndNearestKey) {
  const ConfigError error = parse_error(kMinimal + "trainng:\n  epochs: 3\n");
  EXPECT_STREQ(error.what(),
               "test.yaml:8:1: unknown key 'trainng' at the top level; did you mean "
               "'training'? (valid keys: name, seed, threads, output_dir, data, model, training, "
               "evaluation, distributed)");
  EXPECT_EQ(error.file(), "test.yaml");
  EXPECT_EQ(error.line(), 8);
  EXPECT_EQ(error.column(), 1);
  EXPECT_EQ(error.key(), "trainng");
}

TEST(ConfigErrors, UnknownNestedKeyNamesItsSection) {
  const ConfigError error = parse_error(kMinimal + "training:\n  optimizer:\n    lrr: 0.1\n");
  EXPECT_CONTAINS(error.what(), "test.yaml:10:5: unknown key 'lrr' in 'training.optimizer'; "
                                "did you mean 'lr'? (valid keys: name, lr, weight_decay,");
  EXPECT_EQ(error.key(), "training.optimizer.lrr");
}

TEST(ConfigErrors, UnknownKeyInsideAHeadIsFound) {
  const ConfigError error = parse_error(
      "data: {synthetic: {heads: {labels: {frequencies: [0.5]}}}}\n"
      "model:\n"
      "  heads:\n"
      "    labels:\n"
      "      loss: {pos_wieght: neg_over_pos}\n");
  EXPECT_CONTAINS(error.what(), "test.yaml:5:14: unknown key 'pos_wieght' in "
                                "'model.heads.labels.loss'; did you mean 'pos_weight'?");
}

TEST(ConfigErrors, APrefixOfAKeyIsSuggested) {
  EXPECT_CONTAINS(parse_error(kMinimal + "training: {epoch: 3}\n").what(),
                  "did you mean 'epochs'?");
}

TEST(ConfigErrors, NoSuggestionForAKeyFarFromAllValidOnes) {
  const ConfigError error = parse_error(kMinimal + "zzz: 1\n");
  EXPECT_CONTAINS(error.what(), "unknown key 'zzz' at the top level (valid keys: ");
  EXPECT_NOT_CONTAINS(error.what(), "did you mean");
}

TEST(ConfigErrors, ADuplicateKeyIsAnError) {
  const ConfigError error = parse_error(
      "data: {synthetic: {heads: {labels: {frequencies: [0.5]}}}}\n"
      "model:\n"
      "  heads:\n"
      "    labels: {}\n"
      "    labels: {kind: multiclass}\n");
  EXPECT_STREQ(error.what(), "test.yaml:5:5: model.heads.labels: duplicate key 'labels'");
}

// -- wrong types -------------------------------------------------------------------

const std::string kBackboneDoc =
    "data: {synthetic: {heads: {labels: {frequencies: [0.5]}}}}\n"
    "model:\n"
    "  heads: {labels: {}}\n"
    "  backbone:\n";

TEST(ConfigErrors, WrongTypeNamesKeyPositionAndValue) {
  const ConfigError error = parse_error(kBackboneDoc + "    dropout: abc\n");
  EXPECT_STREQ(error.what(), "test.yaml:5:14: model.backbone.dropout: expected a number, got 'abc'");
  EXPECT_EQ(error.line(), 5);
  EXPECT_EQ(error.column(), 14);
  EXPECT_EQ(error.key(), "model.backbone.dropout");
}

TEST(ConfigErrors, WrongTypeInAListNamesTheElement) {
  const ConfigError error = parse_error(kBackboneDoc + "    sizes: [64, x]\n");
  EXPECT_STREQ(error.what(),
               "test.yaml:5:17: model.backbone.sizes[1]: expected an integer, got 'x'");
}

struct TypeCase {
  std::string yaml;  // appended to kMinimal
  std::string message;
};

TEST(ConfigErrors, EachTypeIsChecked) {
  const std::vector<TypeCase> cases = {
      {"training: 5\n", "training: expected a mapping of keys, got '5'"},
      {"training: {epochs: 2.5}\n", "training.epochs: expected an integer, got '2.5'"},
      {"training: {drop_last: maybe}\n", "training.drop_last: expected true or false, got 'maybe'"},
      {"training: {optimizer: {betas: 0.9}}\n",
       "training.optimizer.betas: expected a list of numbers, got '0.9'"},
      {"training: {optimizer: {lr: .inf}}\n", "training.optimizer.lr: expected a number, got '.inf'"},
      {"training: {optimizer: {lr: nan}}\n",
       "training.optimizer.lr: expected a finite number, got 'nan'"},
      {"name: [a, b]\n", "name: expected a string, got a list"},
      {"seed: -1\n", "seed: expected a non-negative integer, got '-1'"},
      {"threads: {n: 1}\n", "threads: expected an integer, got a mapping"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    EXPECT_CONTAINS(parse_error(kMinimal + c.yaml).what(), c.message);
  }
}

TEST(ConfigErrors, AWeightIsARuleOrAList) {
  const ConfigError error = parse_error(
      "data: {synthetic: {heads: {labels: {frequencies: [0.5]}}}}\n"
      "model: {heads: {labels: {loss: {weight: {rule: none}}}}}\n");
  EXPECT_CONTAINS(error.what(),
                  "model.heads.labels.loss.weight: expected a rule name (none, neg_over_pos, "
                  "inverse_frequency, sqrt_inverse_frequency, effective_number) or a list of "
                  "numbers, got a mapping");
}

TEST(ConfigErrors, TheTopLevelMustBeAMapping) {
  EXPECT_CONTAINS(parse_error("- a\n- b\n").what(), "test.yaml:1:1: a config is a mapping of keys");
}

// -- values out of range ----------------------------------------------------------

TEST(ConfigErrors, ARangeErrorPointsAtTheValue) {
  const ConfigError error = parse_error(kMinimal + "training:\n  epochs: 0\n");
  EXPECT_STREQ(error.what(), "test.yaml:9:11: training.epochs: must be >= 1, got 0");
}

struct RangeCase {
  std::vector<std::string> overrides;  // applied to kMinimal
  std::string key;
  std::string message;
};

TEST(ConfigErrors, EachRangeIsChecked) {
  const std::vector<RangeCase> cases = {
      {{"training.epochs=0"}, "training.epochs", "must be >= 1, got 0"},
      {{"training.batch_size=0"}, "training.batch_size", "must be >= 1, got 0"},
      {{"threads=-1"}, "threads", "must be >= 0 (0: adapt to the cores no other process keeps busy), got -1"},
      {{"model.backbone.dropout=1"}, "model.backbone.dropout", "must be in [0, 1), got 1"},
      {{"model.backbone.dropout=-0.1"}, "model.backbone.dropout", "must be in [0, 1), got -0.1"},
      {{"model.backbone.sizes=[64,0]"}, "model.backbone.sizes[1]", "must be >= 1, got 0"},
      {{"training.optimizer.lr=0"}, "training.optimizer.lr", "must be > 0, got 0"},
      {{"training.optimizer.lr=-0.5"}, "training.optimizer.lr", "must be > 0, got -0.5"},
      {{"training.optimizer.weight_decay=-1"}, "training.optimizer.weight_decay",
       "must be >= 0, got -1"},
      {{"training.optimizer.betas=[0.9]"}, "training.optimizer.betas", "must be two numbers"},
      {{"training.optimizer.betas=[0.9, 1.0]"}, "training.optimizer.betas[1]",
       "must be in [0, 1), got 1"},
      {{"training.optimizer.momentum=0.9"}, "training.optimizer.momentum", "applies to sgd only"},
      {{"training.optimizer.name=sgd", "training.optimizer.nesterov=true"},
       "training.optimizer.nesterov", "needs momentum > 0"},
      {{"training.grad_clip=-1"}, "training.grad_clip", "must be >= 0, got -1"},
      {{"training.schedule.step_size=0"}, "training.schedule.step_size", "must be >= 1, got 0"},
      {{"training.schedule.min_lr=0.01"}, "training.schedule.min_lr",
       "must be below training.optimizer.lr (0.001), got 0.01"},
      {{"training.early_stopping.patience=0"}, "training.early_stopping.patience",
       "must be >= 1, got 0"},
      {{"data.validation_fraction=1"}, "data.validation_fraction", "must be in [0, 1), got 1"},
      {{"data.test_fraction=-0.1"}, "data.test_fraction", "must be in [0, 1), got -0.1"},
      {{"data.validation_fraction=0.6", "data.test_fraction=0.4"}, "data.test_fraction",
       "validation_fraction + test_fraction must be < 1"},
      {{"data.synthetic.samples=0"}, "data.synthetic.samples", "must be >= 1, got 0"},
      {{"data.synthetic.noise=0"}, "data.synthetic.noise", "must be > 0, got 0"},
      {{"data.synthetic.heads.labels.frequencies=[0.5, 1.2]"},
       "data.synthetic.heads.labels.frequencies[1]", "must be in (0, 1), got 1.2"},
      {{"model.heads.labels.threshold=1"}, "model.heads.labels.threshold",
       "must be in (0, 1), got 1"},
      {{"model.heads.labels.head_weight=-1"}, "model.heads.labels.head_weight",
       "must be >= 0, got -1"},
      {{"model.heads.labels.outputs=3"}, "model.heads.labels.outputs",
       "is 3 but data.synthetic.heads.labels has 2 frequencies"},
      {{"model.heads.labels.loss.pos_weight=[1, 2, 3]"}, "model.heads.labels.loss.pos_weight",
       "has 3 values but the synthetic head has 2 labels"},
      {{"model.heads.labels.loss.pos_weight=[1, -2]"}, "model.heads.labels.loss.pos_weight[1]",
       "must be >= 0, got -2"},
      {{"model.heads.labels.loss.weight=values"}, "model.heads.labels.loss.weight",
       "rule 'values' needs the numbers"},
      {{"model.heads.labels.loss.label_smoothing=0.1"}, "model.heads.labels.loss.label_smoothing",
       "applies to multiclass heads (cross-entropy) only"},
      {{"model.heads.labels.loss.ignore_index=0"}, "model.heads.labels.loss.ignore_index",
       "applies to multiclass heads (cross-entropy) only"},
      {{"data.train=x.csv"}, "data.train", "is set but data.source is synthetic"},
      {{"training.early_stopping.patience=3", "data.validation_fraction=0"},
       "training.early_stopping", "needs a validation split"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.overrides.back());
    const ConfigError error = parse_error(kMinimal, c.overrides);
    EXPECT_EQ(error.key(), c.key);
    EXPECT_CONTAINS(error.what(), c.message);
  }
}

// -- names -------------------------------------------------------------------------

TEST(ConfigErrors, UnknownNamesListTheValidOnesAndSuggestTheNearest) {
  const std::vector<RangeCase> cases = {
      {{"training.optimizer.name=adamx"}, "training.optimizer.name",
       "unknown optimizer 'adamx'; did you mean 'adam'? (valid: adam, adamw, sgd)"},
      {{"training.schedule.name=cosin"}, "training.schedule.name",
       "unknown schedule 'cosin'; did you mean 'cosine'? (valid: constant, step, cosine)"},
      {{"model.backbone.activation=rleu"}, "model.backbone.activation",
       "unknown activation 'rleu'; did you mean 'relu'? (valid: relu, leaky_relu, gelu,"},
      {{"model.heads.labels.kind=multilable"}, "model.heads.labels.kind",
       "unknown head kind 'multilable'; did you mean 'multilabel'? (valid: multilabel, "
       "multiclass)"},
      {{"model.heads.labels.loss.reduction=none"}, "model.heads.labels.loss.reduction",
       "(valid: mean, sum)"},
      {{"model.heads.labels.loss.pos_weight=neg_over_pso"}, "model.heads.labels.loss.pos_weight",
       "unknown weight rule 'neg_over_pso'; did you mean 'neg_over_pos'? (valid: none, "
       "neg_over_pos, inverse_frequency, sqrt_inverse_frequency, effective_number, or a list of "
       "numbers)"},
      {{"training.early_stopping.mode=maximum"}, "training.early_stopping.mode",
       "unknown mode 'maximum'; did you mean 'max'? (valid: min, max)"},
      {{"data.source=cvs"}, "data.source",
       "unknown data source 'cvs'; did you mean 'csv'? (valid: synthetic, csv, arff, libsvm)"},
      {{"training.early_stopping.metric=lables.f1_macro"}, "training.early_stopping.metric",
       "'lables.f1_macro' names no head 'lables'; did you mean 'labels'? (heads: labels)"},
      {{"training.early_stopping.metric=labels.f1_makro"}, "training.early_stopping.metric",
       "unknown metric 'f1_makro' for multilabel head 'labels'; did you mean 'f1_macro'? (valid: "
       "loss, f1_micro, f1_macro,"},
      {{"training.early_stopping.metric=f1_macro"}, "training.early_stopping.metric",
       "'f1_macro' is not a metric: use loss or HEAD.METRIC, e.g. 'labels.f1_macro'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.overrides.back());
    const ConfigError error = parse_error(kMinimal, c.overrides);
    EXPECT_EQ(error.key(), c.key);
    EXPECT_CONTAINS(error.what(), c.message);
  }
}

// -- model size -------------------------------------------------------------------

// A size that would ask for gigabytes of weights is a config error naming the
// key, not a bad_alloc when the model is built: at most kMaxParameters (2^31)
// per layer and in all.
TEST(ConfigErrors, AHiddenSizeOverTheParameterLimitNamesTheKeyAndTheSize) {
  const ConfigError error = parse_error(kBackboneDoc + "    sizes: [64, 100000000000]\n");
  EXPECT_STREQ(error.what(), "test.yaml:5:12: model.backbone.sizes[1]: 100000000000 is more than "
                             "the 2147483648 (2^31) parameters a layer may have");
  EXPECT_EQ(error.key(), "model.backbone.sizes[1]");
}

TEST(ConfigErrors, ASizeInExponentNotationIsNotAnInteger) {
  const ConfigError error = parse_error(kBackboneDoc + "    sizes: [1e11]\n");
  EXPECT_STREQ(error.what(), "test.yaml:5:13: model.backbone.sizes[0]: expected an integer, got "
                             "'1e11'");
}

TEST(ConfigErrors, AHiddenLayerOverTheParameterLimitNamesItsSizes) {
  const ConfigError error = parse_error(kBackboneDoc + "    sizes: [65536, 65536]\n");
  EXPECT_CONTAINS(error.what(), "model.backbone.sizes[1]: hidden layer 1 (65536 -> 65536) would "
                                "have 4295032832 parameters, more than the 2147483648 (2^31) a "
                                "layer may have");
}

TEST(ConfigErrors, AHeadOverTheParameterLimitNamesItsOutputs) {
  const ConfigError error =
      parse_error(kMinimal, {"model.backbone.sizes=[100000]", "model.heads.labels.outputs=30000"});
  EXPECT_EQ(error.key(), "model.heads.labels.outputs");
  EXPECT_CONTAINS(error.what(), "head 'labels' (100000 -> 30000) would have 3000030000 "
                                "parameters, more than the 2147483648 (2^31) a layer may have");
}

TEST(ConfigErrors, LayersOverTheParameterLimitTogetherAreRefused) {
  const ConfigError error = parse_error(kBackboneDoc + "    sizes: [40000, 40000, 40000]\n");
  EXPECT_EQ(error.key(), "model.backbone.sizes");
  EXPECT_CONTAINS(error.what(), "the model would have 3200080000 parameters besides its input "
                                "layer, more than the 2147483648 (2^31) a model may have");
}

// -- heads and their data ---------------------------------------------------------

TEST(ConfigErrors, AtLeastOneHeadIsRequired) {
  const ConfigError error = parse_error("model:\n  backbone: {sizes: [8]}\n");
  EXPECT_CONTAINS(error.what(), "test.yaml:1:1: model.heads: at least one head is required");
}

TEST(ConfigErrors, MulticlassHeadsCannotHavePosWeight) {
  const ConfigError error = parse_error(
      "data: {synthetic: {heads: {stars: {kind: multiclass, frequencies: [0.2, 0.8]}}}}\n"
      "model:\n"
      "  heads:\n"
      "    stars:\n"
      "      kind: multiclass\n"
      "      loss: {pos_weight: neg_over_pos}\n");
  EXPECT_CONTAINS(error.what(), "test.yaml:6:26: model.heads.stars.loss.pos_weight: pos_weight "
                                "applies to multilabel heads (BCE) only");
}

TEST(ConfigErrors, MulticlassClassWeightsCannotBeNegOverPos) {
  const ConfigError error = parse_error(
      "data: {synthetic: {heads: {stars: {kind: multiclass, frequencies: [0.2, 0.8]}}}}\n"
      "model: {heads: {stars: {kind: multiclass, loss: {weight: neg_over_pos}}}}\n");
  EXPECT_EQ(error.key(), "model.heads.stars.loss.weight");
  EXPECT_CONTAINS(error.what(), "neg_over_pos is a per-label rule for multilabel heads");
}

TEST(ConfigErrors, HeadNamesCannotHoldDots) {
  const ConfigError error = parse_error(
      "data: {synthetic: {heads: {a.b: {frequencies: [0.5]}}}}\nmodel: {heads: {a.b: {}}}\n");
  EXPECT_CONTAINS(error.what(), "head name 'a.b' must be made of letters");
}

TEST(ConfigErrors, SyntheticHeadsMustMatchTheModelHeads) {
  const std::string model = "model: {heads: {labels: {}, extra: {}}}\n";
  EXPECT_CONTAINS(
      parse_error("data: {synthetic: {heads: {labels: {frequencies: [0.5]}}}}\n" + model).what(),
      "data.synthetic.heads: has no head 'extra' for model head 'extra'");
  EXPECT_CONTAINS(parse_error("data: {synthetic: {heads: {labels: {frequencies: [0.5]}, "
                              "extr: {frequencies: [0.5]}}}}\nmodel: {heads: {labels: {}}}\n")
                      .what(),
                  "data.synthetic.heads.extr: no head named 'extr' in model.heads (heads: "
                  "labels)");
  EXPECT_CONTAINS(parse_error("data: {synthetic: {heads: {labels: {frequencies: [0.5]}}}}\n"
                              "model: {heads: {labels: {kind: multiclass}}}\n")
                      .what(),
                  "model.heads.labels.kind: is multiclass but data.synthetic.heads.labels.kind "
                  "is multilabel");
  EXPECT_CONTAINS(parse_error("data: {synthetic: {heads: {s: {kind: multiclass, frequencies: "
                              "[0.2, 0.7]}}}}\nmodel: {heads: {s: {kind: multiclass}}}\n")
                      .what(),
                  "data.synthetic.heads.s.frequencies: class priors must sum to 1, got 0.9");
}

const std::string kCsvData =
    "data:\n"
    "  source: csv\n"
    "  train: train.csv\n"
    "  targets:\n";

TEST(ConfigErrors, CsvTargetsMustNameHeads) {
  const ConfigError error = parse_error(kCsvData +
                                        "    lables: {last: 3}\n"
                                        "model: {heads: {labels: {}}}\n");
  EXPECT_STREQ(error.what(),
               "test.yaml:5:5: data.targets.lables: no head named 'lables' in model.heads; did "
               "you mean 'labels'? (heads: labels)");
}

TEST(ConfigErrors, EveryCsvHeadNeedsTargets) {
  const ConfigError error = parse_error(kCsvData +
                                        "    labels: {last: 3}\n"
                                        "model: {heads: {labels: {}, genre: {kind: multiclass}}}\n");
  EXPECT_CONTAINS(error.what(), "data.targets: has no entry for head 'genre'");
}

TEST(ConfigErrors, ACsvTargetGivesExactlyOneColumnSpec) {
  EXPECT_CONTAINS(parse_error(kCsvData +
                              "    labels: {last: 3, column: tags}\n"
                              "model: {heads: {labels: {}}}\n")
                      .what(),
                  "data.targets.labels: give exactly one of `columns`");
  EXPECT_CONTAINS(parse_error(kCsvData +
                              "    labels: {column: tags, separator: '||'}\n"
                              "model: {heads: {labels: {}}}\n")
                      .what(),
                  "data.targets.labels.separator: must be one character, got '||'");
}

TEST(ConfigErrors, AFileSourceNeedsATrainingFile) {
  EXPECT_CONTAINS(
      parse_error("data: {source: csv, targets: {labels: {last: 2}}}\nmodel: {heads: {labels: {}}}\n")
          .what(),
      "data.train: is required when data.source is csv");
}

TEST(ConfigErrors, ArffGivesOneMultilabelHead) {
  EXPECT_CONTAINS(parse_error("data: {source: arff, train: a.arff}\n"
                              "model: {heads: {a: {}, b: {}}}\n")
                      .what(),
                  "model.heads: data.source arff gives one set of labels");
}

// -- files -------------------------------------------------------------------------

TEST(ConfigErrors, AMissingConfigFileIsNamed) {
  const ConfigError error = config_error([] { load_config("/nonexistent/nope.yaml"); });
  EXPECT_STREQ(error.what(), "config file not found: /nonexistent/nope.yaml");
  EXPECT_EQ(error.file(), "/nonexistent/nope.yaml");
}

TEST(ConfigErrors, AYamlSyntaxErrorNamesItsLine) {
  const ConfigError error = parse_error("name: x\ndata: [1, 2\nmodel: {}\n");
  EXPECT_CONTAINS(error.what(), "test.yaml:");
  EXPECT_CONTAINS(error.what(), "YAML syntax error");
  EXPECT_GE(error.line(), 2);
}

TEST(ConfigErrors, TextThatIsNotUtf8NamesItsPosition) {
  // yaml-cpp would keep these bytes in a plain scalar but not in a quoted one,
  // so the config would not read back as to_yaml writes it.
  const ConfigError error = parse_error("name: x\ndata:\n  train: ab\xd1\xd1.csv\n");
  EXPECT_STREQ(error.what(),
               "test.yaml:3:12: the text is not valid UTF-8 (byte 0xD1); a config must be UTF-8");
  EXPECT_EQ(error.line(), 3);
  EXPECT_EQ(error.column(), 12);
}

TEST(ConfigErrors, AnOverrideThatIsNotUtf8IsRefused) {
  const ConfigError error =
      config_error([] { parse_config(kMinimal, "test.yaml", {"name=a\xff"}); });
  EXPECT_CONTAINS(error.what(), "--set name=a\xff: not valid UTF-8 (byte 0xFF at offset 6)");
}

TEST(ConfigErrors, AnEnvironmentVariableThatIsNotUtf8IsRefused) {
  testing::ScopedEnv env("FULCRUM_TEST_NOT_UTF8", "a\xc0\xaf");  // an overlong '/'
  const ConfigError error = parse_error(kMinimal + "output_dir: ${FULCRUM_TEST_NOT_UTF8}/runs\n");
  EXPECT_CONTAINS(error.what(), "environment variable FULCRUM_TEST_NOT_UTF8");
  EXPECT_CONTAINS(error.what(), "is not valid UTF-8");
}

TEST(ConfigErrors, CheckFilesExistNamesTheKeyAndThePath) {
  const fulcrum::testing::TempDir tmp;
  const std::filesystem::path& dir = tmp.path();
  std::ofstream(dir / "train.csv") << "a,b\n1,0\n";
  const std::string yaml =
      "data: {source: csv, train: train.csv, test: missing.csv, targets: {labels: {last: 1}}}\n"
      "model: {heads: {labels: {}}}\n";
  const RunConfig config = parse_config(yaml, (dir / "exp.yaml").string());
  const ConfigError error = config_error([&] { check_files_exist(config); });
  EXPECT_EQ(error.key(), "data.test");
  EXPECT_CONTAINS(error.what(), "data.test: file not found: " + (dir / "missing.csv").string());

  const RunConfig good = parse_config(yaml, (dir / "exp.yaml").string(), {"data.test="});
  EXPECT_NO_THROW(check_files_exist(good));
}

}  // namespace
}  // namespace fulcrum::config
