// data.limits: the readers' bounds as config keys, checked like any other
// key and handed to the reader by load_run_data.

#include <fstream>

#include "config_test_util.hpp"
#include "fulcrum/config/run_data.hpp"
#include "fulcrum/data/dataset.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::config {
namespace {

using testing::kMinimal;
using testing::parse;
using testing::parse_error;

TEST(ReaderLimitsConfig, DefaultsAreTheReadersOwn) {
  const ReaderLimitsConfig limits = parse(kMinimal).data.limits;
  EXPECT_EQ(limits.max_elements, data::ArffOptions{}.max_elements);
  EXPECT_EQ(limits.max_elements, data::LibsvmOptions{}.max_elements);
  EXPECT_EQ(limits.max_line_bytes, data::CsvOptions{}.max_line_bytes);
  EXPECT_EQ(limits.max_fields, data::CsvOptions{}.max_fields);
}

TEST(ReaderLimitsConfig, EachLimitIsReadAndMustBePositive) {
  const RunConfig config =
      parse(kMinimal, {"data.limits.max_elements=10", "data.limits.max_line_bytes=20",
                       "data.limits.max_fields=30"});
  EXPECT_EQ(config.data.limits, (ReaderLimitsConfig{10, 20, 30}));
  for (const char* key :
       {"data.limits.max_elements", "data.limits.max_line_bytes", "data.limits.max_fields"}) {
    const ConfigError error = parse_error(kMinimal, {std::string(key) + "=0"});
    EXPECT_EQ(error.key(), key);
    EXPECT_CONTAINS(error.what(), "must be >= 1, got 0");
  }
  EXPECT_CONTAINS(parse_error(kMinimal, {"data.limits.max_field=3"}).what(), "max_fields");
}

TEST(ReaderLimitsConfig, LoadRunDataGivesThemToTheReader) {
  const fulcrum::testing::TempDir dir;
  std::ofstream(dir / "rows.csv") << "a,b,c,y\n1,2,3,1\n4,5,6,0\n";
  const std::string yaml =
      "data: {source: csv, train: rows.csv, validation_fraction: 0, test_fraction: 0.5,\n"
      "       targets: {labels: {last: 1}}, limits: {max_fields: 3}}\n"
      "model: {heads: {labels: {}}}\n";
  const RunConfig config = parse_config(yaml, (dir / "run.yaml").string());
  fulcrum::testing::expect_error<data::DataError>(
      [&] { load_run_data(config); }, {"rows.csv:1", "more than 3 fields (max_fields)"});
  const RunConfig roomy =
      parse_config(yaml, (dir / "run.yaml").string(), {"data.limits.max_fields=4"});
  EXPECT_EQ(load_run_data(roomy).train.num_features(), 3);
}

}  // namespace
}  // namespace fulcrum::config
