#include "fulcrum/data/libsvm.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

#include "text_input.hpp"

namespace fulcrum::data {
namespace {

using detail::fail_at;

struct Entry {
  int64_t row;
  int64_t column;
  float value;
};

// The next whitespace-separated token of `line` from `pos`; empty at the end.
std::string_view next_token(std::string_view line, size_t& pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  const size_t begin = pos;
  while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
  return line.substr(begin, pos - begin);
}

class LibsvmRows {
 public:
  LibsvmRows(const LibsvmOptions& options, const std::filesystem::path& file)
      : options_(options), file_(file) {}

  void read(std::string_view line, int64_t line_number) {
    line_ = line_number;
    size_t pos = 0;
    std::string_view token = next_token(line, pos);
    if (token.find(':') == std::string_view::npos) {
      read_labels(token);
      token = next_token(line, pos);
    }
    const size_t row_begin = features_.size();
    for (; !token.empty(); token = next_token(line, pos)) read_feature(token);
    check_duplicates(row_begin);
    ++rows_;
  }

  Dataset finish() {
    if (rows_ == 0) fail_at(file_, 0, "no examples");
    const int64_t f = options_.num_features > 0 ? options_.num_features : largest_feature_ + 1;
    const int64_t l = options_.num_labels > 0 ? options_.num_labels : largest_label_ + 1;
    if (f <= 0) fail_at(file_, 0, "no example has a feature; set num_features");
    if (l <= 0) fail_at(file_, 0, "no example has a label; set num_labels");
    const double density = static_cast<double>(features_.size()) /
                           (static_cast<double>(rows_) * static_cast<double>(f));
    const bool sparse = hold_sparse(options_.storage, true, density);
    if (!sparse && detail::exceeds_elements(rows_, f - 1, options_.max_elements)) {
      if (options_.num_features > 0)
        fail_at(file_, 0, "{} examples with num_features = {} would make {}; {}", rows_, f,
                detail::dense_matrix(rows_, f - 1), dense_limit());
      fail_at(file_, widest_line_, "feature index {} on line {} with {} examples would make {}; {}",
              largest_feature_ + base(), widest_line_, rows_, detail::dense_matrix(rows_, f - 1),
              dense_limit());
    }
    if (detail::exceeds_elements(rows_, l - 1, options_.max_elements))
      fail_at(file_, 0, "{} examples x {} labels would make {}; {}", rows_, l,
              detail::dense_matrix(rows_, l - 1), dense_limit());
    Dataset dataset;
    if (sparse) {
      dataset.sparse_features = std::make_shared<const CsrMatrix>(sparse_features(f));
    } else {
      dataset.features = Tensor::zeros({rows_, f});
      for (const Entry& e : features_) dataset.features.data()[e.row * f + e.column] = e.value;
    }
    for (int64_t j = 0; j < f; ++j)
      dataset.feature_names.push_back(fmt::format("f{}", j + base()));
    Target target{options_.target_name, TaskKind::MultiLabel, Tensor::zeros({rows_, l}), {}};
    for (const auto& [row, label] : labels_) target.values.data()[row * l + label] = 1.0f;
    for (int64_t k = 0; k < l; ++k) target.classes.push_back(std::to_string(k));
    dataset.targets.push_back(std::move(target));
    return dataset;
  }

 private:
  void read_labels(std::string_view token) {
    size_t begin = 0;
    while (begin <= token.size()) {
      const size_t end = std::min(token.find(',', begin), token.size());
      const std::string_view text = token.substr(begin, end - begin);
      const auto id = detail::parse_int(text);
      if (!id || *id < 0)
        fail_at(file_, line_, "label '{}' is not a label id (a non-negative integer)", text);
      if (options_.num_labels > 0 && *id >= options_.num_labels)
        fail_at(file_, line_, "label {} is out of range for num_labels = {}", *id,
                options_.num_labels);
      if (detail::exceeds_elements(rows_ + 1, *id, options_.max_elements))
        fail_at(file_, line_, "label {} on line {} would make {} of labels; {}", *id, line_,
                detail::dense_matrix(rows_ + 1, *id), dense_limit());
      largest_label_ = std::max(largest_label_, *id);
      labels_.emplace_back(rows_, *id);
      begin = end + 1;
    }
  }

