#pragma once
// Splits CSV text into records of fields (internal), following RFC 4180:
// fields may be quoted with '"', a quoted field may hold the delimiter, line
// breaks and doubled quotes (""), and lines may end in "\r\n". Blank lines are
// skipped. Fields are returned as views into a buffer reused for every
// record, so a large file is split without an allocation per field.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fulcrum::data::detail {

class CsvRecords {
 public:
  /// `text` must outlive the reader; `file` is used in error messages.
  /// A record may span at most `max_bytes` bytes of text and hold at most
  /// `max_fields` fields.
  CsvRecords(std::string_view text, char delimiter, const std::filesystem::path& file,
             int64_t max_bytes, int64_t max_fields);

  /// The next record's fields (valid until the next call); false at the end.
  /// Throws DataError for a quote that is never closed, text after a closing
  /// quote, or a record over either limit (before more of it is kept).
  bool next(std::vector<std::string_view>& fields);

  /// The line on which the record last returned begins (from 1).
  int64_t line() const { return record_line_; }

 private:
  bool at_blank_line() const;
  /// Fails if the record that began at `record_begin` reaches past the byte limit at pos_.
  void check_length(size_t record_begin) const;

  std::string_view text_;
  char delimiter_;
  const std::filesystem::path& file_;
  int64_t max_bytes_;
  int64_t max_fields_;
  size_t pos_ = 0;
  int64_t line_ = 1;         // line of text_[pos_]
  int64_t record_line_ = 0;  // line where the last record began
  std::string buffer_;                              // unquoted field contents
  std::vector<std::pair<size_t, size_t>> offsets_;  // [begin, end) in buffer_
};

}  // namespace fulcrum::data::detail
