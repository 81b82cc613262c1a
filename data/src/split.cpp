#include "fulcrum/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/random.hpp"

namespace fulcrum::data {
namespace {

using Folds = std::vector<std::vector<int64_t>>;

void check_fractions(std::span<const double> fractions) {
  FULCRUM_CHECK(!fractions.empty(), "split: no fold fractions given");
  double total = 0.0;
  for (double f : fractions) {
    FULCRUM_CHECK(f >= 0.0 && std::isfinite(f), "split: fold fraction {} is not >= 0", f);
    total += f;
  }
  FULCRUM_CHECK(std::fabs(total - 1.0) < 1e-6, "split: fold fractions sum to {}, not 1", total);
}

std::vector<int64_t> shuffled_rows(int64_t n, Generator& gen) {
  std::vector<int64_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(rows[i], rows[gen.below(static_cast<uint64_t>(i + 1))]);
  return rows;
}

// Among the folds with a positive fraction, those with the largest `want`
// value, narrowed by the largest wanted total, then one at random.
class FoldChooser {
 public:
  FoldChooser(std::span<const double> fractions, Generator& gen)
      : fractions_(fractions), gen_(gen) {}

  size_t choose(const std::vector<double>& want, const std::vector<double>* total) {
    candidates_.clear();
    for (size_t j = 0; j < fractions_.size(); ++j) {
      if (fractions_[j] <= 0.0) continue;
      if (!candidates_.empty() && want[j] < want[candidates_[0]]) continue;
      if (!candidates_.empty() && want[j] > want[candidates_[0]]) candidates_.clear();
      candidates_.push_back(j);
    }
    if (total && candidates_.size() > 1) {
      double best = -INFINITY;
      for (size_t j : candidates_) best = std::max(best, (*total)[j]);
      std::erase_if(candidates_, [&](size_t j) { return (*total)[j] < best; });
    }
    if (candidates_.size() == 1) return candidates_[0];
    return candidates_[gen_.below(candidates_.size())];
  }

 private:
  std::span<const double> fractions_;
  Generator& gen_;
  std::vector<size_t> candidates_;
};

// The Sechidis et al. greedy over rows given as lists of label ids in [0, L).
Folds stratify(const std::vector<std::vector<int64_t>>& row_labels, int64_t num_labels,
               std::span<const double> fractions, uint64_t seed) {
  check_fractions(fractions);
  const int64_t n = static_cast<int64_t>(row_labels.size());
  const size_t folds = fractions.size();
  Generator gen(seed);
  const std::vector<int64_t> order = shuffled_rows(n, gen);

  std::vector<std::vector<int64_t>> label_rows(static_cast<size_t>(num_labels));
  for (int64_t row : order)
    for (int64_t l : row_labels[row]) label_rows[l].push_back(row);
  std::vector<int64_t> remaining(static_cast<size_t>(num_labels));
  // want_label[l][j]: rows with label l that fold j still wants.
  std::vector<std::vector<double>> want_label(static_cast<size_t>(num_labels),
                                              std::vector<double>(folds));
  std::vector<double> want_total(folds);
  for (int64_t l = 0; l < num_labels; ++l) {
    remaining[l] = static_cast<int64_t>(label_rows[l].size());
    for (size_t j = 0; j < folds; ++j)
      want_label[l][j] = fractions[j] * static_cast<double>(remaining[l]);
  }
  for (size_t j = 0; j < folds; ++j) want_total[j] = fractions[j] * static_cast<double>(n);

  Folds result(folds);
  std::vector<bool> assigned(static_cast<size_t>(n), false);
  const auto assign = [&](int64_t row, size_t fold) {
    assigned[row] = true;
    result[fold].push_back(row);
    want_total[fold] -= 1.0;
    for (int64_t l : row_labels[row]) {
      want_label[l][fold] -= 1.0;
      --remaining[l];
    }
  };

  FoldChooser chooser(fractions, gen);
  while (true) {
    // The label with the fewest unassigned rows (ties: the lowest id).
    int64_t rarest = -1;
    for (int64_t l = 0; l < num_labels; ++l)
      if (remaining[l] > 0 && (rarest < 0 || remaining[l] < remaining[rarest])) rarest = l;
    if (rarest < 0) break;
    for (int64_t row : label_rows[rarest])
      if (!assigned[row]) assign(row, chooser.choose(want_label[rarest], &want_total));
  }
  for (int64_t row : order)
    if (!assigned[row]) assign(row, chooser.choose(want_total, nullptr));
  for (auto& fold : result) std::sort(fold.begin(), fold.end());
  return result;
}

}  // namespace

Folds iterative_stratification(const Tensor& labels, std::span<const double> fractions,
                               uint64_t seed) {
  FULCRUM_CHECK_SHAPE(labels.defined() && labels.dim() == 2,
                      "iterative_stratification: expected labels [N, L], got {}",
                      labels.defined() ? fulcrum::to_string(labels.shape()) : "undefined");
  const int64_t n = labels.size(0);
  const int64_t l = labels.size(1);
  std::vector<std::vector<int64_t>> row_labels(static_cast<size_t>(n));
  const float* v = labels.data();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < l; ++j) {
      FULCRUM_CHECK(v[i * l + j] == 0.0f || v[i * l + j] == 1.0f,
                    "iterative_stratification: label value {} at row {}, label {} is not 0 or 1",
                    v[i * l + j], i, j);
      if (v[i * l + j] == 1.0f) row_labels[i].push_back(j);
    }
  return stratify(row_labels, l, fractions, seed);
}

