// Reduction's names: PyTorch's spelling, one table behind parse_reduction,
// to_string, parse_name and name_of, and a clear error otherwise.

#include "fulcrum/losses/reduction.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/names.hpp"
#include "support/errors.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::error_message;

TEST(Reduction, ParsesPyTorchNamesAndPrintsThemBack) {
  EXPECT_EQ(parse_reduction("none"), Reduction::None);
  EXPECT_EQ(parse_reduction("mean"), Reduction::Mean);
  EXPECT_EQ(parse_reduction("sum"), Reduction::Sum);
  EXPECT_EQ(to_string(Reduction::None), "none");
  EXPECT_EQ(to_string(Reduction::Mean), "mean");
  EXPECT_EQ(to_string(Reduction::Sum), "sum");
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
    EXPECT_EQ(parse_reduction(to_string(r)), r);
    EXPECT_EQ(parse_name<Reduction>(name_of(r), "reduction"), r);
    EXPECT_EQ(name_of(r), to_string(r));
  }
}

TEST(Reduction, TableListsThePyTorchNamesInOrder) {
  EXPECT_EQ(names_of<Reduction>(), (std::vector<std::string>{"none", "mean", "sum"}));
}

TEST(Reduction, UnknownNameListsTheAcceptedOnes) {
  for (const char* bad : {"Mean", "avg", "", "sum "}) {
    const std::string message = error_message<ValueError>([&] { parse_reduction(bad); });
    EXPECT_NE(message.find("unknown reduction '" + std::string(bad) + "'"), std::string::npos)
        << message;
    EXPECT_NE(message.find("(valid: none, mean, sum)"), std::string::npos) << message;
  }
}

TEST(Reduction, TypoSuggestsTheNearestName) {
  EXPECT_EQ(error_message<ValueError>([] { parse_reduction("mena"); }),
            "unknown reduction 'mena'; did you mean 'mean'? (valid: none, mean, sum)");
  EXPECT_NE(error_message<ValueError>([] { parse_reduction("Sum"); }).find("did you mean 'sum'"),
            std::string::npos);
  // Nothing is near "avg": no suggestion, only the list.
  EXPECT_EQ(error_message<ValueError>([] { parse_reduction("avg"); }).find("did you mean"),
            std::string::npos);
}

}  // namespace
}  // namespace fulcrum::nn
