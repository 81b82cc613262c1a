// Grouped bar charts and line charts as SVG (svg_plot.hpp).
#include "fulcrum/plot/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "fulcrum/core/error.hpp"
#include "fulcrum/plot/svg_document.hpp"

namespace fulcrum::plot {

namespace {

constexpr double kMarginLeft = 70;
constexpr double kMarginTop = 40;
constexpr double kLegendGap = 24;
constexpr double kCharWidth = 6.5;  // a rough width of a 12px character
const std::string kAxisColor = "#444";
const std::string kGridColor = "#e3e3e3";

// Where values go on the page: [lo, hi] onto [pixel_lo, pixel_hi].
struct Axis {
  double lo, hi, pixel_lo, pixel_hi;
  double map(double v) const { return pixel_lo + (v - lo) / (hi - lo) * (pixel_hi - pixel_lo); }
};

std::string tick_label(double value, double step) {
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.starts_with("-") && std::stod(text) == 0) text = text.substr(1);
  return text;
}

double legend_width(const std::vector<std::string>& names) {
  size_t longest = 0;
  for (const auto& name : names) longest = std::max(longest, name.size());
  return std::min(360.0, 26 + static_cast<double>(longest) * kCharWidth);
}

// The legend: one swatch (a box, or a line when `lines`) and name per series.
void draw_legend(SvgDocument& svg, double x, double y, const std::vector<std::string>& names,
                 const std::vector<std::string>& colors, const std::vector<double>& opacities,
                 const std::vector<std::string>& dashes, bool lines) {
  for (size_t i = 0; i < names.size(); ++i) {
    const double row = y + static_cast<double>(i) * 18;
    if (lines) {
      svg.line(x, row - 4, x + 18, row - 4, colors[i], 2, dashes[i]);
    } else {
      svg.rect(x, row - 10, 12, 12, colors[i], opacities[i]);
    }
    svg.text(x + 24, row, names[i], {.size = 11});
  }
}

// Title, horizontal grid lines with y tick labels, the axes and axis labels.
void draw_frame(SvgDocument& svg, const std::string& title, const std::string& x_label,
                const std::string& y_label, const Axis& y, const std::vector<double>& y_ticks,
                double plot_left, double plot_right, double x_label_y) {
  const double plot_top = y.pixel_hi;
  const double plot_bottom = y.pixel_lo;
  svg.text((plot_left + plot_right) / 2, 22, title, {.anchor = "middle", .size = 14, .bold = true});
  const double step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1.0;
  for (const double tick : y_ticks) {
    const double py = y.map(tick);
    svg.line(plot_left, py, plot_right, py, kGridColor);
    svg.text(plot_left - 6, py + 4, tick_label(tick, step), {.anchor = "end", .size = 11});
  }
  svg.line(plot_left, plot_top, plot_left, plot_bottom, kAxisColor);
  svg.line(plot_left, plot_bottom, plot_right, plot_bottom, kAxisColor);
  svg.text((plot_left + plot_right) / 2, x_label_y, x_label, {.anchor = "middle"});
  const double y_middle = (plot_top + plot_bottom) / 2;
  svg.text(18, y_middle, y_label, {.anchor = "middle", .rotate = -90});
}

}  // namespace

