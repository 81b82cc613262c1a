#pragma once
// DataLoader: mini-batches of a Dataset, in a seeded shuffled order.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/data/dataset.hpp"

namespace fulcrum::data {

/// The rows one epoch visits, in order (repeats allowed), as a function of the
/// epoch number only: a re-sampling scheme (fulcrum/data/sampling.hpp) plugged
/// into the loader.
using EpochOrderFn = std::function<std::vector<int64_t>(int64_t epoch)>;

/// Represents: how to cut an epoch into batches (torch.utils.data.DataLoader's
/// names). shuffle: a new permutation every epoch, from seed and the epoch
/// number only; drop_last: leave out a last batch smaller than batch_size.
/// order_fn (torch's `sampler`): when set, epoch e visits exactly the rows
/// order_fn(e), in that order, and `shuffle` is ignored; the function must
/// depend on the epoch only (so a run can resume) and return rows in [0, N).
/// Represents: which part of every batch a process takes when batches are
/// split across `count` processes (data-parallel training): process `index`
/// gets rows [index * B / count, (index + 1) * B / count) of each batch of B
/// rows, so the processes together see exactly the unsplit batches.
struct BatchShard {
  int64_t index = 0;
  int64_t count = 1;
};

struct LoaderOptions {
  int64_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = false;
  uint64_t seed = 0;
  EpochOrderFn order_fn = nullptr;  // the initialiser keeps {a, b, c, d} warning-free
  BatchShard shard{};               ///< the default: whole batches
};

/// The seed of epoch `epoch`'s random stream, mixed (splitmix64) so that
/// distinct (seed, epoch) pairs give unrelated streams. The loader's shuffle
/// and the samplers use it, so every per-epoch order depends on (seed, epoch) only.
uint64_t epoch_seed(uint64_t seed, int64_t epoch);

/// One mini-batch: features [B, F] (dense, or sparse_features for a sparse
/// dataset, the other left empty), one tensor per target in the order of
/// Dataset::targets ([B, L] labels or [B] class indices), and the dataset rows
/// the batch holds. With a BatchShard, the batch holds this process's part:
/// rows [shard_begin, shard_begin + size()) of a batch of global_size rows
/// (possibly none).
struct Batch {
  Tensor features;
  std::shared_ptr<CsrMatrix> sparse_features{};
  std::vector<Tensor> targets;
  std::vector<int64_t> rows;
  int64_t global_size = 0;
  int64_t shard_begin = 0;
  int64_t size() const { return static_cast<int64_t>(rows.size()); }
  bool is_sparse() const { return sparse_features != nullptr; }
};

/// Represents: an iterator over the batches of a dataset, epoch by epoch:
///   loader.start_epoch(epoch);
///   while (loader.next(batch)) { ... }
/// Ensures: each epoch visits every row exactly once (once at most with
/// drop_last), or the rows of order_fn(epoch) when that is set; the order
/// depends only on (seed, epoch), so a run can resume at
/// any epoch; batch tensors come from the buffer pool (Tensor::empty), so
/// steady-state epochs allocate no new tensor buffers, and a sparse batch
/// refills the same CsrMatrix (unless a graph still holds it), so its vectors
/// stop growing once they fit the largest batch.
/// The loader keeps its own handle to the dataset's tensors.
class DataLoader {
 public:
  /// Throws ValueError if batch_size < 1, the shard is not 0 <= index < count,
  /// or the dataset is not valid.
  DataLoader(const Dataset& dataset, LoaderOptions options);

  /// Restarts at the first batch of `epoch`, reshuffling if asked (or taking
  /// order_fn(epoch)). The constructor starts epoch 0. Throws ValueError if
  /// order_fn returns a row outside [0, N).
  void start_epoch(int64_t epoch);
  /// Fills `batch` with the next batch; false (batch untouched) at the epoch's end.
  bool next(Batch& batch);
  /// Batches of the current epoch (with order_fn, epochs may differ in length).
  int64_t batches_per_epoch() const;
  int64_t epoch() const { return epoch_; }
  const Dataset& dataset() const { return dataset_; }
  const LoaderOptions& options() const { return options_; }

 private:
  Dataset dataset_;
  LoaderOptions options_;
  std::vector<int64_t> order_;
  int64_t epoch_ = 0;
  int64_t cursor_ = 0;
};

}  // namespace fulcrum::data
