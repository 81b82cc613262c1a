#pragma once
// The experiment report as a list of blocks (headings, paragraphs, tables,
// images), which report.cpp renders as markdown (summary.md) and as HTML
// (index.html), so that the two say the same thing. Each section of the
// report is a function that appends its blocks (report_sections.hpp).

#include <algorithm>
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace fulcrum::experiment {

/// Represents: one table cell; `link` (a relative URL) makes its text a link.
struct Cell {
  std::string text;
  bool bold = false;
  std::string link{};
};

/// Represents: a table whose first column is text and the others numbers
/// (right-aligned), unless `text_columns` names the columns that are text.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
  std::vector<size_t> text_columns{0};

  bool is_text(size_t column) const {
    return std::find(text_columns.begin(), text_columns.end(), column) != text_columns.end();
  }
};

struct Heading {
  int level;
  std::string text;
};

struct Paragraph {
  std::string text;
};

struct Image {
  std::string file;
  std::string title;
};

using Block = std::variant<Heading, Paragraph, Table, Image>;

/// The blocks as markdown: table cells escaped, paragraphs as written.
std::string markdown_document(const std::vector<Block>& blocks);

/// The blocks as a self-contained HTML page (inline style, no script).
std::string html_document(const std::vector<Block>& blocks, const std::string& title);

}  // namespace fulcrum::experiment