const std::string& series_color(size_t index) {
  // Tableau 10: distinguishable, and readable by most colour-blind viewers.
  static const std::vector<std::string> palette{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                                "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                                "#9c755f", "#bab0ac"};
  return palette[index % palette.size()];
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
  if (hi <= lo) hi = lo + (lo == 0 ? 1.0 : std::abs(lo) * 0.1);
  const double raw = (hi - lo) / std::max(1, count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double step = (normalized <= 1   ? 1
                       : normalized <= 2 ? 2
                       : normalized <= 5 ? 5
                                         : 10) *
                      magnitude;
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  std::vector<double> ticks;
  for (double k = first; k <= last; k += 1) ticks.push_back(k * step);
  return ticks;
}

std::string render_bar_chart(const BarChart& chart) {
  FULCRUM_CHECK(chart.y_max > chart.y_min, "render_bar_chart: y range [{}, {}] is empty",
                chart.y_min, chart.y_max);
  for (const BarSeries& series : chart.series) {
    FULCRUM_CHECK(series.values.size() == chart.categories.size(),
                  "render_bar_chart: series '{}' has {} values for {} categories", series.name,
                  series.values.size(), chart.categories.size());
  }
  const auto n_series = static_cast<double>(std::max<size_t>(1, chart.series.size()));
  const double bar = chart.series.size() <= 4 ? 14 : 8;
  const double group = n_series * bar + 12;
  const double plot_width = std::max(320.0, static_cast<double>(chart.categories.size()) * group);
  const double plot_height = 260;
  size_t longest = 0;
  for (const auto& category : chart.categories) longest = std::max(longest, category.size());
  const bool rotate = static_cast<double>(longest) * kCharWidth > group - 2;
  const double label_depth = rotate ? static_cast<double>(longest) * kCharWidth * 0.72 + 10 : 18;

  std::vector<std::string> names, colors, dashes;
  std::vector<double> opacities;
  for (size_t s = 0; s < chart.series.size(); ++s) {
    names.push_back(chart.series[s].name);
    colors.push_back(chart.series[s].color.empty() ? series_color(s) : chart.series[s].color);
    opacities.push_back(chart.series[s].opacity);
    dashes.emplace_back();
  }
  const double plot_left = kMarginLeft;
  const double plot_right = plot_left + plot_width;
  const double plot_top = kMarginTop;
  const double plot_bottom = plot_top + plot_height;
  const double width = plot_right + kLegendGap + legend_width(names) + 10;
  const double legend_bottom = plot_top + static_cast<double>(names.size()) * 18;
  const double height = std::max(plot_bottom + label_depth + 40, legend_bottom + 20);
  SvgDocument svg(width, height);

  const Axis y{chart.y_min, chart.y_max, plot_bottom, plot_top};
  std::vector<double> ticks;
  for (const double tick : nice_ticks(chart.y_min, chart.y_max)) {
    if (tick >= chart.y_min - 1e-12 && tick <= chart.y_max + 1e-12) ticks.push_back(tick);
  }
  draw_frame(svg, chart.title, chart.x_label, chart.y_label, y, ticks, plot_left, plot_right,
             plot_bottom + label_depth + 26);
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double group_left = plot_left + static_cast<double>(c) * group + 6;
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const std::optional<double>& value = chart.series[s].values[c];
      if (!value || !std::isfinite(*value)) continue;
      const double clamped = std::clamp(*value, chart.y_min, chart.y_max);
      const double top = y.map(clamped);
      svg.rect(group_left + static_cast<double>(s) * bar, top, bar - 1, plot_bottom - top,
               colors[s], opacities[s],
               fmt::format("{} / {}: {:.4f}", chart.series[s].name, chart.categories[c], *value));
    }
    const double center = group_left + (group - 12) / 2;
    if (rotate) {
      svg.text(center, plot_bottom + 14, chart.categories[c],
               {.anchor = "end", .size = 11, .rotate = -45});
    } else {
      svg.text(center, plot_bottom + 16, chart.categories[c], {.anchor = "middle", .size = 11});
    }
  }
  draw_legend(svg, plot_right + kLegendGap, plot_top + 10, names, colors, opacities, dashes,
              /*lines=*/false);
  return svg.str();
}

