#pragma once
// SvgDocument: a dependency-free SVG writer, element by element, as text.
// The experiment report's plots (svg_plot.hpp) are drawn with it.
//
// Output is deterministic: coordinates are written with two decimals, in the
// order the elements were added, and text is XML-escaped.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fulcrum::plot {

/// `text` with & < > " ' replaced by entities, and control characters other
/// than tab / newline dropped (they are not allowed in XML 1.0).
std::string xml_escape(std::string_view text);

/// A coordinate as SVG text: two decimals, no "-0.00".
std::string svg_number(double value);

/// How a text element is drawn.
struct TextStyle {
  std::string anchor = "start";  ///< start | middle | end
  double size = 12;
  double rotate = 0;  ///< degrees, around the anchor point
  bool bold = false;
  std::string fill = "#222";
};

/// Represents: an SVG image of a fixed size being built. Colours and dash
/// patterns are the caller's (trusted) attribute values; text is escaped.
class SvgDocument {
 public:
  SvgDocument(double width, double height);

  void rect(double x, double y, double width, double height, const std::string& fill,
            double opacity = 1.0, const std::string& tooltip = {});
  void line(double x1, double y1, double x2, double y2, const std::string& stroke,
            double stroke_width = 1.0, const std::string& dash = {});
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                double stroke_width = 1.5, const std::string& dash = {});
  void circle(double cx, double cy, double r, const std::string& fill,
              const std::string& tooltip = {});
  void text(double x, double y, std::string_view content, const TextStyle& style = {});

  /// The whole document: <svg ...> with a white background, the elements, </svg>.
  std::string str() const;

 private:
  double width_;
  double height_;
  std::string body_;
};

}  // namespace fulcrum::plot
