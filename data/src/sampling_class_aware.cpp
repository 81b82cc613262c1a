// Class-aware sampling (Shen et al. 2016) and the loader orders built on the
// samplers.

#include <memory>
#include <utility>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/data/sampling.hpp"
#include "sampling_input.hpp"

namespace fulcrum::data {
namespace {

constexpr const char* kFn = "ClassAwareSampler";

// The rows of each class: rows with class index c (multi-class), or with
// label c positive (multi-label).
std::vector<std::vector<int64_t>> rows_per_class(const Tensor& targets, TaskKind kind) {
  std::vector<std::vector<int64_t>> rows;
  if (kind == TaskKind::MultiLabel) {
    detail::check_label_matrix(targets, kFn);
    const int64_t n = targets.size(0), width = targets.size(1);
    rows.resize(static_cast<size_t>(width));
    const float* values = targets.data();
    for (int64_t row = 0; row < n; ++row)
      for (int64_t c = 0; c < width; ++c)
        if (values[row * width + c] != 0.0f) rows[c].push_back(row);
    return rows;
  }
  detail::check_class_indices(targets, kFn);
  const auto values = targets.values();
  for (size_t row = 0; row < values.size(); ++row) {
    const auto c = static_cast<size_t>(values[row]);
    if (c >= rows.size()) rows.resize(c + 1);
    rows[c].push_back(static_cast<int64_t>(row));
  }
  return rows;
}

// A list walked round-robin in a random order that is reshuffled every time
// the walk wraps around (RandomCycleIter of the original implementation).
class RandomCycle {
 public:
  RandomCycle() = default;
  explicit RandomCycle(std::span<const int64_t> items) : items_(items.begin(), items.end()) {
    cursor_ = items_.size();  // shuffle on the first draw
  }
  bool started() const { return !items_.empty(); }
  int64_t next(Generator& gen) {
    if (cursor_ == items_.size()) {
      detail::shuffle(items_, gen);
      cursor_ = 0;
    }
    return items_[cursor_++];
  }

 private:
  std::vector<int64_t> items_;
  size_t cursor_ = 0;
};

}  // namespace

ClassAwareSampler::ClassAwareSampler(const Tensor& targets, TaskKind kind, uint64_t seed)
    : class_rows_(rows_per_class(targets, kind)), size_(targets.size(0)), seed_(seed) {
  for (size_t c = 0; c < class_rows_.size(); ++c)
    if (!class_rows_[c].empty()) classes_.push_back(static_cast<int64_t>(c));
  FULCRUM_CHECK(!classes_.empty(),
                "{}: no class has a row ({} target of {} rows with no positive label); there "
                "is nothing to sample",
                kFn, to_string(kind), size_);
}

ClassAwareSampler::ClassAwareSampler(const Target& target, uint64_t seed)
    : ClassAwareSampler(target.values, target.kind, seed) {}

std::span<const int64_t> ClassAwareSampler::rows_of(int64_t c) const {
  if (c < 0 || c >= static_cast<int64_t>(class_rows_.size())) return {};
  return class_rows_[c];
}

std::vector<int64_t> ClassAwareSampler::epoch_order(int64_t epoch) const {
  return epoch_order(epoch, size_);
}

std::vector<int64_t> ClassAwareSampler::epoch_order(int64_t epoch, int64_t num_samples) const {
  FULCRUM_CHECK(num_samples >= 0, "{}: num_samples = {} must be >= 0", kFn, num_samples);
  Generator gen(epoch_seed(seed_, epoch));
  RandomCycle class_cycle(classes_);
  // Each class's own cycle, made when the class is first drawn.
  std::vector<RandomCycle> row_cycles(class_rows_.size());
  std::vector<int64_t> order;
  order.reserve(static_cast<size_t>(num_samples));
  for (int64_t i = 0; i < num_samples; ++i) {
    const int64_t c = class_cycle.next(gen);
    if (!row_cycles[c].started()) row_cycles[c] = RandomCycle(class_rows_[c]);
    order.push_back(row_cycles[c].next(gen));
  }
  return order;
}

EpochOrderFn class_aware_order(ClassAwareSampler sampler, int64_t num_samples) {
  FULCRUM_CHECK(num_samples >= 0, "class_aware_order: num_samples = {} must be >= 0 (0: N)",
                num_samples);
  const int64_t draws = num_samples == 0 ? sampler.size() : num_samples;
  // Shared, so that copies of the loader options do not copy the row lists.
  auto shared = std::make_shared<const ClassAwareSampler>(std::move(sampler));
  return [shared, draws](int64_t epoch) { return shared->epoch_order(epoch, draws); };
}

EpochOrderFn shuffled_order(std::vector<int64_t> rows, uint64_t seed) {
  auto shared = std::make_shared<const std::vector<int64_t>>(std::move(rows));
  return [shared, seed](int64_t epoch) {
    std::vector<int64_t> order = *shared;
    Generator gen(epoch_seed(seed, epoch));
    detail::shuffle(order, gen);
    return order;
  };
}

}  // namespace fulcrum::data
