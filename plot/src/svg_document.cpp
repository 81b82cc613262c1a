// SvgDocument: SVG elements as text (svg_document.hpp).
#include "fulcrum/plot/svg_document.hpp"

#include <fmt/format.h>

namespace fulcrum::plot {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
        out += c;
    }
  }
  return out;
}

std::string svg_number(double value) {
  std::string text = fmt::format("{:.2f}", value);
  if (text == "-0.00") text = "0.00";
  return text;
}

SvgDocument::SvgDocument(double width, double height) : width_(width), height_(height) {}

namespace {

std::string dash_attribute(const std::string& dash) {
  return dash.empty() ? std::string{} : fmt::format(" stroke-dasharray=\"{}\"", dash);
}

// <title> children show as tooltips in a browser.
std::string close_with_tooltip(const char* tag, const std::string& tooltip) {
  if (tooltip.empty()) return "/>\n";
  return fmt::format("><title>{}</title></{}>\n", xml_escape(tooltip), tag);
}

}  // namespace

void SvgDocument::rect(double x, double y, double width, double height, const std::string& fill,
                       double opacity, const std::string& tooltip) {
  body_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
                       svg_number(x), svg_number(y), svg_number(width), svg_number(height), fill);
  if (opacity < 1.0) body_ += fmt::format(" fill-opacity=\"{}\"", svg_number(opacity));
  body_ += close_with_tooltip("rect", tooltip);
}

void SvgDocument::line(double x1, double y1, double x2, double y2, const std::string& stroke,
                       double stroke_width, const std::string& dash) {
  body_ += fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n",
      svg_number(x1), svg_number(y1), svg_number(x2), svg_number(y2), stroke,
      svg_number(stroke_width), dash_attribute(dash));
}

void SvgDocument::polyline(const std::vector<std::pair<double, double>>& points,
                           const std::string& stroke, double stroke_width,
                           const std::string& dash) {
  std::string coordinates;
  for (const auto& [x, y] : points) {
    if (!coordinates.empty()) coordinates += ' ';
    coordinates += svg_number(x) + "," + svg_number(y);
  }
  body_ +=
      fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n",
                  coordinates, stroke, svg_number(stroke_width), dash_attribute(dash));
}

void SvgDocument::circle(double cx, double cy, double r, const std::string& fill,
                         const std::string& tooltip) {
  body_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"", svg_number(cx),
                       svg_number(cy), svg_number(r), fill);
  body_ += close_with_tooltip("circle", tooltip);
}

void SvgDocument::text(double x, double y, std::string_view content, const TextStyle& style) {
  body_ +=
      fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{}\"",
                  svg_number(x), svg_number(y), svg_number(style.size), style.anchor, style.fill);
  if (style.bold) body_ += " font-weight=\"bold\"";
  if (style.rotate != 0) {
    body_ += fmt::format(" transform=\"rotate({} {} {})\"", svg_number(style.rotate), svg_number(x),
                         svg_number(y));
  }
  body_ += fmt::format(">{}</text>\n", xml_escape(content));
}

std::string SvgDocument::str() const {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"Helvetica, Arial, sans-serif\">\n"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n{2}</svg>\n",
      svg_number(width_), svg_number(height_), body_);
}

}  // namespace fulcrum::plot
