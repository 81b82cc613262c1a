#pragma once
// Small multiples for the reports: a grid of small charts that
// share one legend, so that many labels or strategies fit a page
// (render_panel_grid keeps within `width`, 960 px by default). Each panel is
// a set of bars, one per series, with an optional ± error bar each (per-label
// F1 by strategy, mean ± std over seeds), or a set of lines (per-label
// reliability diagrams, each strategy's loss curves on its own axis).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fulcrum/plot/svg_plot.hpp"

namespace fulcrum::plot {

/// Represents: one small chart of a grid. A bar panel has `bars` (one value
/// per legend entry, nullopt: no bar) and optionally `errors` (the same
/// length; the half-height of each error bar); a line panel has `lines`.
struct Panel {
  std::string title;
  std::vector<std::optional<double>> bars;
  std::vector<std::optional<double>> errors;
  std::vector<LineSeries> lines;  ///< colour and dashes as in the legend
};

/// Represents: one legend entry of a grid.
struct LegendEntry {
  std::string name;
  std::string color;  ///< empty: series_color(index)
  bool dashed = false;
  double opacity = 1.0;
};

/// Represents: panels in rows of `columns`, under a title and one legend.
/// Axis ranges unset are taken from each panel's data (line panels) or are
/// [0, 1] (bar panels). `diagonal` draws y = x in every line panel.
/// Requires: every bar panel has one bar per legend entry (and as many
/// errors, or none); columns >= 1; width large enough for the columns.
struct PanelGrid {
  std::string title;
  std::string x_label;  ///< under the grid (line panels)
  std::string y_label;  ///< left of the grid
  std::vector<LegendEntry> legend;
  std::vector<Panel> panels;
  size_t columns = 4;
  double width = 960;
  double panel_height = 170;
  std::optional<double> x_min, x_max, y_min, y_max;
  bool diagonal = false;
};

/// The grid as one SVG document, `width` wide. Throws ValueError when a bar
/// panel's values do not match the legend or the layout cannot fit.
std::string render_panel_grid(const PanelGrid& grid);

}  // namespace fulcrum::plot
