// Sparse features in the data library: the ARFF and libsvm readers' CSR
// output (against their dense output of the same file), the auto rule,
// subsets, the loader's reused sparse batches, and standardisation that
// keeps zeros zero.

#include <gtest/gtest.h>

#include <cmath>

#include "data_test_util.hpp"
#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/imputer.hpp"
#include "fulcrum/data/libsvm.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/data/scaler.hpp"

namespace fulcrum::data {
namespace {

using testing::contains;
using testing::fixture;
using testing::TempDir;

void expect_same_values(const Tensor& got, const Tensor& want, float tol = 0.0f) {
  ASSERT_EQ(got.shape(), want.shape());
  for (int64_t i = 0; i < got.numel(); ++i)
    EXPECT_NEAR(got.data()[i], want.data()[i], tol) << "element " << i;
}

TEST(SparseRead, LibsvmGivesCsrOfTheFile) {
  TempDir dir;
  const auto file = dir.write("ml.svm", "1,3 1:0.5 4:0.2\n 2:1\n0 4:-1 1:2 3:0\n");
  LibsvmOptions options;
  options.storage = FeatureStorage::Sparse;
  const Dataset ds = read_libsvm(file, options);
  ASSERT_TRUE(ds.is_sparse());
  EXPECT_FALSE(ds.features.defined());
  const CsrMatrix& x = *ds.sparse_features;
  EXPECT_EQ(x.rows, 3);
  EXPECT_EQ(x.cols, 4);
  EXPECT_EQ(x.row_offsets, (std::vector<int32_t>{0, 2, 3, 5}));
  EXPECT_EQ(x.columns, (std::vector<int32_t>{0, 3, 1, 0, 3}));  // an explicit 0 is left out
  EXPECT_EQ(x.values, (std::vector<float>{0.5f, 0.2f, 1.0f, 2.0f, -1.0f}));
  EXPECT_EQ(ds.num_features(), 4);
  EXPECT_EQ(ds.size(), 3);
  EXPECT_NO_THROW(ds.validate());
}

TEST(SparseRead, ArffSparseEqualsDenseIncludingDenseRows) {
  ArffOptions options;
  options.label_count = 4;
  const Dataset dense = read_arff(fixture("sparse_tiny.arff"), options);
  options.storage = FeatureStorage::Sparse;
  const Dataset sparse = read_arff(fixture("sparse_tiny.arff"), options);
  ASSERT_TRUE(sparse.is_sparse());
  ASSERT_FALSE(dense.is_sparse());
  EXPECT_EQ(sparse.feature_names, dense.feature_names);
  expect_same_values(sparse.sparse_features->to_dense(), dense.features);
  expect_same_values(sparse.targets[0].values, dense.targets[0].values);
  EXPECT_NEAR(sparse.sparse_features->density(), 0.12, 0.02);
}

TEST(SparseRead, LibsvmSparseEqualsDense) {
  LibsvmOptions options;
  const Dataset dense = read_libsvm(fixture("sparse_tiny.libsvm"), options);
  options.storage = FeatureStorage::Sparse;
  const Dataset sparse = read_libsvm(fixture("sparse_tiny.libsvm"), options);
  expect_same_values(sparse.sparse_features->to_dense(), dense.features);
  expect_same_values(sparse.targets[0].values, dense.targets[0].values);
}

TEST(SparseRead, AutoGoesByRowsAndDensity) {
  TempDir dir;
  ArffOptions options;
  options.label_count = 1;
  options.storage = FeatureStorage::Auto;
  const std::string header =
      "@relation r\n@attribute a numeric\n@attribute b numeric\n"
      "@attribute c numeric\n@attribute y {0,1}\n@data\n";
  // Dense rows: dense whatever the density.
  EXPECT_FALSE(read_arff(dir.write("d.arff", header + "0,0,0,1\n0,0,0,0\n"), options).is_sparse());
  // Sparse rows, 1 of 9 values non-zero (11%): sparse; 3 of 6 (50%): dense.
  EXPECT_TRUE(read_arff(dir.write("s.arff", header + "{0 1}\n{3 1}\n{}\n"), options).is_sparse());
  const Dataset half = read_arff(dir.write("h.arff", header + "{0 1,1 2}\n{2 1}\n"), options);
  EXPECT_FALSE(half.is_sparse());
  EXPECT_EQ(half.features.to_vector(), (std::vector<float>{1, 2, 0, 0, 0, 1}));
}

TEST(SparseRead, MissingValuesAreStoredNaNEntries) {
  TempDir dir;
  const auto file =
      dir.write("m.arff",
                "@relation r\n@attribute a numeric\n@attribute b numeric\n"
                "@attribute y {0,1}\n@data\n{0 1}\n{0 ?,2 1}\n{}\n{}\n{}\n{}\n{}\n{}\n");
  ArffOptions options;
  options.label_count = 1;
  options.missing = MissingPolicy::Mean;
  // Auto holds them sparse too (2 of 16 values stored): a '?' needs no dense path.
  for (const FeatureStorage storage : {FeatureStorage::Sparse, FeatureStorage::Auto}) {
    options.storage = storage;
    const Dataset ds = read_arff(file, options);
    ASSERT_TRUE(ds.is_sparse());
    const CsrMatrix& x = *ds.sparse_features;
    EXPECT_EQ(x.nnz(), 2);
    EXPECT_EQ(x.columns[1], 0);
    EXPECT_TRUE(std::isnan(x.values[1])) << "row 2's a";
    Imputer imputer;
    imputer.fit(ds, MissingPolicy::Mean, "m.arff");
    EXPECT_FLOAT_EQ(imputer.fill[0], 1.0f / 7.0f);  // the mean of 1 and six 0s
  }
}

TEST(SparseDataset, SubsetAndLoaderBatches) {
  LibsvmOptions options;
  options.storage = FeatureStorage::Sparse;
  const Dataset ds = read_libsvm(fixture("sparse_tiny.libsvm"), options);
  const Tensor dense = ds.sparse_features->to_dense();
  const std::vector<int64_t> rows{5, 1, 1, 80};
  const Dataset sub = ds.subset(rows);
  expect_same_values(sub.sparse_features->to_dense(), gather_rows(dense, rows));

  DataLoader loader(ds, {.batch_size = 16, .shuffle = true, .seed = 3});
  Batch batch;
  const CsrMatrix* first = nullptr;
  for (int64_t epoch = 0; epoch < 2; ++epoch) {
    loader.start_epoch(epoch);
    while (loader.next(batch)) {
      ASSERT_TRUE(batch.is_sparse());
      EXPECT_FALSE(batch.features.defined());
      expect_same_values(batch.sparse_features->to_dense(), gather_rows(dense, batch.rows));
      if (first == nullptr) first = batch.sparse_features.get();
      EXPECT_EQ(batch.sparse_features.get(), first) << "the batch matrix should be refilled";
    }
  }
  // A batch still held elsewhere (a graph not yet run backward) is not overwritten.
  loader.start_epoch(0);
  ASSERT_TRUE(loader.next(batch));
  const std::shared_ptr<const CsrMatrix> held = batch.sparse_features;
  const std::vector<float> before = held->values;
  ASSERT_TRUE(loader.next(batch));
  EXPECT_NE(batch.sparse_features.get(), held.get());
  EXPECT_EQ(held->values, before);
}

TEST(SparseScaler, FitsLikeDenseAndKeepsZeros) {
  LibsvmOptions options;
  options.storage = FeatureStorage::Sparse;
  const Dataset sparse = read_libsvm(fixture("sparse_tiny.libsvm"), options);
  const Tensor dense = sparse.sparse_features->to_dense();
  StandardScaler a, b;
  a.fit(dense);
  b.fit(sparse);
  expect_same_values(b.mean, a.mean, 1e-7f);
  expect_same_values(b.scale, a.scale, 1e-6f);
  const Dataset scaled = b.transformed(sparse);
  EXPECT_EQ(scaled.sparse_features->nnz(), sparse.sparse_features->nnz());
  EXPECT_TRUE(scaled.sparse_features->shift.defined());
  EXPECT_FALSE(sparse.sparse_features->shift.defined()) << "the input is left as it was";
  expect_same_values(scaled.sparse_features->to_dense(), a.transformed(dense), 1e-5f);
}

}  // namespace
}  // namespace fulcrum::data
