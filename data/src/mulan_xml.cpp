// read_mulan_label_names: the small, strict subset of XML that MULAN's label
// files use (a prolog, comments, <labels> holding possibly nested <label name=...>
// elements, whitespace between them). Anything else is an error with its line,
// since a label file read wrongly would train on the wrong columns.
#include <algorithm>
#include <cctype>
#include <map>

#include "fulcrum/data/arff.hpp"
#include "text_input.hpp"

namespace fulcrum::data {
namespace {

using detail::fail_at;

class MulanXml {
 public:
  MulanXml(std::string_view text, const std::filesystem::path& file) : text_(text), file_(file) {}

  std::vector<std::string> labels() {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    skip_misc();
    const size_t start = pos_;
    if (!at("<")) fail(pos_, "expected the <labels> element");
    const Tag root = start_tag();
    if (root.name != "labels") fail(start, fmt::format("expected <labels>, found <{}>", root.name));
    if (!root.empty) content("labels", start);
    skip_misc();
    if (pos_ < text_.size()) fail(pos_, "unexpected text after </labels>");
    if (names_.empty()) fail(start, "<labels> holds no <label name=\"...\"> element");
    return names_;
  }

 private:
  struct Tag {
    std::string name;
    std::map<std::string, std::string> attributes;
    bool empty = false;  ///< <name ... />
  };

  [[noreturn]] void fail(size_t pos, const std::string& message) const {
    const auto line = std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(
                                                                   std::min(pos, text_.size())),
                                 '\n');
    fail_at(file_, static_cast<int64_t>(line) + 1, std::string_view(message));
  }

  bool at(std::string_view s) const { return text_.substr(pos_).starts_with(s); }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  // Whitespace, comments and processing instructions (<?xml ...?>).
  void skip_misc() {
    for (;;) {
      skip_space();
      if (at("<!--")) {
        skip_past("-->", "an unterminated comment <!--");
      } else if (at("<?")) {
        skip_past("?>", "an unterminated <?...?>");
      } else {
        return;
      }
    }
  }

  void skip_past(std::string_view end, std::string_view what) {
    const size_t found = text_.find(end, pos_);
    if (found == std::string_view::npos) fail(pos_, std::string(what));
    pos_ = found + end.size();
  }

  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '-' ||
           c == '.';
  }

  std::string xml_name() {
    const size_t begin = pos_;
    while (pos_ < text_.size() && name_char(text_[pos_])) ++pos_;
    if (pos_ == begin) fail(begin, "expected a name");
    return std::string(text_.substr(begin, pos_ - begin));
  }

  // At '<': the tag up to its '>' or '/>'.
  Tag start_tag() {
    ++pos_;
    Tag tag;
    tag.name = xml_name();
    for (;;) {
      const size_t before = pos_;
      skip_space();
      if (at("/>")) {
        pos_ += 2;
        tag.empty = true;
        return tag;
      }
      if (at(">")) {
        ++pos_;
        return tag;
      }
      if (pos_ >= text_.size()) fail(before, fmt::format("<{}> is not closed with '>'", tag.name));
      if (pos_ == before) fail(pos_, fmt::format("expected a space before an attribute of <{}>",
                                                 tag.name));
      const size_t attribute_at = pos_;
      const std::string key = xml_name();
      skip_space();
      if (!at("=")) fail(pos_, fmt::format("attribute '{}' of <{}> has no '=\"value\"'", key,
                                           tag.name));
      ++pos_;
      skip_space();
      const char quote = pos_ < text_.size() ? text_[pos_] : '\0';
      if (quote != '"' && quote != '\'')
        fail(pos_, fmt::format("the value of attribute '{}' must be quoted", key));
      const size_t close = text_.find(quote, pos_ + 1);
      if (close == std::string_view::npos)
        fail(pos_, fmt::format("the value of attribute '{}' is not closed", key));
      const std::string value = decode(text_.substr(pos_ + 1, close - pos_ - 1), pos_ + 1);
      pos_ = close + 1;
      if (!tag.attributes.emplace(key, value).second)
        fail(attribute_at, fmt::format("attribute '{}' appears twice in <{}>", key, tag.name));
    }
  }

  // The five predefined entities; a '<' or any other '&' is an error.
  std::string decode(std::string_view value, size_t offset) const {
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '<') fail(offset + i, "'<' inside an attribute value (write &lt;)");
      if (value[i] != '&') {
        out.push_back(value[i]);
        continue;
      }
      bool known = false;
      for (const auto& [entity, c] : kEntities) {
        if (value.substr(i).starts_with(entity)) {
          out.push_back(c);
          i += entity.size() - 1;
          known = true;
          break;
        }
      }
      if (!known) {
        const std::string_view rest = value.substr(i, std::min<size_t>(value.size() - i, 12));
        fail(offset + i, fmt::format("unknown entity '{}' (known: &amp; &lt; &gt; &quot; &apos;)",
                                     rest.substr(0, std::min(rest.find(';') + 1, rest.size()))));
      }
    }
    return out;
  }

  // The children of an open <parent> up to its end tag: <label> elements only.
  void content(const std::string& parent, size_t parent_at) {
    for (;;) {
      skip_space();
      if (at("<!--")) {
        skip_past("-->", "an unterminated comment <!--");
        continue;
      }
      if (pos_ >= text_.size())
        fail(parent_at, fmt::format("<{}> is never closed (no </{}>)", parent, parent));
      const size_t tag_at = pos_;
      if (at("</")) {
        pos_ += 2;
        const std::string name = xml_name();
        skip_space();
        if (!at(">")) fail(pos_, fmt::format("</{}> is not closed with '>'", name));
        ++pos_;
        if (name != parent)
          fail(tag_at, fmt::format("</{}> closes <{}>", name, parent));
        return;
      }
      if (!at("<")) {
        const std::string_view rest = text_.substr(pos_, 20);
        fail(pos_, fmt::format("unexpected text '{}' inside <{}>", rest.substr(0, rest.find('\n')),
                               parent));
      }
      const Tag tag = start_tag();
      if (tag.name != "label")
        fail(tag_at, fmt::format("unexpected element <{}> inside <{}> (only <label> is allowed)",
                                 tag.name, parent));
      const auto name = tag.attributes.find("name");
      if (name == tag.attributes.end() || name->second.empty())
        fail(tag_at, "<label> without a name=\"...\" attribute");
      if (std::find(names_.begin(), names_.end(), name->second) != names_.end())
        fail(tag_at, fmt::format("label '{}' is named twice", name->second));
      names_.push_back(name->second);
      if (!tag.empty) content("label", tag_at);
    }
  }

  std::string_view text_;
  const std::filesystem::path& file_;
  size_t pos_ = 0;
  std::vector<std::string> names_;
};

}  // namespace

std::vector<std::string> read_mulan_label_names(const std::filesystem::path& xml_file) {
  const std::string text = detail::read_text_file(xml_file);
  return MulanXml(text, xml_file).labels();
}

}  // namespace fulcrum::data
