// Markdown and HTML renderings of the report blocks (report_blocks.hpp).
#include "report_blocks.hpp"

#include <fmt/format.h>

#include <string>
#include <variant>
#include <vector>

#include "fulcrum/plot/svg_document.hpp"

namespace fulcrum::experiment {

using plot::xml_escape;

// -- markdown ---------------------------------------------------------------------

// A table cell's text with the characters markdown would read as markup
// (a column break, an HTML tag, emphasis, code) escaped.
namespace {

std::string markdown_cell(const Cell& cell) {
  std::string text;
  for (const char c : cell.text) {
    if (c == '|' || c == '<' || c == '>' || c == '*' || c == '`') text += '\\';
    text += c == '\n' ? ' ' : c;
  }
  if (!cell.link.empty()) text = "[" + text + "](" + cell.link + ")";
  return cell.bold ? "**" + text + "**" : text;
}

}  // namespace

std::string markdown_document(const std::vector<Block>& blocks) {
  std::string out;
  for (const Block& block : blocks) {
    if (!out.empty()) out += "\n";
    if (const auto* h = std::get_if<Heading>(&block)) {
      out += fmt::format("{} {}\n", std::string(static_cast<size_t>(h->level), '#'), h->text);
    } else if (const auto* p = std::get_if<Paragraph>(&block)) {
      out += p->text + "\n";
    } else if (const auto* image = std::get_if<Image>(&block)) {
      out += fmt::format("![{}]({})\n", image->title, image->file);
    } else if (const auto* table = std::get_if<Table>(&block)) {
      std::string header = "|", rule = "|";
      for (size_t c = 0; c < table->header.size(); ++c) {
        header += fmt::format(" {} |", markdown_cell({table->header[c], false}));
        rule += table->is_text(c) ? "---|" : "---:|";
      }
      out += header + "\n" + rule + "\n";
      for (const auto& row : table->rows) {
        std::string line = "|";
        for (const Cell& cell : row) line += fmt::format(" {} |", markdown_cell(cell));
        out += line + "\n";
      }
    }
  }
  return out;
}

// -- HTML ---------------------------------------------------------------------------

std::string html_document(const std::vector<Block>& blocks, const std::string& title) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n"
      "<style>\n"
      "body {{ font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }}\n"
      "table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}\n"
      "th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; }}\n"
      "th {{ background: #f2f2f2; }}\n"
      "td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}\n"
      "figure {{ margin: 1em 0 2em; }}\n"
      "img {{ max-width: 100%; }}\n"
      "</style>\n</head>\n<body>\n",
      xml_escape(title));
  for (const Block& block : blocks) {
    if (const auto* h = std::get_if<Heading>(&block)) {
      out += fmt::format("<h{0}>{1}</h{0}>\n", h->level, xml_escape(h->text));
    } else if (const auto* p = std::get_if<Paragraph>(&block)) {
      out += fmt::format("<p>{}</p>\n", xml_escape(p->text));
    } else if (const auto* image = std::get_if<Image>(&block)) {
      out += fmt::format(
          "<figure><img src=\"{0}\" alt=\"{1}\"/><figcaption>{1}</figcaption></figure>\n",
          xml_escape(image->file), xml_escape(image->title));
    } else if (const auto* table = std::get_if<Table>(&block)) {
      out += "<table>\n<tr>";
      for (const std::string& name : table->header) out += "<th>" + xml_escape(name) + "</th>";
      out += "</tr>\n";
      for (const auto& row : table->rows) {
        out += "<tr>";
        for (size_t c = 0; c < row.size(); ++c) {
          std::string text = xml_escape(row[c].text);
          if (!row[c].link.empty()) {
            text = "<a href=\"" + xml_escape(row[c].link) + "\">" + text + "</a>";
          }
          if (row[c].bold) text = "<strong>" + text + "</strong>";
          out +=
              table->is_text(c) ? "<td>" + text + "</td>" : "<td class=\"num\">" + text + "</td>";
        }
        out += "</tr>\n";
      }
      out += "</table>\n";
    }
  }
  return out + "</body>\n</html>\n";
}

}  // namespace fulcrum::experiment
