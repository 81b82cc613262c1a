// Small multiples (svg_panels.hpp).
#include "fulcrum/plot/svg_panels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "fulcrum/core/error.hpp"
#include "fulcrum/plot/svg_document.hpp"

namespace fulcrum::plot {

namespace {

constexpr double kMargin = 12;
constexpr double kYLabelWidth = 22;  // the rotated y label left of the grid
constexpr double kTickWidth = 34;    // tick labels left of each panel's plot
constexpr double kLegendRow = 18;
constexpr double kCharWidth = 6.2;   // a rough width of an 11px character
constexpr double kPanelTitle = 18;   // above each panel's plot
constexpr double kPanelBottom = 20;  // x tick labels under each panel's plot
constexpr double kPanelGap = 14;
const std::string kAxisColor = "#444";
const std::string kGridColor = "#e3e3e3";

struct Range {
  double lo, hi;
};

std::string tick_text(double value, double step) {
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.starts_with("-") && std::stod(text) == 0) text = text.substr(1);
  return text;
}

const std::string& color_of(const PanelGrid& grid, size_t s) {
  return grid.legend[s].color.empty() ? series_color(s) : grid.legend[s].color;
}

// The legend's entries placed left to right, wrapping at the width; returns
// each entry's (x, row) and the number of rows.
std::pair<std::vector<std::pair<double, int>>, int> legend_layout(const PanelGrid& grid) {
  std::vector<std::pair<double, int>> at;
  double x = kMargin;
  int row = 0;
  for (const LegendEntry& entry : grid.legend) {
    const double w = 26 + static_cast<double>(entry.name.size()) * kCharWidth + 14;
    if (x + w > grid.width - kMargin && x > kMargin) {
      x = kMargin;
      ++row;
    }
    at.emplace_back(x, row);
    x += w;
  }
  return {at, grid.legend.empty() ? 0 : row + 1};
}

// A panel's data range: bars from the grid's (default [0, 1]), lines from
// their points, rounded out to ticks.
std::pair<Range, Range> panel_ranges(const PanelGrid& grid, const Panel& panel) {
  if (panel.lines.empty()) return {{0, 1}, {grid.y_min.value_or(0.0), grid.y_max.value_or(1.0)}};
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const LineSeries& series : panel.lines) {
    for (const LinePoint& p : series.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      x_lo = std::min(x_lo, p.x), x_hi = std::max(x_hi, p.x);
      y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
    }
  }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  const std::vector<double> xt = nice_ticks(x_lo, x_hi, 4), yt = nice_ticks(y_lo, y_hi, 4);
  Range x{grid.x_min.value_or(xt.front()), grid.x_max.value_or(xt.back())};
  Range y{grid.y_min.value_or(yt.front()), grid.y_max.value_or(yt.back())};
  if (!(x.hi > x.lo)) x.hi = x.lo + 1;
  if (!(y.hi > y.lo)) y.hi = y.lo + 1;
  return {x, y};
}

void draw_bars(SvgDocument& svg, const PanelGrid& grid, const Panel& panel, double left,
               double right, double top, double bottom, Range y) {
  const auto map_y = [&](double v) {
    return bottom - (std::clamp(v, y.lo, y.hi) - y.lo) / (y.hi - y.lo) * (bottom - top);
  };
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(1, panel.bars.size()));
  const double bar = std::max(1.0, slot * 0.8);
  for (size_t s = 0; s < panel.bars.size(); ++s) {
    const std::optional<double>& value = panel.bars[s];
    if (!value || !std::isfinite(*value)) continue;
    const double x = left + static_cast<double>(s) * slot + (slot - bar) / 2;
    const double top_y = map_y(*value);
    const std::optional<double> error = s < panel.errors.size() ? panel.errors[s] : std::nullopt;
    const std::string tip =
        error ? fmt::format("{} / {}: {:.4f} ± {:.4f}", grid.legend[s].name, panel.title, *value,
                            *error)
              : fmt::format("{} / {}: {:.4f}", grid.legend[s].name, panel.title, *value);
    svg.rect(x, top_y, bar, bottom - top_y, color_of(grid, s), grid.legend[s].opacity, tip);
    if (error && std::isfinite(*error) && *error > 0) {
      const double cx = x + bar / 2, lo = map_y(*value - *error), hi = map_y(*value + *error);
      const double cap = std::min(4.0, bar / 2);
      svg.line(cx, lo, cx, hi, "#222", 1);
      svg.line(cx - cap, lo, cx + cap, lo, "#222", 1);
      svg.line(cx - cap, hi, cx + cap, hi, "#222", 1);
    }
  }
}

void draw_lines(SvgDocument& svg, const PanelGrid& grid, const Panel& panel, double left,
                double right, double top, double bottom, Range x, Range y) {
  const auto px = [&](double v) {
    return left + (std::clamp(v, x.lo, x.hi) - x.lo) / (x.hi - x.lo) * (right - left);
  };
  const auto py = [&](double v) {
    return bottom - (std::clamp(v, y.lo, y.hi) - y.lo) / (y.hi - y.lo) * (bottom - top);
  };
  const std::vector<double> x_ticks = nice_ticks(x.lo, x.hi, 4);
  const double x_step = x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1.0;
  for (const double t : x_ticks) {
    if (t < x.lo - 1e-12 || t > x.hi + 1e-12) continue;
    svg.line(px(t), bottom, px(t), bottom + 3, kAxisColor);
    svg.text(px(t), bottom + 13, tick_text(t, x_step), {.anchor = "middle", .size = 9});
  }
  if (grid.diagonal) {
    const double lo = std::max(x.lo, y.lo), hi = std::min(x.hi, y.hi);
    if (hi > lo) svg.line(px(lo), py(lo), px(hi), py(hi), "#999", 1, "4 4");
  }
  for (const LineSeries& series : panel.lines) {
    std::vector<std::pair<double, double>> points;
    for (const LinePoint& p : series.points) {
      if (std::isfinite(p.x) && std::isfinite(p.y)) points.emplace_back(px(p.x), py(p.y));
    }
    const std::string& color = series.color.empty() ? series_color(0) : series.color;
    if (points.size() > 1) svg.polyline(points, color, 1.5, series.dashed ? "5 3" : "");
    if (series.markers || points.size() == 1) {
      size_t k = 0;
      for (const LinePoint& p : series.points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
        svg.circle(points[k].first, points[k].second, 2.2, color,
                   fmt::format("{}: ({:.3f}, {:.3f})", series.name, p.x, p.y));
        ++k;
      }
    }
  }
}

}  // namespace

