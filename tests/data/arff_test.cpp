// read_arff: ARFF files as the format defines them (quoting, comments, any
// case, nominal and string/date attributes, missing values, sparse and dense
// rows), MULAN/MEKA label conventions, MULAN's XML label files, and errors
// with file, line and attribute.

#include "fulcrum/data/arff.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "data_test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

using testing::contains;
using testing::data_error;
using testing::TempDir;

constexpr const char* kDenseMeka =
    "% a MEKA file: the first three attributes are labels\n"
    "@relation 'scene: -C 3'\n"
    "\n"
    "@attribute L1 {0,1}\n"
    "@ATTRIBUTE L2 {0,1}\n"
    "@attribute L3 {0,1}\n"
    "@attribute f1 numeric\n"
    "@attribute 'f two' REAL\n"
    "@data\n"
    "1,0,1,0.5,-1\n"
    "% a comment between rows\n"
    "0,0,0,2,3e-1\n";

TEST(ReadArff, DenseRowsWithMekaFirstLabels) {
  TempDir dir;
  const Dataset ds = read_arff(dir.write("scene.arff", kDenseMeka));
  EXPECT_EQ(ds.features.shape(), (Shape{2, 2}));
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{0.5f, -1, 2, 0.3f}));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"f1", "f two"}));
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"L1", "L2", "L3"}));
  EXPECT_EQ(t.values.to_vector(), (std::vector<float>{1, 0, 1, 0, 0, 0}));
  EXPECT_NO_THROW(ds.validate());
}

constexpr const char* kSparseLastLabels =
    "@relation \"sparse: -C -2\"\n"
    "@attribute a numeric\n"
    "@attribute b numeric\n"
    "@attribute c numeric\n"
    "@attribute y1 {0,1}\n"
    "@attribute y2 {1,0}\n"
    "@data\n"
    "{0 1.5, 3 1, 4 1}\n"
    "{}\n"
    "{1 2,2 -1, 4 0}\r\n";

TEST(ReadArff, SparseRowsWithNegativeMekaOption) {
  TempDir dir;
  const Dataset ds = read_arff(dir.write("sparse.arff", kSparseLastLabels));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{1.5f, 0, 0, 0, 0, 0, 0, 2, -1}));
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"y1", "y2"}));
  // y2 = {1,0}: a sparse row that leaves it out means its first value, 1.
  EXPECT_EQ(t.values.to_vector(), (std::vector<float>{1, 1, 0, 1, 0, 0}));
}

TEST(ReadArff, OptionsOverrideTheRelation) {
  TempDir dir;
  ArffOptions last_one;
  last_one.label_count = 1;
  last_one.target_name = "tail";
  const Dataset ds = read_arff(dir.write("sparse.arff", kSparseLastLabels), last_one);
  EXPECT_EQ(ds.target("tail").classes, (std::vector<std::string>{"y2"}));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "b", "c", "y1"}));

  const auto file = dir.write("scene.arff", kDenseMeka);
  ArffOptions named;
  named.label_names = {"L3", "L1"};
  const Dataset by_name = read_arff(file, named);
  EXPECT_EQ(by_name.target("labels").classes, (std::vector<std::string>{"L3", "L1"}));
  EXPECT_EQ(by_name.target("labels").values.to_vector(), (std::vector<float>{1, 1, 0, 0}));
  EXPECT_EQ(by_name.feature_names, (std::vector<std::string>{"L2", "f1", "f two"}));
}

TEST(ReadArffErrors, NoWayToKnowTheLabels) {
  TempDir dir;
  const auto file = dir.write("plain.arff", "@relation plain\n@attribute a numeric\n"
                                            "@attribute y {0,1}\n@data\n1,0\n");
  const std::string message = data_error([&] { read_arff(file); });
  EXPECT_TRUE(contains(message, "plain.arff"));
  EXPECT_TRUE(contains(message, "label_count"));
  ArffOptions unknown;
  unknown.label_names = {"z"};
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, unknown); }),
                       "unknown label attribute 'z'; the attributes are: a, y"));
}