  void read_feature(std::string_view token) {
    const size_t colon = token.find(':');
    if (colon == std::string_view::npos)
      fail_at(file_, line_, "'{}' is not an 'index:value' pair", token);
    const std::string_view index_text = token.substr(0, colon);
    const std::string_view value_text = token.substr(colon + 1);
    const auto index = detail::parse_int(index_text);
    if (!index || *index < base())
      fail_at(file_, line_, "feature index '{}' is not an integer >= {}{}", index_text, base(),
              options_.zero_based ? "" : " (set zero_based for 0-based files)");
    const int64_t column = *index - base();
    if (options_.num_features > 0 && column >= options_.num_features)
      fail_at(file_, line_, "feature index {} is out of range for num_features = {}", *index,
              options_.num_features);
    // Checked before anything is allocated for it: the rows so far, this one
    // included, at this width.
    if (options_.storage == FeatureStorage::Dense &&
        detail::exceeds_elements(rows_ + 1, column, options_.max_elements))
      fail_at(file_, line_, "feature index {} on line {} would make {}; {}", *index, line_,
              detail::dense_matrix(rows_ + 1, column), dense_limit());
    float value = 0.0f;
    if (!detail::parse_float(value_text, value))
      fail_at(file_, line_, "feature {}: {}", *index, detail::number_problem(value_text));
    if (column > largest_feature_) {
      largest_feature_ = column;
      widest_line_ = line_;
    }
    features_.push_back({rows_, column, value});
  }

  int64_t base() const { return options_.zero_based ? 0 : 1; }

  // The entries as CSR: they are in row order, sorted by column within a row.
  CsrMatrix sparse_features(int64_t f) const {
    if (f > std::numeric_limits<int32_t>::max())
      fail_at(file_, widest_line_, "feature index {} does not fit sparse features' int32 indices",
              largest_feature_ + base());
    CsrMatrix x(f);
    x.columns.reserve(features_.size());
    x.values.reserve(features_.size());
    x.row_offsets.reserve(static_cast<size_t>(rows_) + 1);
    size_t k = 0;
    for (int64_t row = 0; row < rows_; ++row) {
      for (; k < features_.size() && features_[k].row == row; ++k)
        if (features_[k].value != 0.0f) x.push_back(features_[k].column, features_[k].value);
      x.end_row();
    }
    return x;
  }

  std::string dense_limit() const {
    return fmt::format("fulcrum reads libsvm into dense features and labels, at most {} elements "
                       "each (LibsvmOptions::max_elements)",
                       options_.max_elements);
  }

  void check_duplicates(size_t row_begin) {
    auto begin = features_.begin() + static_cast<std::ptrdiff_t>(row_begin);
    std::sort(begin, features_.end(),
              [](const Entry& a, const Entry& b) { return a.column < b.column; });
    const auto dup = std::adjacent_find(begin, features_.end(), [](const Entry& a, const Entry& b) {
      return a.column == b.column;
    });
    if (dup != features_.end())
      fail_at(file_, line_, "feature index {} appears twice",
              dup->column + (options_.zero_based ? 0 : 1));
  }

  const LibsvmOptions& options_;
  const std::filesystem::path& file_;
  int64_t line_ = 0;
  int64_t rows_ = 0;
  int64_t largest_feature_ = -1;
  int64_t widest_line_ = 0;  ///< the line of the largest feature index
  int64_t largest_label_ = -1;
  std::vector<Entry> features_;
  std::vector<std::pair<int64_t, int64_t>> labels_;
};

// Checked before the file is read, so that bad options name no file problem.
void check_options(const std::filesystem::path& file, const LibsvmOptions& options) {
  if (options.num_features < 0 || options.num_labels < 0)
    fail_at(file, 0, "num_features ({}) and num_labels ({}) must not be negative",
            options.num_features, options.num_labels);
  if (options.max_elements < 1)
    fail_at(file, 0, "max_elements must be >= 1, got {}", options.max_elements);
}

}  // namespace

Dataset read_libsvm(const std::filesystem::path& file, const LibsvmOptions& options) {
  check_options(file, options);
  return parse_libsvm(detail::read_text_file(file), file.string(), options);
}

Dataset parse_libsvm(std::string_view text, const std::string& source_name,
                     const LibsvmOptions& options) {
  const std::filesystem::path file(source_name);
  check_options(file, options);
  detail::LineReader lines(text);
  LibsvmRows rows(options, file);
  std::string_view line;
  while (lines.next(line)) {
    line = line.substr(0, line.find('#'));
    if (detail::trim(line).empty()) continue;
    rows.read(line, lines.line_number());
  }
  return rows.finish();
}

}  // namespace fulcrum::data
