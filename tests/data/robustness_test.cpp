// Damaged input never crashes, hangs or yields an invalid dataset: every
// reader either returns a Dataset that passes validate() or throws DataError.
// The damage is seeded: byte flips, cut files, stray quotes, delimiters and
// line breaks in valid files of each format.

#include <gtest/gtest.h>

#include <functional>

#include "data_test_util.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/libsvm.hpp"

namespace fulcrum::data {
namespace {

std::string damage(std::string text, Generator& gen) {
  static const char kNasty[] = {'"', ',', '\n', '\r', '{', '}', ':', '|', ' ', 'x', '-', '%', '?', '\''};
  const int edits = 1 + static_cast<int>(gen.below(3));
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const size_t at = gen.below(text.size());
    const char c = kNasty[gen.below(sizeof kNasty)];
    switch (gen.below(4)) {
      case 0: text[at] = c; break;
      case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
      case 2: text.erase(at, 1 + gen.below(4)); break;
      default: text.resize(at); break;
    }
  }
  return text;
}

void expect_valid_or_data_error(const std::string& text, const std::string& name,
                                const std::function<Dataset(const std::filesystem::path&)>& read) {
  testing::TempDir dir;
  Generator gen(17);
  int read_ok = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::string damaged = damage(text, gen);
    const auto file = dir.write(name, damaged);
    try {
      read(file).validate(name);
      ++read_ok;
    } catch (const DataError& e) {
      // Whatever check refuses the damage, its message says which file it is in.
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos)
          << "the error does not name " << name << ": " << e.what() << "\ninput:\n"
          << damaged;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a DataError: " << e.what() << "\ninput:\n" << damaged;
    }
  }
  EXPECT_GT(read_ok, 0) << "some damage (e.g. in a number's digits) still reads";
}

TEST(Robustness, CsvWithEveryKindOfTarget) {
  const std::string text =
      "a,b,\"c d\",y1,y2,tags,kind\n"
      "1.5,2,3,0,1,cat|dog,0\n"
      "-4,5e-1,6,1,1,,2\n"
      "7,8,9,0,0,dog,1\n";
  CsvOptions options;
  TargetSpec hot, tags, kind;
  hot.name = "hot", hot.columns = {"y1", "y2"};
  tags.name = "tags", tags.column = "tags";
  kind.name = "kind", kind.kind = TaskKind::MultiClass, kind.column = "kind";
  options.targets = {hot, tags, kind};
  expect_valid_or_data_error(text, "t.csv", [&](const auto& f) { return read_csv(f, options); });
}

TEST(Robustness, ArffDenseAndSparse) {
  const std::string text =
      "@relation 'r: -C -2'\n@attribute a numeric\n@attribute 'b b' real\n"
      "@attribute y1 {0,1}\n@attribute y2 {0,1}\n@data\n1,2,0,1\n{0 3, 3 1}\n{}\n-1,0.5,1,1\n";
  expect_valid_or_data_error(text, "t.arff", [](const auto& f) { return read_arff(f); });
}

TEST(Robustness, Libsvm) {
  const std::string text = "0,2 1:0.5 3:1\n 2:-1\n1 1:1 2:2 3:3\n";
  expect_valid_or_data_error(text, "t.svm", [](const auto& f) { return read_libsvm(f); });
}

}  // namespace
}  // namespace fulcrum::data
