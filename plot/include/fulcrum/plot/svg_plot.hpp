#pragma once
// Two chart types for the experiment report, as standalone SVG text:
// a grouped bar chart (per-label F1 by strategy) and a line chart
// (reliability diagrams, training curves). Each has a title, axis labels,
// ticks and a legend; missing values are left out, never drawn as 0.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace fulcrum::plot {

/// The colour of series `index` (a 10-colour palette, then repeated).
const std::string& series_color(size_t index);

/// Represents: one series of a bar chart, one value per category (nullopt:
/// no bar). color empty: series_color(position in the chart).
struct BarSeries {
  std::string name;
  std::vector<std::optional<double>> values;
  std::string color;
  double opacity = 1.0;
};

/// Represents: bars grouped by category, one bar per series in each group.
/// Requires: every series has one value per category; y_max > y_min.
struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  double y_min = 0.0;
  double y_max = 1.0;
};

/// The chart as an SVG document. Throws ValueError when a series has the
/// wrong number of values or the range is empty.
std::string render_bar_chart(const BarChart& chart);

/// Represents: one data point of a line series, in data coordinates.
struct LinePoint {
  double x = 0;
  double y = 0;
};

/// Represents: one polyline, with a marker at each point when `markers`.
struct LineSeries {
  std::string name;
  std::vector<LinePoint> points;
  std::string color;  ///< empty: series_color(position in the chart)
  bool dashed = false;
  bool markers = false;
};

/// Represents: line series on shared axes. An unset range is taken from the
/// data (rounded out to tick values). `diagonal` draws the y = x reference
/// (the perfectly calibrated line of a reliability diagram).
struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<LineSeries> series;
  std::optional<double> x_min, x_max, y_min, y_max;
  bool diagonal = false;
  double plot_width = 480;  ///< of the area inside the axes, in pixels
  double plot_height = 320;
  bool legend = true;  ///< false: no legend (a single series, named in the title)
};

/// The chart as an SVG document; points that are not finite are skipped.
std::string render_line_chart(const LineChart& chart);

/// About `count` evenly spaced round values (steps of 1, 2 or 5 times a power
/// of ten) covering [lo, hi]: the first <= lo, the last >= hi.
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

}  // namespace fulcrum::plot