// One header, each bad data line in turn: the message names line and attribute.
TEST(ReadArffErrors, BadRowsNameLineAndAttribute) {
  TempDir dir;
  const std::string header =
      "@relation 'r: -C -1'\n@attribute a numeric\n@attribute b numeric\n@attribute y {0,1}\n"
      "@data\n1,2,0\n";
  const struct {
    const char* row;
    const char* expected;
  } cases[] = {
      {"1,abc,1", "bad.arff:7: attribute 'b': 'abc' is not a number"},
      {"1,2", "bad.arff:7: 2 values, expected 3"},
      {"1,2,1,4", "bad.arff:7: 4 values, expected 3"},
      {"1,2,2", "bad.arff:7: attribute 'y': '2' is not one of its values {0,1}"},
      {"?,2,1", "bad.arff:7: attribute 'a': missing value '?' (missing: error"},
      {"1,2,?", "bad.arff:7: label attribute 'y': missing value '?'"},
      {"{5 1}", "bad.arff:7: sparse entry '5 1' is not '<index> <value>' with an index in [0, 3)"},
      {"{0 1, 1}", "bad.arff:7: sparse entry '1'"},
      {"{0 1", "bad.arff:7: a sparse row must be"},
  };
  for (const auto& c : cases) {
    const auto file = dir.write("bad.arff", header + c.row + "\n");
    EXPECT_TRUE(contains(data_error([&] { read_arff(file); }), c.expected)) << "row: " << c.row;
  }
}

TEST(ReadArffErrors, BadHeaders) {
  TempDir dir;
  const auto no_data = dir.write("h.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(no_data); }), "h.arff: no @data section"));
  const auto string_type =
      dir.write("s.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n@attribute t string\n@data\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(string_type); }),
                       "s.arff:3: attribute 't': type 'string' is not supported"));
  const auto twice = dir.write(
      "w.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n@attribute c {red,blue,red}\n@data\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(twice); }),
                       "w.arff:3: attribute 'c': nominal value 'red' is declared twice"));
  const auto open_quote = dir.write(
      "q.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n@attribute 'c numeric\n@data\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(open_quote); }),
                       "q.arff:3: unterminated quote in attribute name"));
  const auto word_label = dir.write(
      "l.arff", "@relation 'r: -C 1'\n@attribute y {no,yes}\n@attribute a numeric\n@data\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(word_label); }),
                       "l.arff:2: label attribute 'y': type '{no,yes}' is not 0/1"));
  const auto junk = dir.write("j.arff", "@relation r\nhello\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(junk); }),
                       "j.arff:2: expected @relation, @attribute or @data"));
  const auto all_labels = dir.write("a.arff", "@relation 'r: -C 2'\n@attribute y {0,1}\n"
                                               "@attribute z {0,1}\n@data\n0,1\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(all_labels); }),
                       "2 labels do not fit 2 attributes"));
  const auto no_rows = dir.write("n.arff", "@relation 'r: -C 1'\n@attribute y {0,1}\n"
                                           "@attribute a numeric\n@data\n%\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(no_rows); }), "no data rows"));
  EXPECT_TRUE(contains(data_error([] { read_arff("/nonexistent/x.arff"); }),
                       "cannot open '/nonexistent/x.arff'"));
}

// -- the ARFF format in full: quoting, comments, case, nominal features -------

constexpr const char* kQuoted =
    "% Weka writes names with spaces and quotes like this\n"
    "@relation 'birds: -C -1'\n"
    "@attribute 'Swainson\\'s Thrush' numeric\n"
    "@attribute \"say \\\"hi\\\"\" real\n"
    "@attribute species {'Swainson\\'s Thrush', \"a, b\", plain}\n"
    "@attribute seen {0,1}\n"
    "@data\n"
    "1.5,2,'Swainson\\'s Thrush',1\n"
    "-1,'3',\"a, b\",0\n"
    "0,4,plain,1\n";

TEST(ReadArff, QuotedNamesAndValuesWithEscapes) {
  TempDir dir;
  const Dataset ds = read_arff(dir.write("birds.arff", kQuoted));
  EXPECT_EQ(ds.feature_names,
            (std::vector<std::string>{"Swainson's Thrush", "say \"hi\"",
                                      "species=Swainson's Thrush", "species=a, b",
                                      "species=plain"}));
  EXPECT_EQ(ds.features.to_vector(),
            (std::vector<float>{1.5f, 2, 1, 0, 0, -1, 3, 0, 1, 0, 0, 4, 0, 0, 1}));
  EXPECT_EQ(ds.target("labels").classes, (std::vector<std::string>{"seen"}));
  EXPECT_EQ(ds.target("labels").values.to_vector(), (std::vector<float>{1, 0, 1}));
}

