// Imputer: missing values (NaN, as read_arff reads '?') filled with the
// statistics of the rows it was fitted on, numbers and nominal attributes
// (one column or one-hot) alike, in dense and sparse features.

#include "fulcrum/data/imputer.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "data_test_util.hpp"
#include "fulcrum/data/arff.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;
using testing::TempDir;

constexpr const char* kHeader =
    "@relation gaps\n"
    "@attribute a numeric\n"
    "@attribute colour {red,green,blue}\n"
    "@attribute flag {0,1}\n"
    "@attribute y {0,1}\n"
    "@data\n";

// a: 1, 2, 6 and two '?'; colour: green, blue, blue and two '?'; flag: 1, 0,
// and 0 where the sparse rows leave it out, one '?'.
constexpr const char* kRows =
    "1,green,1,1\n"
    "?,?,?,0\n"
    "2,blue,0,1\n"
    "{0 6, 1 blue, 2 0, 3 1}\n"
    "{0 ?, 1 ?}\n";

Dataset read(const TempDir& dir, const std::string& name, const std::string& rows,
             FeatureStorage storage = FeatureStorage::Dense) {
  ArffOptions options;
  options.label_count = 1;
  options.missing = MissingPolicy::Mean;
  options.storage = storage;
  return read_arff(dir.write(name, std::string(kHeader) + rows), options);
}

TEST(Imputer, MeanOfNumbersMostFrequentOfNominalValues) {
  TempDir dir;
  const Dataset ds = read(dir, "gaps.arff", kRows);
  Imputer imputer;
  EXPECT_FALSE(imputer.fitted());
  imputer.fit(ds, MissingPolicy::Mean, "gaps.arff");
  ASSERT_TRUE(imputer.fitted());
  // a: mean of 1, 2, 6 = 3. colour (a category has no mean): blue, 2 of 3.
  // flag {0,1} is nominal too: its most frequent value, 0 (rows 3 and 4,
  // and row 5, where the sparse row leaves it out).
  EXPECT_EQ(imputer.fill, (std::vector<float>{3, 0, 0, 1, 0}));
  EXPECT_EQ(imputer.transformed(ds).features.to_vector(), (std::vector<float>{1, 0, 1, 0, 1,  //
                                                                              3, 0, 0, 1, 0,  //
                                                                              2, 0, 0, 1, 0,  //
                                                                              6, 0, 0, 1, 0,  //
                                                                              3, 0, 0, 1, 0}));
}

TEST(Imputer, MostFrequentTiesGoToTheSmallestNumberOrTheFirstDeclaredValue) {
  TempDir dir;
  ArffOptions options;
  options.label_count = 1;
  options.missing = MissingPolicy::MostFrequent;
  const Dataset numbers =
      read_arff(dir.write("mode.arff",
                          "@relation gaps\n@attribute a numeric\n@attribute b numeric\n"
                          "@attribute c {blue,red}\n@attribute d {1,0}\n@attribute y {0,1}\n@data\n"
                          "5,1,red,0,0\n2,1,blue,1,1\n5,2,red,0,0\n2,3,blue,1,1\n?,?,?,?,0\n"),
                options);
  Imputer imputer;
  imputer.fit(numbers, MissingPolicy::MostFrequent, "mode.arff");
  // a: 5 and 2 twice each, the smaller wins; b: 1 twice; c: blue and red
  // twice each, blue is declared first; d: 1 and 0 twice each, 1 is declared first.
  EXPECT_EQ(imputer.fill, (std::vector<float>{2, 1, 1, 0, 1}));
  TempDir other;
  const Dataset colours = read(other, "gaps.arff", kRows);
  imputer.fit(colours, MissingPolicy::MostFrequent, "gaps.arff");
  // a: 1, 2 and 6 once each: the smallest, 1. colour: blue. flag: 0.
  EXPECT_EQ(imputer.fill, (std::vector<float>{1, 0, 0, 1, 0}));
}

TEST(Imputer, FillsOtherRowsWithTheStatisticsItWasFittedOn) {
  TempDir dir;
  const Dataset train = read(dir, "train.arff", kRows);
  // The test rows' own mean of a would be (10 + 20) / 2 = 15 and their most
  // frequent colour red: neither may be used.
  const Dataset test = read(dir, "test.arff", "10,red,1,1\n20,red,?,0\n?,?,1,1\n");
  Imputer imputer;
  imputer.fit(train, MissingPolicy::Mean, "train.arff");
  EXPECT_EQ(imputer.transformed(test).features.to_vector(), (std::vector<float>{10, 1, 0, 0, 1,  //
                                                                                20, 1, 0, 0, 0,  //
                                                                                3, 0, 0, 1, 1}));
  EXPECT_TRUE(std::isnan(test.features.to_vector()[5 + 4])) << "the input is left as it was";
}

