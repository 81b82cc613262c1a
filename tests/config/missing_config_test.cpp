// data.missing through load_run_data: the imputation is fitted on the training
// split only (after the validation rows are taken out) and fills all three
// splits; a stored imputation replaces the fit; sparse and dense agree.
#include <cmath>
#include <map>

#include "config_test_util.hpp"
#include "fulcrum/config/run_data.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::config {
namespace {

using fulcrum::testing::expect_error;

const std::string kHead = "model: {heads: {labels: {}}}\n";

// A directory of hand-made files, removed at the end; config() names the
// run config written into it.
struct Files : fulcrum::testing::TempDir {
  Files() : TempDir("fulcrum_missing_config") {}
  std::string config() const { return (path() / "run.yaml").string(); }
};

// a takes powers of two, so that the mean of any other set of its rows (the
// whole file, or the test file's own) differs from the training split's.
// Row 9's a is missing; b is never missing in the training file.
const char* const kTrain =
    "@relation t\n@attribute id numeric\n@attribute a numeric\n@attribute b numeric\n"
    "@attribute y {0,1}\n@data\n"
    "1,1,5,0\n2,2,5,1\n3,4,5,0\n4,8,5,1\n5,16,5,0\n6,32,5,1\n7,64,5,0\n8,128,5,1\n9,?,5,0\n"
    "10,256,5,1\n";
const std::map<float, float> kTrainA = {{1, 1},  {2, 2},  {3, 4},   {4, 8},   {5, 16},
                                        {6, 32}, {7, 64}, {8, 128}, {9, NAN}, {10, 256}};

// The test file's own mean of a would be (1000 + 3000) / 2 = 2000, of b 7.
const char* const kTest =
    "@relation t\n@attribute id numeric\n@attribute a numeric\n@attribute b numeric\n"
    "@attribute y {0,1}\n@data\n"
    "11,1000,?,0\n12,?,7,1\n13,3000,?,0\n";

RunConfig missing_config(const Files& files, const std::string& extra = "") {
  files.write("train.arff", kTrain);
  files.write("test.arff", kTest);
  return parse_config(
      "data: {source: arff, train: train.arff, test: test.arff, label_count: 1, "
      "missing: mean, validation_fraction: 0.3, standardize: false" +
          extra + "}\n" + kHead,
      files.config());
}

TEST(MissingConfig, TheTrainingSplitAloneGivesTheImputedValues) {
  Files files;
  const RunData data = load_run_data(missing_config(files));
  ASSERT_GT(data.validation.size(), 0);
  // The mean of a over the training split's rows (found by their id), not
  // over the validation rows or the test file.
  double sum = 0.0;
  int64_t count = 0;
  const std::vector<float> train = data.train.features.to_vector();
  for (int64_t i = 0; i < data.train.size(); ++i) {
    const float a = kTrainA.at(train[static_cast<size_t>(i) * 3]);
    if (std::isnan(a)) continue;
    sum += a;
    ++count;
  }
  const auto mean_a = static_cast<float>(sum / static_cast<double>(count));
  ASSERT_TRUE(data.imputer.fitted());
  EXPECT_EQ(data.imputer.fill[1], mean_a);
  EXPECT_EQ(data.imputer.fill[2], 5.0f);
  EXPECT_EQ(data.test.features.to_vector(),
            (std::vector<float>{11, 1000, 5, 12, mean_a, 7, 13, 3000, 5}));
  // Row 9, in whichever split it landed, is filled with the same value.
  for (const data::Dataset* split : {&data.train, &data.validation}) {
    const std::vector<float> v = split->features.to_vector();
    for (size_t i = 0; i < v.size(); i += 3) {
      EXPECT_FALSE(std::isnan(v[i + 1]));
      if (v[i] == 9) {
        EXPECT_EQ(v[i + 1], mean_a);
      }
    }
  }
}

TEST(MissingConfig, AStoredImputationIsUsedInsteadOfFitting) {
  Files files;
  const RunConfig config = missing_config(files);
  const RunData data = load_run_data(config, data::Imputer{{0, -1, -2}});
  EXPECT_EQ(data.imputer.fill, (std::vector<float>{0, -1, -2}));
  EXPECT_EQ(data.test.features.to_vector(),
            (std::vector<float>{11, 1000, -2, 12, -1, 7, 13, 3000, -2}));
  expect_error<data::DataError>(
      [&] {
        load_run_data(config, data::Imputer{{0, -1}});
      },
      {"train.arff: 3 features, but the stored imputation has values "
       "for 2"});
  // None stored (a run with data.missing: error): a '?' is an error.
  expect_error<data::DataError>([&] { load_run_data(config, data::Imputer{}); },
                                {"train.arff:15: attribute 'a': missing value '?'"});
}

TEST(MissingConfig, SparseAndDenseFeaturesAreImputedAlike) {
  Files files;
  const RunData dense = load_run_data(missing_config(files, ", sparse: false"));
  files.write("train.arff",
              "@relation t\n@attribute id numeric\n@attribute a numeric\n@attribute b numeric\n"
              "@attribute y {0,1}\n@data\n"
              "{0 1, 1 1, 2 5}\n{0 2, 1 2, 2 5, 3 1}\n{0 3, 1 4, 2 5}\n{0 4, 1 8, 2 5, 3 1}\n"
              "{0 5, 1 16, 2 5}\n{0 6, 1 32, 2 5, 3 1}\n{0 7, 1 64, 2 5}\n"
              "{0 8, 1 128, 2 5, 3 1}\n{0 9, 1 ?, 2 5}\n{0 10, 1 256, 2 5, 3 1}\n");
  files.write("test.arff",
              "@relation t\n@attribute id numeric\n@attribute a numeric\n@attribute b numeric\n"
              "@attribute y {0,1}\n@data\n"
              "{0 11, 1 1000, 2 ?}\n{0 12, 1 ?, 2 7, 3 1}\n{0 13, 1 3000, 2 ?}\n");
  const RunConfig sparse_config = parse_config(
      "data: {source: arff, train: train.arff, test: test.arff, label_count: 1, "
      "missing: mean, validation_fraction: 0.3, standardize: false, sparse: true}\n" +
          kHead,
      files.config());
  const RunData sparse = load_run_data(sparse_config);
  ASSERT_TRUE(sparse.train.is_sparse());
  ASSERT_TRUE(sparse.test.is_sparse());
  EXPECT_EQ(sparse.imputer.fill, dense.imputer.fill);
  EXPECT_EQ(sparse.train.sparse_features->to_dense().to_vector(), dense.train.features.to_vector());
  EXPECT_EQ(sparse.validation.sparse_features->to_dense().to_vector(),
            dense.validation.features.to_vector());
  EXPECT_EQ(sparse.test.sparse_features->to_dense().to_vector(), dense.test.features.to_vector());
}

TEST(MissingConfig, AFeatureWithNoValueInTheTrainingSplitNamesFileAndAttribute) {
  Files files;
  RunConfig config = missing_config(files);
  files.write("train.arff",
              "@relation t\n@attribute id numeric\n@attribute a numeric\n@attribute b numeric\n"
              "@attribute y {0,1}\n@data\n1,?,5,0\n2,?,5,1\n3,?,5,0\n4,?,5,1\n");
  config.data.validation_fraction = 0.0;
  expect_error<data::DataError>(
      [&] { load_run_data(config); },
      {config.data.train + ": attribute 'a': every value in the training split is missing"});
}

}  // namespace
}  // namespace fulcrum::config