constexpr const char* kUppercase =
    "%% header comment\n"
    "@RELATION Upper\n"
    "   % an indented comment\n"
    "@ATTRIBUTE a NUMERIC\n"
    "@Attribute b Integer\n"
    "%\n"
    "@attribute c REAL\n"
    "@ATTRIBUTE y {0,1}\n"
    "@DATA\n"
    "% before the rows\n"
    "1,2,3,1\n"
    "\n"
    "%4,5,6,0\n"
    "7,8,9,0\n";

TEST(ReadArff, CommentsAndKeywordsInAnyCase) {
  TempDir dir;
  ArffOptions options;
  options.label_count = 1;
  const Dataset ds = read_arff(dir.write("upper.arff", kUppercase), options);
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{1, 2, 3, 7, 8, 9}));
  EXPECT_EQ(ds.target("labels").values.to_vector(), (std::vector<float>{1, 0}));
}

constexpr const char* kProteins =
    "@relation proteins\n"
    "@attribute protein {P12345,Q9XYZ1,O00001}\n"
    "@attribute level {1,2,3}\n"
    "@attribute L1 {0,1}\n"
    "@attribute L2 {0,1}\n"
    "@data\n"
    "Q9XYZ1,3,1,0\n"
    "O00001,1,0,1\n"
    "P12345,2,1,1\n";

TEST(ReadArff, NominalFeaturesWithWordValuesAreOneHot) {
  TempDir dir;
  ArffOptions options;
  options.label_count = 2;
  const Dataset ds = read_arff(dir.write("proteins.arff", kProteins), options);
  // Declaration order, not order of appearance; {1,2,3} holds numbers: one column.
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"protein=P12345", "protein=Q9XYZ1",
                                                        "protein=O00001", "level"}));
  EXPECT_EQ(ds.features.to_vector(),
            (std::vector<float>{0, 1, 0, 3, 0, 0, 1, 1, 1, 0, 0, 2}));
  EXPECT_EQ(ds.target("labels").values.to_vector(), (std::vector<float>{1, 0, 0, 1, 1, 1}));

  const auto bad = dir.write("bad.arff", std::string(kProteins) + "X00000,1,0,0\n");
  EXPECT_TRUE(contains(data_error([&] { read_arff(bad, options); }),
                       "bad.arff:10: attribute 'protein': 'X00000' is not one of its values "
                       "{P12345,Q9XYZ1,O00001}"));
}

// -- string and date attributes, and drop ---------------------------------------

constexpr const char* kWithText =
    "@relation notes\n"
    "@attribute id numeric\n"
    "@attribute note string\n"
    "@attribute when DATE \"yyyy-MM-dd\"\n"
    "@attribute x numeric\n"
    "@attribute y {0,1}\n"
    "@data\n"
    "1,'a note, with a comma',2024-01-05,0.5,1\n"
    "2,plain,2024-02-01,1.5,0\n";

TEST(ReadArff, StringAndDateAttributesAreReadWhenDropped) {
  TempDir dir;
  const auto file = dir.write("notes.arff", kWithText);
  ArffOptions options;
  options.label_count = 1;
  options.drop = {"when", "note", "id"};
  const Dataset ds = read_arff(file, options);
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"x"}));
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{0.5f, 1.5f}));
  EXPECT_EQ(ds.target("labels").values.to_vector(), (std::vector<float>{1, 0}));
}

TEST(ReadArffErrors, StringAndDateAttributesNameFileLineAndAttribute) {
  TempDir dir;
  const auto file = dir.write("notes.arff", kWithText);
  ArffOptions options;
  options.label_count = 1;
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, options); }),
                       "notes.arff:3: attribute 'note': type 'string' is not supported; drop it"));
  options.drop = {"note"};
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, options); }),
                       "notes.arff:4: attribute 'when': type 'DATE \"yyyy-MM-dd\"' is not "
                       "supported; drop it"));
  options.drop = {"note", "wen"};
  const std::string unknown = data_error([&] { read_arff(file, options); });
  EXPECT_TRUE(contains(unknown, "notes.arff: drop: no attribute 'wen'; did you mean 'when'?"));
  EXPECT_TRUE(contains(unknown, "the attributes are: id, note, when, x, y"));
  options.drop = {"y"};
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, options); }),
                       "notes.arff:6: drop: 'y' is a label attribute"));
}

