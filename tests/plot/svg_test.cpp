// The SVG writer and the two chart types: escaping, number format, ticks,
// element counts, missing values, errors, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "fulcrum/core/error.hpp"
#include "fulcrum/plot/svg_document.hpp"
#include "fulcrum/plot/svg_panels.hpp"
#include "fulcrum/plot/svg_plot.hpp"
#include "support/errors.hpp"
#include "support/markup_checks.hpp"

namespace fulcrum::plot {
namespace {

using fulcrum::testing::expect_error;

using testing::count_of;

TEST(SvgDocument, EscapesTextAndDropsControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\tz", 6)), "xy\tz");
  EXPECT_EQ(xml_escape("μ ± σ"), "μ ± σ");  // UTF-8 passes through
}

TEST(SvgDocument, NumbersHaveTwoDecimalsAndNoNegativeZero) {
  EXPECT_EQ(svg_number(1), "1.00");
  EXPECT_EQ(svg_number(2.345), "2.35");
  EXPECT_EQ(svg_number(-0.001), "0.00");
  EXPECT_EQ(svg_number(-1.5), "-1.50");
}

TEST(SvgDocument, DocumentIsWellFormedWithEveryElement) {
  SvgDocument svg(100, 50);
  svg.rect(1, 2, 3, 4, "#123456", 0.5, "a <tip>");
  svg.line(0, 0, 10, 10, "#000", 1, "2 2");
  svg.polyline({{0, 0}, {1, 1}, {2, 0}}, "#f00");
  svg.circle(5, 5, 2, "#0f0");
  svg.text(10, 20, "x < y & \"z\"", {.anchor = "middle", .rotate = -45, .bold = true});
  const std::string text = svg.str();
  EXPECT_EQ(testing::xml_problem(text), "") << text;
  EXPECT_CONTAINS(text, "width=\"100.00\" height=\"50.00\" viewBox=\"0 0 100.00 50.00\"");
  EXPECT_CONTAINS(text, "fill-opacity=\"0.50\"><title>a &lt;tip&gt;</title></rect>");
  EXPECT_CONTAINS(text, "stroke-dasharray=\"2 2\"");
  EXPECT_CONTAINS(text, "points=\"0.00,0.00 1.00,1.00 2.00,0.00\"");
  EXPECT_CONTAINS(text, "transform=\"rotate(-45.00 10.00 20.00)\"");
  EXPECT_CONTAINS(text, ">x &lt; y &amp; &quot;z&quot;</text>");
  EXPECT_EQ(count_of(text, "<rect"), 2u);  // the background and ours
}

TEST(SvgNiceTicks, RoundStepsCoveringTheRange) {
  const std::vector<double> unit = nice_ticks(0, 1);
  ASSERT_EQ(unit.size(), 6u);
  for (size_t i = 0; i < unit.size(); ++i)
    EXPECT_NEAR(unit[i], 0.2 * static_cast<double>(i), 1e-12);
  EXPECT_EQ(nice_ticks(0.37, 2.9), (std::vector<double>{0, 1, 2, 3}));
  const std::vector<double> small = nice_ticks(0.012, 0.047);
  EXPECT_LE(small.front(), 0.012);
  EXPECT_GE(small.back(), 0.047);
  EXPECT_NEAR(small[1] - small[0], 0.01, 1e-12);
  const std::vector<double> flat = nice_ticks(3, 3);  // an empty range still gets ticks
  EXPECT_GE(flat.size(), 2u);
  EXPECT_LE(flat.front(), 3);
}

BarChart two_by_three() {
  BarChart chart;
  chart.title = "F1 <per> label";
  chart.x_label = "label";
  chart.y_label = "F1";
  chart.categories = {"a", "b", "c"};
  chart.series = {{"plain", {0.2, 0.5, std::nullopt}, "", 1.0},
                  {"weighted", {0.4, 1.7, 0.1}, "#123456", 0.6}};
  return chart;
}

TEST(SvgBarChart, OneBarPerDefinedValueWithLegendAndLabels) {
  const std::string svg = render_bar_chart(two_by_three());
  EXPECT_EQ(testing::xml_problem(svg), "") << svg;
  EXPECT_EQ(count_of(svg, "</rect>"), 5u);  // the missing value has no bar
  EXPECT_CONTAINS(svg, "<title>plain / b: 0.5000</title>");
  EXPECT_CONTAINS(svg, "<title>weighted / b: 1.7000</title>");  // the value, though clamped
  EXPECT_CONTAINS(svg, "fill=\"#123456\" fill-opacity=\"0.60\"");
  EXPECT_CONTAINS(svg, "fill=\"" + series_color(0) + "\"");
  EXPECT_CONTAINS(svg, ">F1 &lt;per&gt; label</text>");
  EXPECT_CONTAINS(svg, ">plain</text>");  // legend
  EXPECT_CONTAINS(svg, ">weighted</text>");
  EXPECT_CONTAINS(svg, ">label</text>");  // axis labels
  EXPECT_CONTAINS(svg, "rotate(-90.00");  // the y label
  EXPECT_CONTAINS(svg, ">1.0</text>");    // the top tick
  EXPECT_EQ(render_bar_chart(two_by_three()), svg);
}

TEST(SvgBarChart, RejectsMismatchedSeriesAndEmptyRanges) {
  BarChart chart = two_by_three();
  chart.series[0].values.pop_back();
  expect_error<ValueError>([&] { render_bar_chart(chart); },
                           {"render_bar_chart: series 'plain' has 2 values for 3 categories"});
  chart = two_by_three();
  chart.y_max = chart.y_min;
  expect_error<ValueError>([&] { render_bar_chart(chart); },
                           {"render_bar_chart: y range [0, 0] is empty"});
}

TEST(SvgLineChart, SeriesMarkersDiagonalAndSkippedPoints) {
  LineChart chart;
  chart.title = "Reliability";
  chart.x_label = "mean predicted probability";
  chart.y_label = "fraction of positives";
  chart.x_min = chart.y_min = 0.0;
  chart.x_max = chart.y_max = 1.0;
  chart.diagonal = true;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  chart.series = {{"raw", {{0.1, 0.2}, {0.5, nan}, {0.9, 0.7}}, "", false, true},
                  {"recalibrated", {{0.3, 0.3}}, "", true, false}};
  const std::string svg = render_line_chart(chart);
  EXPECT_EQ(testing::xml_problem(svg), "") << svg;
  EXPECT_EQ(count_of(svg, "<polyline"), 1u);  // one point draws no line, only a marker
  EXPECT_EQ(count_of(svg, "<circle"), 3u);    // 2 markers of "raw" + the lone point
  EXPECT_CONTAINS(svg, "<title>raw: (0.900, 0.700)</title>");
  EXPECT_CONTAINS(svg, "stroke-dasharray=\"4 4\"");  // the diagonal
  EXPECT_CONTAINS(svg, "stroke-dasharray=\"6 3\"");  // the dashed series' legend line
  EXPECT_CONTAINS(svg, ">fraction of positives</text>");
  EXPECT_EQ(render_line_chart(chart), svg);
}

TEST(SvgLineChart, RangesFromTheDataAndEmptyCharts) {
  LineChart chart;
  chart.series = {{"loss", {{1, 2.6}, {2, 1.25}, {3, 0.9}}, "", false, false}};
  const std::string svg = render_line_chart(chart);
  EXPECT_EQ(testing::xml_problem(svg), "");
  EXPECT_CONTAINS(svg, ">3.0</text>");  // the y axis reaches past 2.6
  EXPECT_EQ(count_of(svg, "<polyline"), 1u);
  EXPECT_EQ(testing::xml_problem(render_line_chart(LineChart{})), "");
}

// The width="..." of an SVG document.
double width_of(const std::string& svg) {
  const size_t at = svg.find("width=\"");
  return at == std::string::npos ? -1 : std::stod(svg.substr(at + 7));
}

TEST(SvgPanelGrid, ManyPanelsOfBarsWithErrorBarsFitTheWidth) {
  PanelGrid grid;
  grid.title = "F1 per label";
  grid.y_label = "F1";
  for (int s = 0; s < 9; ++s) grid.legend.push_back({"strategy_" + std::to_string(s), ""});
  for (int l = 0; l < 14; ++l) {
    Panel panel{"label" + std::to_string(l), {}, {}, {}};
    for (int s = 0; s < 9; ++s) {
      panel.bars.push_back(s == 3 ? std::nullopt : std::optional<double>(0.05 * s + 0.01 * l));
      panel.errors.push_back(s == 0 ? std::nullopt : std::optional<double>(0.02));
    }
    grid.panels.push_back(std::move(panel));
  }
  const std::string svg = render_panel_grid(grid);
  EXPECT_EQ(testing::xml_problem(svg), "") << svg;
  EXPECT_EQ(width_of(svg), 960);
  // 14 panels x 8 defined bars; error bars (3 lines each) on 7 of them.
  EXPECT_EQ(count_of(svg, "</rect>"), 14u * 8u);
  EXPECT_EQ(count_of(svg, "stroke=\"#222\""), 14u * 7u * 3u);
  EXPECT_CONTAINS(svg, "<title>strategy_2 / label13: 0.2300 ± 0.0200</title>");
  // One legend for the whole grid: each name once.
  EXPECT_EQ(count_of(svg, ">strategy_8</text>"), 1u);
  EXPECT_EQ(render_panel_grid(grid), svg);
}

TEST(SvgPanelGrid, LinePanelsEachWithTheirOwnAxis) {
  PanelGrid grid;
  grid.legend = {{"training loss", "#777", true}, {"validation loss", "#4e79a7"}};
  grid.panels = {{"bce", {}, {}, {{"training loss", {{1, 0.7}, {2, 0.6}}, "#777", true, false}}},
                 {"focal", {}, {}, {{"validation loss", {{1, 0.07}, {2, 0.05}}, "", false, true}}}};
  grid.columns = 2;
  const std::string svg = render_panel_grid(grid);
  EXPECT_EQ(testing::xml_problem(svg), "") << svg;
  EXPECT_EQ(count_of(svg, "<polyline"), 2u);
  EXPECT_EQ(count_of(svg, "<circle"), 2u);  // the markers of the second
  // Each panel's y ticks come from its own data: 0.7 and 0.07 both legible.
  EXPECT_CONTAINS(svg, ">0.70</text>");
  EXPECT_CONTAINS(svg, ">0.07</text>");
}

TEST(SvgPanelGrid, RefusesBarsThatDoNotMatchTheLegend) {
  PanelGrid grid;
  grid.legend = {{"a", ""}, {"b", ""}};
  grid.panels = {{"p", {0.5}, {}, {}}};
  fulcrum::testing::expect_error<ValueError>([&] { render_panel_grid(grid); },
                                             {"panel 'p' has 1 bars for 2 legend entries"});
  grid.panels = {{"p", {0.5, 0.2}, {0.1}, {}}};
  expect_error<ValueError>([&] { render_panel_grid(grid); },
                           {"render_panel_grid", "panel 'p' has 1 errors for 2 bars"});
  grid.panels = {};
  grid.columns = 40;
  expect_error<ValueError>([&] { render_panel_grid(grid); },
                           {"render_panel_grid", "40 columns do not fit 960 px"});
}

TEST(SvgLineChart, PlotSizeAndLegendCanBeSet) {
  LineChart chart;
  chart.series = {{"label a", {{0, 0}, {1, 1}}, "", false, false}};
  const std::string with_legend = render_line_chart(chart);
  EXPECT_CONTAINS(with_legend, ">label a</text>");
  chart.plot_width = 200;
  chart.plot_height = 150;
  chart.legend = false;
  const std::string small = render_line_chart(chart);
  EXPECT_EQ(testing::xml_problem(small), "");
  EXPECT_NOT_CONTAINS(small, ">label a</text>");
  // 70 (left margin) + 200 + 16; 40 (top margin) + 150 + 56.
  EXPECT_CONTAINS(small, "width=\"286.00\" height=\"246.00\"");
  chart.plot_width = 0;
  expect_error<ValueError>([&] { render_line_chart(chart); },
                           {"render_line_chart", "plot size 0 x 150 is empty"});
}

}  // namespace
}  // namespace fulcrum::plot
