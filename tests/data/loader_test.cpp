// DataLoader: each row once per epoch, drop_last, seeded reproducible order,
// correct gathering, and no new tensor buffers after the first epoch.

#include "fulcrum/data/loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

// Row i has features (i, 10 i), labels (i % 2, i % 3 == 0) and class i % 4.
Dataset numbered_dataset(int64_t n) {
  std::vector<float> features, labels, classes;
  for (int64_t i = 0; i < n; ++i) {
    features.insert(features.end(), {static_cast<float>(i), 10.0f * static_cast<float>(i)});
    labels.insert(labels.end(), {static_cast<float>(i % 2), i % 3 == 0 ? 1.0f : 0.0f});
    classes.push_back(static_cast<float>(i % 4));
  }
  Dataset ds;
  ds.features = Tensor::from({n, 2}, features);
  ds.feature_names = {"a", "b"};
  ds.targets.push_back(
      {"labels", TaskKind::MultiLabel, Tensor::from({n, 2}, labels), {"odd", "three"}});
  ds.targets.push_back(
      {"kind", TaskKind::MultiClass, Tensor::from({n}, classes), {"0", "1", "2", "3"}});
  return ds;
}

// The rows of one epoch, batch by batch, checking each batch's contents.
std::vector<std::vector<int64_t>> run_epoch(DataLoader& loader, int64_t epoch) {
  loader.start_epoch(epoch);
  std::vector<std::vector<int64_t>> batches;
  Batch batch;
  while (loader.next(batch)) {
    const int64_t b = batch.size();
    EXPECT_EQ(batch.features.shape(), (Shape{b, 2}));
    EXPECT_EQ(batch.targets.size(), 2u);
    EXPECT_EQ(batch.targets[0].shape(), (Shape{b, 2}));
    EXPECT_EQ(batch.targets[1].shape(), (Shape{b}));
    for (int64_t k = 0; k < b; ++k) {
      const int64_t row = batch.rows[k];
      EXPECT_EQ(batch.features.data()[k * 2], static_cast<float>(row));
      EXPECT_EQ(batch.features.data()[k * 2 + 1], 10.0f * static_cast<float>(row));
      EXPECT_EQ(batch.targets[0].data()[k * 2], static_cast<float>(row % 2));
      EXPECT_EQ(batch.targets[0].data()[k * 2 + 1], row % 3 == 0 ? 1.0f : 0.0f);
      EXPECT_EQ(batch.targets[1].data()[k], static_cast<float>(row % 4));
    }
    batches.push_back(batch.rows);
  }
  EXPECT_FALSE(loader.next(batch)) << "an ended epoch stays ended";
  return batches;
}

std::vector<int64_t> flatten(const std::vector<std::vector<int64_t>>& batches) {
  std::vector<int64_t> rows;
  for (const auto& b : batches) rows.insert(rows.end(), b.begin(), b.end());
  return rows;
}

TEST(DataLoader, EveryRowOncePerEpoch) {
  DataLoader loader(numbered_dataset(10), {.batch_size = 3, .shuffle = true, .drop_last = false, .seed = 1});
  EXPECT_EQ(loader.batches_per_epoch(), 4);
  const auto batches = run_epoch(loader, 0);
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(batches.back().size(), 1u);
  std::vector<int64_t> rows = flatten(batches);
  std::sort(rows.begin(), rows.end());
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(rows[i], i);
}

TEST(DataLoader, DropLastLeavesOutTheShortBatch) {
  DataLoader loader(numbered_dataset(10), {.batch_size = 3, .shuffle = true, .drop_last = true, .seed = 1});
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  const auto batches = run_epoch(loader, 0);
  ASSERT_EQ(batches.size(), 3u);
  std::vector<int64_t> rows = flatten(batches);
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(std::adjacent_find(rows.begin(), rows.end()), rows.end()) << "no row twice";
  EXPECT_EQ(rows.size(), 9u);

  DataLoader exact(numbered_dataset(9), {.batch_size = 3, .shuffle = false, .drop_last = true, .seed = 0});
  EXPECT_EQ(run_epoch(exact, 0).size(), 3u);
}

TEST(DataLoader, OrderDependsOnlyOnSeedAndEpoch) {
  const Dataset ds = numbered_dataset(50);
  DataLoader a(ds, {.batch_size = 8, .shuffle = true, .drop_last = false, .seed = 42});
  DataLoader b(ds, {.batch_size = 8, .shuffle = true, .drop_last = false, .seed = 42});
  DataLoader c(ds, {.batch_size = 8, .shuffle = true, .drop_last = false, .seed = 43});
  const auto a0 = flatten(run_epoch(a, 0));
  const auto a1 = flatten(run_epoch(a, 1));
  EXPECT_EQ(a0, flatten(run_epoch(b, 0)));
  EXPECT_NE(a0, a1) << "epochs are shuffled differently";
  EXPECT_NE(a0, flatten(run_epoch(c, 0))) << "seeds are shuffled differently";
  // Resuming at epoch 1 gives epoch 1's order, whatever came before.
  DataLoader resumed(ds, {.batch_size = 8, .shuffle = true, .drop_last = false, .seed = 42});
  EXPECT_EQ(flatten(run_epoch(resumed, 1)), a1);
  EXPECT_EQ(flatten(run_epoch(a, 0)), a0);
}

TEST(DataLoader, WithoutShuffleRowsComeInOrder) {
  DataLoader loader(numbered_dataset(7), {.batch_size = 4, .shuffle = false, .drop_last = false, .seed = 5});
  const auto rows = flatten(run_epoch(loader, 3));
  EXPECT_EQ(rows, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(DataLoader, SteadyStateEpochsAllocateNoTensorBuffers) {
  DataLoader loader(numbered_dataset(1000), {.batch_size = 64, .shuffle = true, .drop_last = false, .seed = 0});
  Batch batch;
  loader.start_epoch(0);
  while (loader.next(batch)) {
  }
  const uint64_t after_first = memory_stats().fresh_allocations;
  for (int64_t epoch = 1; epoch < 4; ++epoch) {
    loader.start_epoch(epoch);
    int64_t batches = 0;
    while (loader.next(batch)) ++batches;
    EXPECT_EQ(batches, 16);
  }
  EXPECT_EQ(memory_stats().fresh_allocations, after_first);
}

TEST(DataLoader, RejectsBadOptionsAndDatasets) {
  expect_error<ValueError>(
      [] {
        DataLoader(numbered_dataset(4),
                   {.batch_size = 0, .shuffle = true, .drop_last = false, .seed = 0});
      },
      {"DataLoader: batch_size = 0 must be >= 1"});
  Dataset broken = numbered_dataset(4);
  broken.targets[0].values = Tensor::zeros({3, 2});
  expect_error<DataError>(
      [&] { DataLoader(broken, LoaderOptions{}); },
      {"DataLoader: target 'labels' (multi-label): values have shape [3, 2], expected [4, 2]"});
}

}  // namespace
}  // namespace fulcrum::data
