#pragma once
// Single CSV records and fields, for code that looks at a file's first line
// before read_csv reads it, or that writes CSV itself.

#include <string>
#include <string_view>
#include <vector>

namespace fulcrum::data {

/// The fields of the first non-blank line of CSV `text`, each trimmed of
/// spaces, tabs and '\r' (quotes honoured, "" inside quotes is one quote, a
/// UTF-8 byte order mark skipped). A header is one line, so this is enough to
/// see the column names before parse_csv reads the whole text.
/// Ensures: at least one field (an empty one for text without a non-blank line).
std::vector<std::string> first_csv_record(std::string_view text, char delimiter);

/// Whether a first record is a header rather than data: some field in it is
/// not a number.
bool looks_like_header(const std::vector<std::string>& first_record);

/// `field` as one CSV field: as it is, or in quotes (a quote inside doubled,
/// RFC 4180) when it holds a comma, quote or line break, and also a ';' or
/// tab, so that a spreadsheet that guesses the delimiter sees one field.
std::string csv_field(std::string_view field);

}  // namespace fulcrum::data