// -- missing values --------------------------------------------------------------

constexpr const char* kMissing =
    "@relation gaps\n"
    "@attribute a numeric\n"
    "@attribute colour {red,green,blue}\n"
    "@attribute flag {0,1}\n"
    "@attribute y {0,1}\n"
    "@data\n"
    "1,green,1,1\n"
    "?,?,?,0\n"
    "2,blue,0,1\n"
    "{0 6, 1 blue, 2 0, 3 1}\n"
    "{0 ?, 1 ?}\n";

ArffOptions missing_options(MissingPolicy policy) {
  ArffOptions options;
  options.label_count = 1;
  options.missing = policy;
  return options;
}

TEST(ReadArff, MissingValuesAreReadAsNaNForAnImputer) {
  TempDir dir;
  const Dataset ds = read_arff(dir.write("gaps.arff", kMissing),
                               missing_options(MissingPolicy::Mean));
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "colour=red", "colour=green",
                                                        "colour=blue", "flag"}));
  // The reader fills nothing: a '?' is NaN in each column of its attribute.
  const std::vector<float> v = ds.features.to_vector();
  const std::vector<bool> nan_at = {false, false, false, false, false,  //
                                    true,  true,  true,  true,  true,   //
                                    false, false, false, false, false,  //
                                    false, false, false, false, false,  //
                                    true,  true,  true,  true,  false};
  ASSERT_EQ(v.size(), nan_at.size());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(std::isnan(v[i]), nan_at[i]) << "entry " << i;
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[15], 6.0f);
  // What an Imputer needs to fill a nominal attribute as a whole.
  ASSERT_EQ(ds.nominal_columns.size(), 2u);
  EXPECT_EQ(ds.nominal_columns[0].attribute, "colour");
  EXPECT_EQ(ds.nominal_columns[0].column, 1);
  EXPECT_EQ(ds.nominal_columns[0].width, 3);
  EXPECT_TRUE(ds.nominal_columns[0].numbers.empty());
  EXPECT_EQ(ds.nominal_columns[1].attribute, "flag");
  EXPECT_EQ(ds.nominal_columns[1].column, 4);
  EXPECT_EQ(ds.nominal_columns[1].width, 1);
  EXPECT_EQ(ds.nominal_columns[1].numbers, (std::vector<float>{0, 1}));
  EXPECT_NO_THROW(ds.validate());
  EXPECT_EQ(ds.target("labels").values.to_vector(), (std::vector<float>{1, 0, 1, 1, 0}));
}

TEST(ReadArffErrors, MissingValuesNameFileLineAndAttribute) {
  TempDir dir;
  const auto file = dir.write("gaps.arff", kMissing);
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, missing_options(MissingPolicy::Error)); }),
                       "gaps.arff:8: attribute 'a': missing value '?' (missing: error; set it to "
                       "mean or most_frequent to impute)"));
  ArffOptions defaults;  // the default policy is error
  defaults.label_count = 1;
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, defaults); }),
                       "gaps.arff:8: attribute 'a': missing value '?'"));
  // A label is never imputed.
  const auto label_gap = dir.write("label.arff", "@relation r\n@attribute a numeric\n"
                                                 "@attribute y {0,1}\n@data\n1,0\n{0 2, 1 ?}\n");
  for (MissingPolicy policy :
       {MissingPolicy::Error, MissingPolicy::Mean, MissingPolicy::MostFrequent}) {
    SCOPED_TRACE(name_of(policy));
    EXPECT_TRUE(contains(data_error([&] { read_arff(label_gap, missing_options(policy)); }),
                         "label.arff:6: label attribute 'y': missing value '?' (a label must be 0 "
                         "or 1)"));
  }
}