Folds stratified_split(const Tensor& classes, std::span<const double> fractions, uint64_t seed) {
  FULCRUM_CHECK_SHAPE(classes.defined() && classes.dim() == 1,
                      "stratified_split: expected class indices [N], got {}",
                      classes.defined() ? fulcrum::to_string(classes.shape()) : "undefined");
  // Classes are renumbered densely, so a large index costs nothing.
  std::map<float, int64_t> ids;
  for (float c : classes.values()) {
    FULCRUM_CHECK(c >= 0.0f && c == std::floor(c),
                  "stratified_split: {} is not a class index (a non-negative integer)", c);
    ids.emplace(c, 0);
  }
  int64_t next = 0;
  for (auto& [c, id] : ids) id = next++;
  std::vector<std::vector<int64_t>> row_labels;
  row_labels.reserve(static_cast<size_t>(classes.numel()));
  for (float c : classes.values()) row_labels.push_back({ids[c]});
  return stratify(row_labels, next, fractions, seed);
}

Folds random_split(int64_t n, std::span<const double> fractions, uint64_t seed) {
  FULCRUM_CHECK(n >= 0, "random_split: n = {} is negative", n);
  check_fractions(fractions);
  Generator gen(seed);
  const std::vector<int64_t> order = shuffled_rows(n, gen);
  Folds result(fractions.size());
  double cumulative = 0.0;
  int64_t begin = 0;
  for (size_t j = 0; j < fractions.size(); ++j) {
    cumulative += fractions[j];
    const int64_t end = j + 1 == fractions.size()
                            ? n
                            : std::min(n, static_cast<int64_t>(std::llround(cumulative * static_cast<double>(n))));
    result[j].assign(order.begin() + begin, order.begin() + std::max(begin, end));
    std::sort(result[j].begin(), result[j].end());
    begin = std::max(begin, end);
  }
  return result;
}

SplitIndices split_dataset(const Dataset& dataset, double validation_fraction,
                           double test_fraction, uint64_t seed) {
  FULCRUM_CHECK(validation_fraction >= 0.0 && test_fraction >= 0.0 &&
                    validation_fraction + test_fraction < 1.0,
                "split_dataset: validation fraction {} and test fraction {} must be >= 0 and "
                "sum to less than 1",
                validation_fraction, test_fraction);
  const double fractions[] = {1.0 - validation_fraction - test_fraction, validation_fraction,
                              test_fraction};
  Folds folds;
  if (dataset.targets.empty()) {
    folds = random_split(dataset.size(), fractions, seed);
  } else if (dataset.targets[0].kind == TaskKind::MultiLabel) {
    folds = iterative_stratification(dataset.targets[0].values, fractions, seed);
  } else {
    folds = stratified_split(dataset.targets[0].values, fractions, seed);
  }
  return {std::move(folds[0]), std::move(folds[1]), std::move(folds[2])};
}

}  // namespace fulcrum::data