std::string render_line_chart(const LineChart& chart) {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
  for (const LineSeries& series : chart.series) {
    for (const LinePoint& p : series.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      x_lo = std::min(x_lo, p.x);
      x_hi = std::max(x_hi, p.x);
      y_lo = std::min(y_lo, p.y);
      y_hi = std::max(y_hi, p.y);
    }
  }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  const std::vector<double> auto_x = nice_ticks(x_lo, x_hi);
  const std::vector<double> auto_y = nice_ticks(y_lo, y_hi);
  const double x_min = chart.x_min.value_or(auto_x.front());
  const double x_max = chart.x_max.value_or(auto_x.back());
  const double y_min = chart.y_min.value_or(auto_y.front());
  const double y_max = chart.y_max.value_or(auto_y.back());
  FULCRUM_CHECK(x_max > x_min && y_max > y_min,
                "render_line_chart: empty range x [{}, {}], y [{}, {}]", x_min, x_max, y_min,
                y_max);

  std::vector<std::string> names, colors, dashes;
  for (size_t s = 0; s < chart.series.size(); ++s) {
    names.push_back(chart.series[s].name);
    colors.push_back(chart.series[s].color.empty() ? series_color(s) : chart.series[s].color);
    dashes.push_back(chart.series[s].dashed ? "6 3" : "");
  }
  FULCRUM_CHECK(chart.plot_width > 0 && chart.plot_height > 0,
                "render_line_chart: plot size {} x {} is empty", chart.plot_width,
                chart.plot_height);
  const double plot_left = kMarginLeft, plot_right = plot_left + chart.plot_width;
  const double plot_top = kMarginTop, plot_bottom = plot_top + chart.plot_height;
  const double width =
      chart.legend ? plot_right + kLegendGap + legend_width(names) + 10 : plot_right + 16;
  const double legend_rows = chart.legend ? static_cast<double>(names.size()) : 0.0;
  const double height = std::max(plot_bottom + 56, plot_top + legend_rows * 18 + 30);
  SvgDocument svg(width, height);
  const Axis x{x_min, x_max, plot_left, plot_right};
  const Axis y{y_min, y_max, plot_bottom, plot_top};

  std::vector<double> y_ticks, x_ticks;
  for (const double t : nice_ticks(y_min, y_max)) {
    if (t >= y_min - 1e-12 && t <= y_max + 1e-12) y_ticks.push_back(t);
  }
  for (const double t : nice_ticks(x_min, x_max, 6)) {
    if (t >= x_min - 1e-12 && t <= x_max + 1e-12) x_ticks.push_back(t);
  }
  draw_frame(svg, chart.title, chart.x_label, chart.y_label, y, y_ticks, plot_left, plot_right,
             plot_bottom + 40);
  const double x_step = x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1.0;
  for (const double tick : x_ticks) {
    const double px = x.map(tick);
    svg.line(px, plot_bottom, px, plot_bottom + 4, kAxisColor);
    svg.text(px, plot_bottom + 18, tick_label(tick, x_step), {.anchor = "middle", .size = 11});
  }
  if (chart.diagonal) {
    const double lo = std::max(x_min, y_min), hi = std::min(x_max, y_max);
    if (hi > lo) svg.line(x.map(lo), y.map(lo), x.map(hi), y.map(hi), "#999", 1, "4 4");
  }
  for (size_t s = 0; s < chart.series.size(); ++s) {
    std::vector<std::pair<double, double>> points;
    for (const LinePoint& p : chart.series[s].points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      points.emplace_back(x.map(std::clamp(p.x, x_min, x_max)),
                          y.map(std::clamp(p.y, y_min, y_max)));
    }
    if (points.size() > 1) svg.polyline(points, colors[s], 2, dashes[s]);
    if (chart.series[s].markers || points.size() == 1) {
      size_t k = 0;
      for (const LinePoint& p : chart.series[s].points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
        svg.circle(points[k].first, points[k].second, 3, colors[s],
                   fmt::format("{}: ({:.3f}, {:.3f})", chart.series[s].name, p.x, p.y));
        ++k;
      }
    }
  }
  if (chart.legend) {
    draw_legend(svg, plot_right + kLegendGap, plot_top + 10, names, colors,
                std::vector<double>(names.size(), 1.0), dashes, /*lines=*/true);
  }
  return svg.str();
}

}  // namespace fulcrum::plot