TEST(MissingPolicy, NamesRoundTrip) {
  EXPECT_EQ(names_of<MissingPolicy>(), (std::vector<std::string>{"error", "mean", "most_frequent"}));
  EXPECT_EQ(parse_name<MissingPolicy>("most_frequent", "missing"), MissingPolicy::MostFrequent);
  expect_error<ValueError>([] { parse_name<MissingPolicy>("median", "missing"); },
                           {"unknown missing 'median'", "(valid: error, mean, most_frequent)"});
}

// -- sparse and dense rows in one file; labels anywhere, by name ------------------

constexpr const char* kMixed =
    "@relation mixed\n"
    "@attribute f0 numeric\n"
    "@attribute tagA {0,1}\n"
    "@attribute shade {dark,light}\n"
    "@attribute f1 numeric\n"
    "@attribute 'tag B' {0,1}\n"
    "@attribute f2 numeric\n"
    "@data\n"
    "0.5,1,light,2,0,-1\n"
    "{1 1, 4 1}\n"
    "{0 3, 2 light, 5 7}\n"
    "1,0,dark,0,1,0\n";

TEST(ReadArff, SparseAndDenseRowsMixWithLabelsInTheMiddle) {
  TempDir dir;
  ArffOptions options;
  options.label_names = {"tag B", "tagA"};
  const Dataset ds = read_arff(dir.write("mixed.arff", kMixed), options);
  EXPECT_EQ(ds.feature_names,
            (std::vector<std::string>{"f0", "shade=dark", "shade=light", "f1", "f2"}));
  // A sparse row that leaves out `shade` means its first value, dark.
  EXPECT_EQ(ds.features.to_vector(), (std::vector<float>{0.5f, 0, 1, 2, -1,  //
                                                         0, 1, 0, 0, 0,       //
                                                         3, 0, 1, 0, 7,       //
                                                         1, 1, 0, 0, 0}));
  const Target& t = ds.target("labels");
  EXPECT_EQ(t.classes, (std::vector<std::string>{"tag B", "tagA"}));
  EXPECT_EQ(t.values.to_vector(), (std::vector<float>{0, 1, 1, 1, 0, 0, 1, 0}));
}

TEST(ReadArffErrors, LabelNamesTheFileLacksAreListedTogether) {
  TempDir dir;
  const auto file = dir.write("mixed.arff", kMixed);
  ArffOptions options;
  options.label_names = {"tagA", "tagC", "tag D"};
  options.label_names_source = "mixed.xml";
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, options); }),
                       "mixed.arff: 2 unknown label attributes 'tagC', 'tag D' (labels named in "
                       "mixed.xml); the attributes are: f0, tagA, shade, f1, tag B, f2"));
}

// -- MULAN's XML label files ---------------------------------------------------------

TEST(ReadMulanLabelNames, FlatNestedAndEscaped) {
  TempDir dir;
  const auto flat = dir.write("flat.xml",
                              "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                              "<labels xmlns=\"http://mulan.sourceforge.net/labels\">\n"
                              "<label name=\"amazed-suprised\"></label>\n"
                              "<!-- a comment -->\n"
                              "<label name='happy &amp; pleased'/>\n"
                              "<label name=\"&lt;b&gt; &quot;x&quot; &apos;y&apos;\"></label>\n"
                              "</labels>\n");
  EXPECT_EQ(read_mulan_label_names(flat),
            (std::vector<std::string>{"amazed-suprised", "happy & pleased",
                                      "<b> \"x\" 'y'"}));
  const auto nested = dir.write("tree.xml",
                                "<labels xmlns=\"http://mulan.sourceforge.net/labels\">\n"
                                "  <label name=\"animal\">\n"
                                "    <label name=\"bird\"><label name=\"thrush\"/></label>\n"
                                "    <label name=\"fish\"></label>\n"
                                "  </label>\n"
                                "  <label name=\"plant\"/>\n"
                                "</labels>");
  EXPECT_EQ(read_mulan_label_names(nested),
            (std::vector<std::string>{"animal", "bird", "thrush", "fish", "plant"}));
}

