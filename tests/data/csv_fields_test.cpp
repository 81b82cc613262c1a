// first_csv_record, looks_like_header and csv_field: a file's first line seen
// before it is read, and one field written so that it reads back as it was.

#include "fulcrum/data/csv_fields.hpp"

#include <gtest/gtest.h>

namespace fulcrum::data {
namespace {

using Fields = std::vector<std::string>;

TEST(FirstCsvRecord, SkipsBlankLinesAndTheByteOrderMarkAndTrimsFields) {
  EXPECT_EQ(first_csv_record("\xEF\xBB\xBF\n  \r\n a , b\t,c\r\n1,2,3\n", ','),
            (Fields{"a", "b", "c"}));
}

TEST(FirstCsvRecord, HonoursQuotesAndTheDelimiter) {
  EXPECT_EQ(first_csv_record("\"x;y\";\"say \"\"hi\"\"\";z\n", ';'),
            (Fields{"x;y", "say \"hi\"", "z"}));
}

TEST(FirstCsvRecord, TextWithoutALineIsOneEmptyField) {
  EXPECT_EQ(first_csv_record("", ','), Fields{""});
  EXPECT_EQ(first_csv_record("\n\n", ','), Fields{""});
}

TEST(LooksLikeHeader, AnyFieldThatIsNotANumber) {
  EXPECT_TRUE(looks_like_header({"1", "x", "2"}));
  EXPECT_TRUE(looks_like_header({"1", ""}));
  EXPECT_FALSE(looks_like_header({"1", "-2.5", "3e4"}));
}

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("a;b"), "\"a;b\"");
  EXPECT_EQ(csv_field("a\tb"), "\"a\tb\"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(CsvField, ReadsBackAsItWas) {
  for (const std::string field : {"a,b", "say \"hi\"", "1;2", "plain"}) {
    EXPECT_EQ(first_csv_record(csv_field(field) + ",z\n", ','), (Fields{field, "z"}));
  }
}

}  // namespace
}  // namespace fulcrum::data