TEST(Imputer, SparseFeaturesAreFilledAsTheDenseOnes) {
  TempDir dir;
  // Mostly zeros, so that the sparse matrix's unstored zeros count: b's mean
  // is 4 / 7 and its most frequent value 0, though 0 is never stored.
  const std::string rows =
      "{0 1, 1 4, 2 red}\n{0 ?}\n{1 ?, 2 ?}\n{}\n{}\n{}\n{0 2}\n{2 blue, 3 1}\n";
  for (const MissingPolicy policy : {MissingPolicy::Mean, MissingPolicy::MostFrequent}) {
    SCOPED_TRACE(name_of(policy));
    ArffOptions options;
    options.label_count = 1;
    options.missing = policy;
    const auto file = dir.write("s.arff",
                                "@relation r\n@attribute a numeric\n@attribute b numeric\n"
                                "@attribute c {green,red,blue}\n@attribute y {0,1}\n@data\n" +
                                    rows);
    options.storage = FeatureStorage::Sparse;
    const Dataset sparse = read_arff(file, options);
    options.storage = FeatureStorage::Dense;
    const Dataset dense = read_arff(file, options);
    ASSERT_TRUE(sparse.is_sparse());
    Imputer from_sparse;
    Imputer from_dense;
    from_sparse.fit(sparse, policy, "s.arff");
    from_dense.fit(dense, policy, "s.arff");
    EXPECT_EQ(from_sparse.fill, from_dense.fill);
    const float a = policy == MissingPolicy::Mean ? static_cast<float>(3.0 / 7.0) : 0.0f;
    const float b = policy == MissingPolicy::Mean ? static_cast<float>(4.0 / 7.0) : 0.0f;
    // c: green (the sparse default) in 5 of the 7 rows that have it.
    EXPECT_EQ(from_dense.fill, (std::vector<float>{a, b, 1, 0, 0}));
    const Dataset filled = from_sparse.transformed(sparse);
    ASSERT_TRUE(filled.is_sparse());
    const CsrMatrix& x = *filled.sparse_features;
    for (const float v : x.values) EXPECT_TRUE(v != 0.0f && !std::isnan(v)) << v;
    EXPECT_EQ(x.to_dense().to_vector(), from_dense.transformed(dense).features.to_vector());
  }
}

TEST(Imputer, RowsWithoutMissingValuesAreSharedNotCopied) {
  TempDir dir;
  const Dataset train = read(dir, "train.arff", kRows);
  const Dataset whole = read(dir, "whole.arff", "1,red,0,1\n2,blue,1,0\n");
  Imputer imputer;
  imputer.fit(train, MissingPolicy::Mean, "train.arff");
  EXPECT_EQ(imputer.transformed(whole).features.data(), whole.features.data());
}

TEST(ImputerErrors, AColumnWithNoValueInTheTrainingRowsNamesFileAndAttribute) {
  TempDir dir;
  ArffOptions options;
  options.label_count = 1;
  options.missing = MissingPolicy::Mean;
  const Dataset numbers =
      read_arff(dir.write("all.arff",
                          "@relation r\n@attribute a numeric\n@attribute b numeric\n"
                          "@attribute y {0,1}\n@data\n1,?,0\n2,?,1\n"),
                options);
  Imputer imputer;
  expect_error<DataError>([&] { imputer.fit(numbers, MissingPolicy::Mean, "all.arff"); },
                          {"all.arff: attribute 'b': every value in the training split is "
                           "missing ('?')"});
  const Dataset colours = read(dir, "colours.arff", "1,?,1,1\n{0 2, 1 ?}\n");
  expect_error<DataError>(
      [&] { imputer.fit(colours, MissingPolicy::MostFrequent, "colours.arff"); },
      {"colours.arff: attribute 'colour': every value in the training split is missing"});
  EXPECT_FALSE(imputer.fitted()) << "a failed fit leaves the imputer as it was";
}

TEST(ImputerErrors, FeaturesOfAnotherWidth) {
  Imputer imputer;
  Tensor x = Tensor::from({1, 2}, {1.0f, NAN});
  expect_error<Error>([&] { imputer.transform(x); }, {"Imputer::transform before fit"});
  imputer.fill = {1, 2, 3};
  expect_error<ShapeError>([&] { imputer.transform(x); }, {"expected features [N, 3], got [1, 2]"});
}

}  // namespace
}  // namespace fulcrum::data
