#include "fulcrum/data/loader.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/random.hpp"

namespace fulcrum::data {
namespace {

// Replaces `slot` with the rows of `source`. The old tensor is released first,
// so that (when the caller holds no other handle) its pooled buffer serves
// this batch straight away.
void gather_into(Tensor& slot, const Tensor& source, std::span<const int64_t> rows) {
  slot = Tensor();
  slot = gather_rows(source, rows);
}

}  // namespace

uint64_t epoch_seed(uint64_t seed, int64_t epoch) {
  return derive_seed(seed, static_cast<uint64_t>(epoch));
}

DataLoader::DataLoader(const Dataset& dataset, LoaderOptions options)
    : dataset_(dataset), options_(options) {
  FULCRUM_CHECK(options_.batch_size >= 1, "DataLoader: batch_size = {} must be >= 1",
                options_.batch_size);
  FULCRUM_CHECK(options_.shard.count >= 1 && options_.shard.index >= 0 &&
                    options_.shard.index < options_.shard.count,
                "DataLoader: shard {} of {} is not one of 0..count-1", options_.shard.index,
                options_.shard.count);
  dataset_.validate("DataLoader");
  start_epoch(0);
}

void DataLoader::start_epoch(int64_t epoch) {
  epoch_ = epoch;
  cursor_ = 0;
  if (options_.order_fn) {
    // Checked before it replaces order_, so a bad order leaves an empty epoch
    // rather than rows that next() would gather out of bounds.
    order_.clear();
    std::vector<int64_t> order = options_.order_fn(epoch);
    const int64_t n = dataset_.size();
    for (size_t i = 0; i < order.size(); ++i)
      FULCRUM_CHECK(order[i] >= 0 && order[i] < n,
                    "DataLoader: order_fn({}) gives row {} at position {}, outside [0, {})", epoch,
                    order[i], i, n);
    order_ = std::move(order);
    return;
  }
  order_.resize(static_cast<size_t>(dataset_.size()));
  std::iota(order_.begin(), order_.end(), int64_t{0});
  if (!options_.shuffle) return;
  Generator gen(epoch_seed(options_.seed, epoch));
  for (int64_t i = static_cast<int64_t>(order_.size()) - 1; i > 0; --i)
    std::swap(order_[i], order_[gen.below(static_cast<uint64_t>(i + 1))]);
}

int64_t DataLoader::batches_per_epoch() const {
  const auto n = static_cast<int64_t>(order_.size());
  const int64_t b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

bool DataLoader::next(Batch& batch) {
  const int64_t n = static_cast<int64_t>(order_.size());
  const int64_t size = std::min(options_.batch_size, n - cursor_);
  if (size <= 0 || (options_.drop_last && size < options_.batch_size)) return false;
  const int64_t begin = options_.shard.index * size / options_.shard.count;
  const int64_t end = (options_.shard.index + 1) * size / options_.shard.count;
  batch.rows.assign(order_.begin() + cursor_ + begin, order_.begin() + cursor_ + end);
  batch.global_size = size;
  batch.shard_begin = begin;
  cursor_ += size;
  if (dataset_.is_sparse()) {
    // A graph built on the last batch (a step without backward) may still
    // read it: then the batch gets a matrix of its own.
    if (batch.sparse_features == nullptr || batch.sparse_features.use_count() > 1)
      batch.sparse_features = std::make_shared<CsrMatrix>();
    batch.sparse_features->assign_rows(*dataset_.sparse_features, batch.rows);
  } else {
    gather_into(batch.features, dataset_.features, batch.rows);
  }
  batch.targets.resize(dataset_.targets.size());
  for (size_t t = 0; t < dataset_.targets.size(); ++t)
    gather_into(batch.targets[t], dataset_.targets[t].values, batch.rows);
  return true;
}

}  // namespace fulcrum::data