std::string render_panel_grid(const PanelGrid& grid) {
  FULCRUM_CHECK(grid.columns >= 1, "render_panel_grid: columns is 0");
  for (const Panel& panel : grid.panels) {
    FULCRUM_CHECK(panel.lines.empty() || panel.bars.empty(),
                  "render_panel_grid: panel '{}' has both bars and lines", panel.title);
    FULCRUM_CHECK(panel.bars.empty() || panel.bars.size() == grid.legend.size(),
                  "render_panel_grid: panel '{}' has {} bars for {} legend entries", panel.title,
                  panel.bars.size(), grid.legend.size());
    FULCRUM_CHECK(panel.errors.empty() || panel.errors.size() == panel.bars.size(),
                  "render_panel_grid: panel '{}' has {} errors for {} bars", panel.title,
                  panel.errors.size(), panel.bars.size());
  }
  const auto columns = static_cast<double>(grid.columns);
  const double grid_left = kMargin + kYLabelWidth;
  const double panel_width = (grid.width - grid_left - kMargin) / columns;
  FULCRUM_CHECK(panel_width >= kTickWidth + 40, "render_panel_grid: {} columns do not fit {} px",
                grid.columns, grid.width);
  const auto [legend_at, legend_rows] = legend_layout(grid);
  const double legend_top = 44;
  const double grid_top = legend_top + legend_rows * kLegendRow + 6;
  const size_t rows = (grid.panels.size() + grid.columns - 1) / grid.columns;
  const double row_height = grid.panel_height + kPanelGap;
  const double grid_bottom = grid_top + static_cast<double>(rows) * row_height;
  const double height = grid_bottom + (grid.x_label.empty() ? 8 : 28);
  SvgDocument svg(grid.width, height);

  svg.text(grid.width / 2, 22, grid.title, {.anchor = "middle", .size = 14, .bold = true});
  for (size_t s = 0; s < grid.legend.size(); ++s) {
    const double x = legend_at[s].first;
    const double y = legend_top + legend_at[s].second * kLegendRow;
    if (!grid.panels.empty() && !grid.panels.front().lines.empty()) {
      svg.line(x, y - 4, x + 18, y - 4, color_of(grid, s), 2, grid.legend[s].dashed ? "5 3" : "");
    } else {
      svg.rect(x + 3, y - 10, 12, 12, color_of(grid, s), grid.legend[s].opacity);
    }
    svg.text(x + 24, y, grid.legend[s].name, {.size = 11});
  }
  svg.text(kMargin + 8, (grid_top + grid_bottom) / 2, grid.y_label,
           {.anchor = "middle", .size = 12, .rotate = -90});
  if (!grid.x_label.empty()) {
    svg.text((grid_left + grid.width - kMargin) / 2, grid_bottom + 16, grid.x_label,
             {.anchor = "middle", .size = 12});
  }

  for (size_t i = 0; i < grid.panels.size(); ++i) {
    const Panel& panel = grid.panels[i];
    const double cell_left = grid_left + static_cast<double>(i % grid.columns) * panel_width;
    const double cell_top = grid_top + static_cast<double>(i / grid.columns) * row_height;
    const double left = cell_left + kTickWidth, right = cell_left + panel_width - 8;
    const double top = cell_top + kPanelTitle, bottom = cell_top + grid.panel_height - kPanelBottom;
    // A title longer than the panel is cut; the report's tables have it whole.
    std::string title = panel.title;
    const auto fit = static_cast<size_t>((panel_width - 10) / kCharWidth);
    if (title.size() > fit && fit > 3) title = title.substr(0, fit - 3) + "...";
    svg.text((left + right) / 2, cell_top + 12, title,
             {.anchor = "middle", .size = 11, .bold = true});
    const auto [x, y] = panel_ranges(grid, panel);
    const std::vector<double> y_ticks = nice_ticks(y.lo, y.hi, 4);
    const double y_step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1.0;
    for (const double t : y_ticks) {
      if (t < y.lo - 1e-12 || t > y.hi + 1e-12) continue;
      const double py = bottom - (t - y.lo) / (y.hi - y.lo) * (bottom - top);
      svg.line(left, py, right, py, kGridColor);
      svg.text(left - 4, py + 3, tick_text(t, y_step), {.anchor = "end", .size = 9});
    }
    svg.line(left, top, left, bottom, kAxisColor);
    svg.line(left, bottom, right, bottom, kAxisColor);
    if (panel.lines.empty()) {
      draw_bars(svg, grid, panel, left, right, top, bottom, y);
    } else {
      draw_lines(svg, grid, panel, left, right, top, bottom, x, y);
    }
  }
  return svg.str();
}

}  // namespace fulcrum::plot
