// parse_reduction / to_string: PyTorch's names, and a clear error otherwise.

#include <string>

#include <gtest/gtest.h>

#include "fulcrum/core/error.hpp"
#include "fulcrum/losses/reduction.hpp"

namespace fulcrum::nn {
namespace {

TEST(Reduction, ParsesPyTorchNamesAndPrintsThemBack) {
  EXPECT_EQ(parse_reduction("none"), Reduction::None);
  EXPECT_EQ(parse_reduction("mean"), Reduction::Mean);
  EXPECT_EQ(parse_reduction("sum"), Reduction::Sum);
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
    EXPECT_EQ(parse_reduction(to_string(r)), r);
}

TEST(Reduction, UnknownNameListsTheAcceptedOnes) {
  for (const char* bad : {"Mean", "avg", "", "sum "}) {
    try {
      parse_reduction(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const ValueError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find('"' + std::string(bad) + '"'), std::string::npos) << message;
      for (const char* name : {"\"none\"", "\"mean\"", "\"sum\""})
        EXPECT_NE(message.find(name), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace fulcrum::nn
