// The loader's per-epoch order hook (LoaderOptions::order_fn) and the orders
// built on the samplers: batches follow the given rows exactly, epochs may
// differ in length, bad rows are reported, and the default loader's shuffle
// is the documented epoch_seed walk.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "fulcrum/core/random.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/data/sampling.hpp"
#include "sampling_test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

// Row i has feature i and class i % 3.
Dataset numbered_dataset(int64_t n) {
  std::vector<float> features, classes;
  for (int64_t i = 0; i < n; ++i) {
    features.push_back(static_cast<float>(i));
    classes.push_back(static_cast<float>(i % 3));
  }
  Dataset ds;
  ds.features = Tensor::from({n, 1}, features);
  ds.feature_names = {"i"};
  ds.targets.push_back({"kind", TaskKind::MultiClass, Tensor::from({n}, classes), {"a", "b", "c"}});
  return ds;
}

// The rows of one epoch, checking that each batch holds those rows' data.
std::vector<int64_t> epoch_rows(DataLoader& loader, int64_t epoch, int64_t* batches = nullptr) {
  loader.start_epoch(epoch);
  std::vector<int64_t> rows;
  Batch batch;
  int64_t count = 0;
  while (loader.next(batch)) {
    for (int64_t k = 0; k < batch.size(); ++k) {
      EXPECT_EQ(batch.features.data()[k], static_cast<float>(batch.rows[k]));
      EXPECT_EQ(batch.targets[0].data()[k], static_cast<float>(batch.rows[k] % 3));
    }
    rows.insert(rows.end(), batch.rows.begin(), batch.rows.end());
    ++count;
  }
  if (batches) *batches = count;
  return rows;
}

TEST(LoaderOrder, BatchesFollowTheGivenOrder) {
  LoaderOptions options;
  options.batch_size = 4;
  options.shuffle = true;  // ignored when order_fn is set
  // Epoch e: rows 9, 9, 0, then 0..e (repeats allowed, length varies).
  options.order_fn = [](int64_t epoch) {
    std::vector<int64_t> rows = {9, 9, 0};
    for (int64_t i = 0; i <= epoch; ++i) rows.push_back(i);
    return rows;
  };
  DataLoader loader(numbered_dataset(10), options);
  EXPECT_EQ(loader.batches_per_epoch(), 1) << "epoch 0 has 4 rows";
  int64_t batches = 0;
  EXPECT_EQ(epoch_rows(loader, 0, &batches), (std::vector<int64_t>{9, 9, 0, 0}));
  EXPECT_EQ(batches, 1);
  EXPECT_EQ(epoch_rows(loader, 5, &batches), (std::vector<int64_t>{9, 9, 0, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(loader.batches_per_epoch(), 3);

  options.drop_last = true;
  DataLoader dropping(numbered_dataset(10), options);
  EXPECT_EQ(epoch_rows(dropping, 5, &batches), (std::vector<int64_t>{9, 9, 0, 0, 1, 2, 3, 4}));
  EXPECT_EQ(batches, 2);
  EXPECT_EQ(dropping.batches_per_epoch(), 2);
}

TEST(LoaderOrder, RowsOutsideTheDatasetAreReported) {
  LoaderOptions options;
  options.order_fn = [](int64_t epoch) {
    return epoch == 2 ? std::vector<int64_t>{0, 10} : std::vector<int64_t>{1};
  };
  DataLoader loader(numbered_dataset(10), options);
  try {
    loader.start_epoch(2);
    ADD_FAILURE() << "no exception";
  } catch (const ValueError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("order_fn(2) gives row 10 at position 1, outside [0, 10)"),
              std::string::npos)
        << message;
  }
  Batch batch;
  EXPECT_FALSE(loader.next(batch)) << "a rejected order leaves an empty epoch";
  EXPECT_EQ(epoch_rows(loader, 3), (std::vector<int64_t>{1}));
}

TEST(LoaderOrder, DefaultShuffleIsTheEpochSeedWalk) {
  const int64_t n = 20;
  DataLoader loader(numbered_dataset(n), {8, true, false, 77});
  for (int64_t epoch : {0, 1, 6}) {
    std::vector<int64_t> expected(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) expected[i] = i;
    Generator gen(epoch_seed(77, epoch));
    for (int64_t i = n - 1; i > 0; --i)
      std::swap(expected[i], expected[gen.below(static_cast<uint64_t>(i + 1))]);
    EXPECT_EQ(epoch_rows(loader, epoch), expected) << "epoch " << epoch;
  }
  EXPECT_NE(epoch_seed(1, 0), epoch_seed(0, 1));
}

TEST(LoaderOrder, ClassAwareOrderFeedsTheLoader) {
  const Dataset ds = numbered_dataset(30);
  const ClassAwareSampler sampler(ds.targets[0], 5);
  LoaderOptions options;
  options.batch_size = 7;
  options.order_fn = class_aware_order(sampler);
  DataLoader loader(ds, options);
  EXPECT_EQ(epoch_rows(loader, 4), sampler.epoch_order(4));
  EXPECT_EQ(loader.batches_per_epoch(), 5) << "30 draws by default";

  options.order_fn = class_aware_order(sampler, 12);
  DataLoader shorter(ds, options);
  EXPECT_EQ(epoch_rows(shorter, 1), sampler.epoch_order(1, 12));
  expect_error<ValueError>([&] { class_aware_order(sampler, -3); },
                           {"class_aware_order: num_samples = -3 must be >= 0"});
}

TEST(LoaderOrder, ShuffledOrderPermutesTheMultiset) {
  const std::vector<int64_t> rows = {0, 1, 2, 3, 4, 5, 6, 7, 3, 3, 7};  // ML-ROS-like clones
  const EpochOrderFn order = shuffled_order(rows, 9);
  std::vector<int64_t> sorted_rows = rows;
  std::sort(sorted_rows.begin(), sorted_rows.end());
  for (int64_t epoch : {0, 1}) {
    std::vector<int64_t> e = order(epoch);
    std::sort(e.begin(), e.end());
    EXPECT_EQ(e, sorted_rows) << "epoch " << epoch;
  }
  EXPECT_EQ(order(1), order(1));
  EXPECT_EQ(order(1), shuffled_order(rows, 9)(1));
  EXPECT_NE(order(0), order(1));
  EXPECT_NE(order(0), shuffled_order(rows, 10)(0));

  LoaderOptions options;
  options.batch_size = 4;
  options.order_fn = order;
  DataLoader loader(numbered_dataset(8), options);
  EXPECT_EQ(epoch_rows(loader, 3), order(3));
}

}  // namespace
}  // namespace fulcrum::data
