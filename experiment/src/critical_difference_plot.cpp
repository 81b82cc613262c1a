// The critical-difference diagram as SVG (critical_difference_plot.hpp).
#include "fulcrum/experiment/critical_difference_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "fulcrum/core/error.hpp"
#include "fulcrum/experiment/rank_tests.hpp"
#include "fulcrum/plot/svg_document.hpp"

namespace fulcrum::experiment {

namespace {

using plot::SvgDocument;

constexpr double kWidth = 900;
constexpr double kLabelWidth = 270;  // each side, for "name (rank)"
constexpr double kAxisY = 90;
constexpr double kGroupSpacing = 7;
constexpr double kRowSpacing = 20;

void check(const CriticalDifferenceDiagram& diagram) {
  const size_t k = diagram.methods.size();
  FULCRUM_CHECK(k >= 2, "critical-difference diagram '{}': needs at least 2 methods, got {}",
                diagram.title, k);
  FULCRUM_CHECK(diagram.average_ranks.size() == k,
                "critical-difference diagram '{}': {} methods but {} average ranks", diagram.title,
                k, diagram.average_ranks.size());
  for (size_t m = 0; m < k; ++m) {
    const double rank = diagram.average_ranks[m];
    FULCRUM_CHECK(rank >= 1 && rank <= static_cast<double>(k),
                  "critical-difference diagram '{}': average rank {} of '{}' is outside [1, {}]",
                  diagram.title, rank, diagram.methods[m], k);
  }
  FULCRUM_CHECK(diagram.critical_difference > 0 && std::isfinite(diagram.critical_difference),
                "critical-difference diagram '{}': the critical difference must be > 0, got {}",
                diagram.title, diagram.critical_difference);
}

}  // namespace

std::string render_critical_difference_diagram(const CriticalDifferenceDiagram& diagram) {
  check(diagram);
  const size_t k = diagram.methods.size();
  std::vector<size_t> order(k);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return diagram.average_ranks[a] < diagram.average_ranks[b];
  });
  std::vector<double> sorted;
  for (const size_t m : order) sorted.push_back(diagram.average_ranks[m]);
  const auto groups = nemenyi_groups(sorted, diagram.critical_difference);

  const double left = kLabelWidth, right = kWidth - kLabelWidth;
  const auto x_of = [&](double rank) {
    return left + (rank - 1.0) / static_cast<double>(k - 1) * (right - left);
  };
  const size_t left_count = (k + 1) / 2;  // the better half is labelled on the left
  const double rows_top = kAxisY + 20 + kGroupSpacing * static_cast<double>(groups.size());
  const double height = rows_top + kRowSpacing * static_cast<double>(left_count) + 40;
  SvgDocument svg(kWidth, height);

  svg.text(kWidth / 2, 22, diagram.title, {.anchor = "middle", .size = 15, .bold = true});
  // The CD bar, for scale, from rank 1.
  const double cd_end = x_of(std::min(1.0 + diagram.critical_difference, static_cast<double>(k)));
  svg.line(x_of(1.0), 45, cd_end, 45, "#222", 2);
  svg.line(x_of(1.0), 40, x_of(1.0), 50, "#222", 1);
  svg.line(cd_end, 40, cd_end, 50, "#222", 1);
  svg.text((x_of(1.0) + cd_end) / 2, 38, fmt::format("CD = {:.3f}", diagram.critical_difference),
           {.anchor = "middle", .size = 11});
  // The axis, rank 1 (best) on the left.
  svg.line(left, kAxisY, right, kAxisY, "#222", 1.5);
  for (size_t r = 1; r <= k; ++r) {
    const double x = x_of(static_cast<double>(r));
    svg.line(x, kAxisY - 8, x, kAxisY, "#222", 1);
    svg.text(x, kAxisY - 12, std::to_string(r), {.anchor = "middle", .size = 12});
    const double half = static_cast<double>(r) + 0.5;
    if (r < k) svg.line(x_of(half), kAxisY - 4, x_of(half), kAxisY, "#222", 1);
  }
  // The groups the test does not tell apart.
  for (size_t g = 0; g < groups.size(); ++g) {
    const double y = kAxisY + 12 + kGroupSpacing * static_cast<double>(g);
    svg.line(x_of(sorted[groups[g].first]) - 4, y, x_of(sorted[groups[g].second]) + 4, y, "#222",
             3.5);
  }
  // Each method: a line from its rank down to its row, then out to its label.
  for (size_t i = 0; i < k; ++i) {
    const size_t m = order[i];
    const bool on_left = i < left_count;
    const size_t row = on_left ? i : k - 1 - i;
    const double y = rows_top + kRowSpacing * static_cast<double>(row) + 10;
    const double x = x_of(sorted[i]);
    const double end = on_left ? left - 10 : right + 10;
    svg.polyline({{x, kAxisY}, {x, y}, {end, y}}, "#444", 1);
    const std::string label = fmt::format("{} ({:.2f})", diagram.methods[m], sorted[i]);
    svg.text(on_left ? end - 4 : end + 4, y + 4, label,
             {.anchor = on_left ? "end" : "start", .size = 12});
  }
  if (!diagram.caption.empty()) {
    svg.text(kWidth / 2, height - 12, diagram.caption,
             {.anchor = "middle", .size = 11, .fill = "#555"});
  }
  return svg.str();
}

}  // namespace fulcrum::experiment
