// The ARFF pieces `fulcrum predict` reads rows to predict with: the attribute
// names of a file, and its features alone (no attribute is a label).

#include <gtest/gtest.h>

#include "data_test_util.hpp"
#include "fulcrum/data/arff.hpp"

namespace fulcrum::data {
namespace {

using testing::contains;
using testing::data_error;

constexpr const char* kRows =
    "@relation rows\n"
    "@attribute a numeric\n"
    "@attribute color {red,green}\n"
    "@attribute y {0,1}\n"
    "@data\n"
    "0.5,green,1\n"
    "{0 2, 1 red}\n";

TEST(ArffAttributeNames, ListsEveryDeclaredAttributeInOrder) {
  EXPECT_EQ(arff_attribute_names(kRows, "rows.arff"),
            (std::vector<std::string>{"a", "color", "y"}));
  EXPECT_TRUE(contains(
      data_error([] { arff_attribute_names("@relation r\n@attribute\n", "r.arff"); }), "r.arff:2"));
}

TEST(ArffFeaturesOnly, EveryAttributeButTheDroppedIsAFeatureAndThereIsNoTarget) {
  ArffOptions options;
  options.features_only = true;
  const Dataset all = parse_arff(kRows, "rows.arff", options);
  EXPECT_TRUE(all.targets.empty());
  EXPECT_EQ(all.feature_names, (std::vector<std::string>{"a", "color=red", "color=green", "y"}));
  EXPECT_EQ(all.features.to_vector(), (std::vector<float>{0.5f, 0, 1, 1, 2, 1, 0, 0}));

  options.drop = {"y"};
  const Dataset features = parse_arff(kRows, "rows.arff", options);
  EXPECT_EQ(features.feature_names, (std::vector<std::string>{"a", "color=red", "color=green"}));
  EXPECT_EQ(features.features.to_vector(), (std::vector<float>{0.5f, 0, 1, 2, 1, 0}));
}

TEST(ArffFeaturesOnly, WithoutItAFileMustSayWhichAttributesAreLabels) {
  EXPECT_TRUE(contains(data_error([] { parse_arff(kRows, "rows.arff", {}); }),
                       "which attributes are labels?"));
}

}  // namespace
}  // namespace fulcrum::data