TEST(ReadMulanLabelNamesErrors, MalformedFilesNameTheLine) {
  TempDir dir;
  const std::string open = "<?xml version=\"1.0\"?>\n<labels xmlns=\"x\">\n";
  const struct {
    std::string text;
    const char* expected;
  } cases[] = {
      {open + "<label name=\"a\"></label>\n", "bad.xml:2: <labels> is never closed"},
      {open + "<label name=\"a\">\n</labels>\n", "bad.xml:4: </labels> closes <label>"},
      {open + "<label nam=\"a\"/>\n</labels>\n", "bad.xml:3: <label> without a name"},
      {open + "<label name=a/>\n</labels>\n", "bad.xml:3: the value of attribute 'name' must be"},
      {open + "<lable name=\"a\"/>\n</labels>\n",
       "bad.xml:3: unexpected element <lable> inside <labels>"},
      {open + "<label name=\"a &nbsp; b\"/>\n</labels>\n", "bad.xml:3: unknown entity '&nbsp;'"},
      {open + "<label name=\"a\"/>\n<label name=\"a\"/>\n</labels>\n",
       "bad.xml:4: label 'a' is named twice"},
      {open + "<label name=\"a\"/>\ntext\n</labels>\n", "bad.xml:4: unexpected text 'text'"},
      {open + "</labels>\n", "bad.xml:2: <labels> holds no <label"},
      {open + "<label name=\"a\"/>\n</labels>\n<labels/>\n",
       "bad.xml:5: unexpected text after </labels>"},
      {"<?xml version=\"1.0\"?>\n\n<tags/>\n", "bad.xml:3: expected <labels>, found <tags>"},
      {"", "bad.xml:1: expected the <labels> element"},
  };
  for (const auto& c : cases) {
    const auto file = dir.write("bad.xml", c.text);
    EXPECT_TRUE(contains(data_error([&] { read_mulan_label_names(file); }), c.expected))
        << c.text;
  }
  EXPECT_TRUE(contains(data_error([] { read_mulan_label_names("/nonexistent/l.xml"); }),
                       "cannot open '/nonexistent/l.xml'"));
}

TEST(ReadMulanLabelNames, ChooseTheLabelsOfAnArffFile) {
  TempDir dir;
  const auto arff = dir.write("mixed.arff", kMixed);
  const auto xml = dir.write("mixed.xml",
                             "<labels xmlns=\"http://mulan.sourceforge.net/labels\">"
                             "<label name=\"tagA\"/><label name=\"tag B\"/></labels>");
  ArffOptions options;
  options.label_names = read_mulan_label_names(xml);
  const Dataset ds = read_arff(arff, options);
  EXPECT_EQ(ds.target("labels").classes, (std::vector<std::string>{"tagA", "tag B"}));
  EXPECT_EQ(ds.num_features(), 5);

  const auto missing = dir.write("more.xml",
                                 "<labels><label name=\"tagA\"/><label name=\"tagZ\"/></labels>");
  options.label_names = read_mulan_label_names(missing);
  options.label_names_source = missing.string();
  const std::string message = data_error([&] { read_arff(arff, options); });
  EXPECT_TRUE(contains(message, "mixed.arff: 1 unknown label attribute 'tagZ'"));
  EXPECT_TRUE(contains(message, "more.xml"));
}

// A sparse row "{}" costs three bytes of file and a full row of memory: the
// rows are refused, on the row that crosses the limit, before it is stored.
TEST(ReadArff, RowsThatWouldMakeTheDenseFeaturesTooLargeAreRefused) {
  TempDir dir;
  std::string text = "@relation r\n";
  for (int a = 0; a < 100; ++a) text += "@attribute a" + std::to_string(a) + " numeric\n";
  text += "@attribute y {0,1}\n@data\n";
  for (int row = 0; row < 20; ++row) text += "{}\n";
  const auto file = dir.write("wide.arff", text);
  ArffOptions options;
  options.label_count = 1;
  options.max_elements = 1000;
  // 100 features: row 11 (line 114) is the first over 1000 elements.
  EXPECT_TRUE(contains(data_error([&] { read_arff(file, options); }),
                       {"wide.arff:114: data row 11 would make the features a 11 x 100 dense "
                        "float32 matrix", "at most 1000 elements each (ArffOptions::max_elements)"}));
  options.max_elements = 2000;
  EXPECT_EQ(read_arff(file, options).features.shape(), (Shape{20, 100}));
}

TEST(ReadArff, TheDefaultLimitIsTheDocumentedOne) {
  EXPECT_EQ(ArffOptions{}.max_elements, int64_t{1} << 28);
}

}  // namespace
}  // namespace fulcrum::data
