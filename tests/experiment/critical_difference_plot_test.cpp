// The critical-difference diagram: well-formed SVG with every method, its
// rank, the CD bar and one thick bar per group the Nemenyi test leaves
// together; bad input is refused with a message.
#include "fulcrum/experiment/critical_difference_plot.hpp"

#include <gtest/gtest.h>

#include "experiment_test_util.hpp"
#include "fulcrum/core/error.hpp"
#include "support/errors.hpp"

namespace fulcrum::experiment {
namespace {

using fulcrum::testing::expect_error;
using testing::count_of;

CriticalDifferenceDiagram demsar_diagram(double critical_difference) {
  return {"C4.5 variants",
          {"C4.5", "C4.5+m", "C4.5+cf", "C4.5+m+cf"},
          {44.0 / 14, 28.0 / 14, 40.5 / 14, 27.5 / 14},
          critical_difference,
          "Nemenyi, N = 14"};
}

TEST(CriticalDifferenceDiagram, DrawsEveryMethodWithItsRankAndTheGroups) {
  const std::string svg = render_critical_difference_diagram(demsar_diagram(1.12));
  EXPECT_EQ(testing::xml_problem(svg), "");
  for (const char* label : {"C4.5 (3.14)", "C4.5+m (2.00)", "C4.5+cf (2.89)", "C4.5+m+cf (1.96)",
                            "CD = 1.120", "C4.5 variants", "Nemenyi, N = 14"}) {
    EXPECT_CONTAINS(svg, std::string(">") + label + "<");
  }
  // Group bars are the only 3.5-wide lines: two groups at CD 1.12, one at 1.25,
  // none when the difference is below every gap.
  EXPECT_EQ(count_of(svg, "stroke-width=\"3.50\""), 2u);
  EXPECT_EQ(
      count_of(render_critical_difference_diagram(demsar_diagram(1.25)), "stroke-width=\"3.50\""),
      1u);
  EXPECT_EQ(
      count_of(render_critical_difference_diagram(demsar_diagram(0.01)), "stroke-width=\"3.50\""),
      0u);
}

TEST(CriticalDifferenceDiagram, EscapesNamesAndRefusesBadInput) {
  CriticalDifferenceDiagram diagram = demsar_diagram(1.0);
  diagram.methods[0] = "a<b & c";
  const std::string svg = render_critical_difference_diagram(diagram);
  EXPECT_EQ(testing::xml_problem(svg), "");
  EXPECT_CONTAINS(svg, "a&lt;b &amp; c");

  diagram.average_ranks.pop_back();
  expect_error<ValueError>([&] { render_critical_difference_diagram(diagram); },
                           {"'C4.5 variants'", "4 methods but 3 average ranks"});
  diagram = demsar_diagram(1.0);
  diagram.average_ranks[1] = 4.5;
  try {
    render_critical_difference_diagram(diagram);
    FAIL() << "a rank above k was drawn";
  } catch (const ValueError& e) {
    EXPECT_CONTAINS(e.what(), "average rank 4.5 of 'C4.5+m' is outside [1, 4]");
  }
  expect_error<ValueError>([] { render_critical_difference_diagram(demsar_diagram(0.0)); },
                           {"'C4.5 variants'", "critical difference must be > 0, got 0"});
  expect_error<ValueError>(
      [] {
        render_critical_difference_diagram({"one", {"a"}, {1.0}, 1.0, ""});
      },
      {"critical-difference diagram 'one'", "needs at least 2 methods, got 1"});
}

}  // namespace
}  // namespace fulcrum::experiment
