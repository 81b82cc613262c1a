// ${NAME} and ${NAME:-default} in string values.
#include "config_test_util.hpp"

namespace fulcrum::config {
namespace {

using testing::kMinimal;
using testing::parse;
using testing::parse_error;
using testing::ScopedEnv;

TEST(ConfigEnv, AVariableIsExpanded) {
  ScopedEnv env("FULCRUM_TEST_RUN", "alpha");
  EXPECT_EQ(parse(kMinimal + "name: run-${FULCRUM_TEST_RUN}-1\n").name, "run-alpha-1");
}

TEST(ConfigEnv, TheDefaultIsUsedWhenTheVariableIsUnsetOrEmpty) {
  const std::string yaml = kMinimal + "output_dir: ${FULCRUM_TEST_OUT:-runs/fallback}/x\n";
  {
    ScopedEnv env("FULCRUM_TEST_OUT", std::nullopt);
    EXPECT_EQ(parse(yaml).output_dir, "runs/fallback/x");
  }
  {
    ScopedEnv env("FULCRUM_TEST_OUT", "");
    EXPECT_EQ(parse(yaml).output_dir, "runs/fallback/x");
  }
  {
    ScopedEnv env("FULCRUM_TEST_OUT", "/scratch");
    EXPECT_EQ(parse(yaml).output_dir, "/scratch/x");
  }
}

TEST(ConfigEnv, ExpandedPathsAreResolvedLikeWrittenOnes) {
  const std::string yaml =
      "data: {source: csv, train: '${FULCRUM_TEST_DIR:-data}/t.csv', targets: {l: {last: 1}}}\n"
      "model: {heads: {l: {}}}\n";
  {
    ScopedEnv env("FULCRUM_TEST_DIR", std::nullopt);
    EXPECT_EQ(parse_config(yaml, "/cfg/exp.yaml").data.train, "/cfg/data/t.csv");
  }
  {
    ScopedEnv env("FULCRUM_TEST_DIR", "/abs");
    EXPECT_EQ(parse_config(yaml, "/cfg/exp.yaml").data.train, "/abs/t.csv");
  }
}

TEST(ConfigEnv, AnUnsetVariableWithoutDefaultIsAnErrorNamingKeyAndVariable) {
  ScopedEnv env("FULCRUM_TEST_UNSET", std::nullopt);
  const ConfigError error = parse_error(kMinimal + "name: ${FULCRUM_TEST_UNSET}\n");
  EXPECT_CONTAINS(error.what(), "test.yaml:8:7: name: environment variable FULCRUM_TEST_UNSET "
                                "is not set");
  EXPECT_CONTAINS(error.what(), "${FULCRUM_TEST_UNSET:-default}");
}

TEST(ConfigEnv, MalformedReferencesAreErrors) {
  EXPECT_CONTAINS(parse_error(kMinimal + "name: a${B\n").what(), "name: unclosed '${' in 'a${B'");
  EXPECT_CONTAINS(parse_error(kMinimal + "name: ${1X}\n").what(),
                  "name: '${1X}' in '${1X}': expected ${NAME} or ${NAME:-default}");
}

TEST(ConfigEnv, ADollarWithoutBraceIsKept) {
  EXPECT_EQ(parse(kMinimal + "name: cost$5\n").name, "cost$5");
}

TEST(ConfigEnv, OverrideValuesAreExpandedToo) {
  ScopedEnv env("FULCRUM_TEST_OPT", "sgd");
  EXPECT_EQ(
      parse(kMinimal, {"training.optimizer.name=${FULCRUM_TEST_OPT}"}).training.optimizer.name,
      optim::OptimizerKind::SGD);
}

}  // namespace
}  // namespace fulcrum::config
