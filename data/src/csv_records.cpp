#include "csv_records.hpp"

#include "text_input.hpp"

namespace fulcrum::data::detail {

CsvRecords::CsvRecords(std::string_view text, char delimiter, const std::filesystem::path& file,
                       int64_t max_bytes, int64_t max_fields)
    : text_(text), delimiter_(delimiter), file_(file), max_bytes_(max_bytes),
      max_fields_(max_fields) {
  if (max_bytes < 1 || max_fields < 1)
    fail_at(file, 0, "max_line_bytes ({}) and max_fields ({}) must be >= 1", max_bytes,
            max_fields);
  // A UTF-8 byte order mark (spreadsheet exports) is not part of the first name.
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvRecords::at_blank_line() const {
  size_t p = pos_;
  while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
  return p < text_.size() && text_[p] == '\n';
}

void CsvRecords::check_length(size_t record_begin) const {
  if (static_cast<uint64_t>(pos_ - record_begin) > static_cast<uint64_t>(max_bytes_))
    fail_at(file_, record_line_, "the line is longer than {} bytes (max_line_bytes); a line "
            "this long is not a table row", max_bytes_);
}

bool CsvRecords::next(std::vector<std::string_view>& fields) {
  while (pos_ < text_.size() && at_blank_line()) {
    pos_ = text_.find('\n', pos_) + 1;
    ++line_;
  }
  // Blank lines are skipped, and so is trailing white space without a final newline.
  if (trim(text_.substr(pos_)).find_first_not_of('\r') == std::string_view::npos) return false;

  record_line_ = line_;
  const size_t record_begin = pos_;
  buffer_.clear();
  offsets_.clear();
  const size_t n = text_.size();
  bool record_done = false;
  while (!record_done) {
    const size_t begin = buffer_.size();
    if (pos_ < n && text_[pos_] == '"') {
      const int64_t quote_line = line_;
      ++pos_;
      while (true) {
        if (pos_ >= n) fail_at(file_, quote_line, "a quoted field is never closed");
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < n && text_[pos_] == '"') {
            buffer_.push_back('"');
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        check_length(record_begin);
        buffer_.push_back(c);
      }
      // After the closing quote only a delimiter or the end of the line may follow.
      if (pos_ < n && text_[pos_] == '\r' && (pos_ + 1 == n || text_[pos_ + 1] == '\n')) ++pos_;
      if (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n')
        fail_at(file_, line_, "field {}: unexpected '{}' after a closing quote",
                offsets_.size() + 1, text_[pos_]);
    } else {
      const size_t start = pos_;
      while (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n') ++pos_;
      check_length(record_begin);
      size_t end = pos_;
      if (end > start && text_[end - 1] == '\r' && (pos_ == n || text_[pos_] == '\n')) --end;
      buffer_.append(text_.substr(start, end - start));
    }
    if (static_cast<int64_t>(offsets_.size()) >= max_fields_)
      fail_at(file_, record_line_, "the line has more than {} fields (max_fields)", max_fields_);
    offsets_.emplace_back(begin, buffer_.size());
    if (pos_ >= n) {
      record_done = true;
    } else if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
      record_done = true;
    } else {
      ++pos_;  // the delimiter; a field follows, possibly empty
    }
  }
  fields.clear();
  const std::string_view buffer(buffer_);
  for (const auto& [b, e] : offsets_) fields.push_back(buffer.substr(b, e - b));
  return true;
}

}  // namespace fulcrum::data::detail
