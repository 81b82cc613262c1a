// The ARFF keys of a config (labels_xml, drop, missing): read, checked,
// written back, and given to the reader by load_run_data.
#include <unistd.h>

#include "config_test_util.hpp"
#include "fulcrum/config/run_data.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::config {
namespace {

using testing::config_error;
using testing::parse;
using testing::parse_error;

const std::string kHead = "model: {heads: {labels: {}}}\n";

TEST(ArffConfig, KeysAreReadAndRoundTrip) {
  const RunConfig config = parse_config(
      "data:\n"
      "  source: arff\n"
      "  train: sets/a.arff\n"
      "  labels_xml: sets/a.xml\n"
      "  drop: [note, 'when']\n"
      "  missing: most_frequent\n" +
          kHead,
      "/cfg/run.yaml");
  EXPECT_EQ(config.data.labels_xml, "/cfg/sets/a.xml");  // relative to the config, like train
  EXPECT_EQ(config.data.drop, (std::vector<std::string>{"note", "when"}));
  EXPECT_EQ(config.data.missing, data::MissingPolicy::MostFrequent);
  RunConfig again = parse_config(to_yaml(config), "roundtrip");
  again.source_path = config.source_path;
  EXPECT_EQ(again, config) << to_yaml(config);

  const RunConfig defaults = parse("data: {source: arff, train: a.arff}\n" + kHead);
  EXPECT_EQ(defaults.data.labels_xml, "");
  EXPECT_TRUE(defaults.data.drop.empty());
  EXPECT_EQ(defaults.data.missing, data::MissingPolicy::Error);
  EXPECT_EQ(parse_config(to_yaml(defaults), "roundtrip").data, defaults.data);
}

TEST(ArffConfig, KeysAreCheckedWithFileLineAndKey) {
  const ConfigError typo =
      parse_error("data:\n  source: arff\n  train: a.arff\n  missing: most_frequnt\n" + kHead);
  EXPECT_EQ(typo.line(), 4);
  EXPECT_EQ(typo.key(), "data.missing");
  EXPECT_CONTAINS(typo.what(),
                  "unknown missing-value policy 'most_frequnt'; did you mean 'most_frequent'? "
                  "(valid: error, mean, most_frequent)");

  const ConfigError both =
      parse_error("data:\n  source: arff\n  train: a.arff\n  label_count: 3\n"
                  "  labels_xml: a.xml\n" + kHead);
  EXPECT_EQ(both.key(), "data.labels_xml");
  EXPECT_EQ(both.line(), 5);
  EXPECT_CONTAINS(both.what(), "data.labels_xml: and data.label_count = 3 both say which "
                               "attributes are labels; give one of them");

  const std::string csv = "data: {source: csv, train: a.csv, targets: {labels: {last: 1}}, ";
  EXPECT_CONTAINS(parse_error(csv + "labels_xml: a.xml}\n" + kHead).what(),
                  "data.labels_xml: applies to data.source arff, not csv");
  EXPECT_CONTAINS(parse_error(csv + "drop: [x]}\n" + kHead).what(),
                  "data.drop: applies to data.source arff, not csv");
  EXPECT_CONTAINS(
      parse_error("data: {source: libsvm, train: a.svm, missing: mean}\n" + kHead).what(),
      "data.missing: applies to data.source arff, not libsvm");
  EXPECT_CONTAINS(
      parse_error("data: {source: arff, train: a.arff, drop: [a, '']}\n" + kHead).what(),
      "data.drop[1]: must not be empty");
}

// A directory of hand-made files, removed at the end; config() names the
// run config written into it.
struct Files : fulcrum::testing::TempDir {
  Files() : TempDir("fulcrum_arff_config") {}
  std::string config() const { return (path() / "run.yaml").string(); }
};

// Labels in the middle, named by the XML file; a string attribute dropped;
// a '?' imputed with the training file's mean.
const char* const kTrain =
    "@relation t\n@attribute a numeric\n@attribute L1 {0,1}\n@attribute note string\n"
    "@attribute L2 {0,1}\n@attribute b numeric\n@data\n"
    "1,1,x,0,2\n3,0,y,1,?\n{0 5, 3 1, 4 4}\n";
const char* const kXml =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<labels xmlns=\"http://mulan.sourceforge.net/"
    "labels\">\n<label name=\"L2\"></label>\n<label name=\"L1\"></label>\n</labels>\n";
const std::string kRun =
    "data: {source: arff, train: train.arff, test: train.arff, labels_xml: labels.xml, "
    "drop: [note], missing: mean, validation_fraction: 0, standardize: false}\n" + kHead;

TEST(ArffConfig, LoadRunDataReadsTheLabelsFromTheXmlFile) {
  Files files;
  files.write("train.arff", kTrain);
  files.write("labels.xml", kXml);
  const RunConfig config = parse_config(kRun, files.config());
  EXPECT_NO_THROW(check_files_exist(config));
  const RunData data = load_run_data(config);
  EXPECT_EQ(data.train.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(data.test.features.to_vector(), (std::vector<float>{1, 2, 3, 3, 5, 4}));
  EXPECT_EQ(data.test.targets.at(0).classes, (std::vector<std::string>{"L2", "L1"}));
  EXPECT_EQ(data.test.targets.at(0).values.to_vector(), (std::vector<float>{0, 1, 1, 0, 1, 0}));
}

TEST(ArffConfig, LoadRunDataNamesTheXmlFileAndWhatIsWrong) {
  Files files;
  files.write("train.arff", kTrain);
  const RunConfig config = parse_config(kRun, files.config());
  const ConfigError absent = config_error([&] { check_files_exist(config); });
  EXPECT_EQ(absent.key(), "data.labels_xml");
  EXPECT_CONTAINS(absent.what(), "data.labels_xml: file not found: " + config.data.labels_xml);

  files.write("labels.xml", "<labels>\n<label name=\"L1\"/>\n<label name=\"L9\"/>\n"
                            "<label name=\"L8\"/>\n</labels>\n");
  try {
    load_run_data(config);
    ADD_FAILURE() << "expected a DataError";
  } catch (const data::DataError& e) {
    EXPECT_CONTAINS(e.what(), "train.arff: 2 unknown label attributes 'L9', 'L8' (labels named "
                              "in " + config.data.labels_xml + ")");
  }
  files.write("labels.xml", "<labels>\n<label name=\"L1\">\n</labels>\n");
  try {
    load_run_data(config);
    ADD_FAILURE() << "expected a DataError";
  } catch (const data::DataError& e) {
    EXPECT_CONTAINS(e.what(), config.data.labels_xml + ":3: </labels> closes <label>");
  }
}

}  // namespace
}  // namespace fulcrum::config
