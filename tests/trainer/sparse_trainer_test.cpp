// Sparse features end to end: the same small config trained with dense and
// with sparse (CSR) features, from a sparse ARFF file (with a few dense rows
// mixed in) and from the same examples in libsvm, ends with the same
// parameters and the same test metrics to float tolerance; and a checkpoint
// trained sparse evaluates and predicts like any other.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "fulcrum/config/run_data.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::fresh_dir;

const std::filesystem::path kFixtures = FULCRUM_DATA_FIXTURES_DIR;

// 90 examples, 40 features (12% non-zero), 4 labels; standardised, a hidden
// layer of 16, no dropout, so dense and sparse runs draw the same numbers.
config::RunConfig sparse_config(data::DataSource source, const std::filesystem::path& file,
                                data::FeatureStorage storage, const std::filesystem::path& out) {
  config::RunConfig config = testing::tiny_config(out);
  config.data.source = source;
  config.data.train = file.string();
  config.data.label_count = source == data::DataSource::ARFF ? 4 : 0;
  config.data.sparse = storage;
  config.data.validation_fraction = 0.2;
  config.data.test_fraction = 0.2;
  config.training.epochs = 8;
  config.training.batch_size = 16;
  config.training.final_model = config::FinalModel::Last;
  return config;
}

void expect_same_run(data::DataSource source, const std::string& file) {
  const auto dense_dir = fresh_dir("dense"), sparse_dir = fresh_dir("sparse");
  Trainer dense(sparse_config(source, kFixtures / file, data::FeatureStorage::Dense, dense_dir));
  Trainer sparse(sparse_config(source, kFixtures / file, data::FeatureStorage::Sparse, sparse_dir));
  ASSERT_FALSE(dense.data().train.is_sparse());
  ASSERT_TRUE(sparse.data().train.is_sparse());
  ASSERT_TRUE(sparse.data().test.is_sparse());
  ASSERT_EQ(sparse.data().train.size(), dense.data().train.size());
  const TrainResult a = dense.fit();
  const TrainResult b = sparse.fit();

  const auto pa = dense.model().named_parameters(), pb = sparse.model().named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t p = 0; p < pa.size(); ++p) {
    const Tensor& x = pa[p].second;
    const Tensor& y = pb[p].second;
    ASSERT_EQ(x.shape(), y.shape()) << pa[p].first;
    double worst = 0;
    for (int64_t i = 0; i < x.numel(); ++i)
      worst = std::max(worst, static_cast<double>(std::abs(x.data()[i] - y.data()[i])));
    EXPECT_LT(worst, 1e-4) << pa[p].first << " differs between the dense and the sparse run";
  }
  ASSERT_TRUE(a.test.has_value() && b.test.has_value());
  for (const char* metric : {"loss", "labels.f1_micro", "labels.f1_macro", "labels.roc_auc_macro"})
    EXPECT_NEAR(a.test->metric(metric).value_or(-1), b.test->metric(metric).value_or(-2), 1e-4)
        << metric;

  // The checkpoint of the sparse run is an ordinary one: evaluated from its
  // config (sparse again) and predicting dense rows, it gives the same logits.
  const Predictor predictor = Predictor::load(sparse_dir / "last.safetensors");
  const EvaluationResult evaluated =
      evaluate_checkpoint(predictor, *sparse.config(), data::Split::Test);
  EXPECT_NEAR(evaluated.metric("loss").value_or(-1), b.test->metric("loss").value_or(-2), 1e-5);
  const config::RunData raw = config::load_run_data(*dense.config());
  const Predictions predicted = predictor.predict(raw.test.features);
  const std::vector<Tensor> logits = head_logits(sparse.model(), sparse.data().test);
  const std::vector<std::string>& names = sparse.data().test.targets[0].classes;
  const int64_t n = logits[0].size(0), labels = logits[0].size(1), width = predicted.values.size(1);
  for (int64_t l = 0; l < labels; ++l) {
    const auto column = std::find(predicted.columns.begin(), predicted.columns.end(),
                                  "labels." + names[static_cast<size_t>(l)]);
    ASSERT_NE(column, predicted.columns.end()) << names[static_cast<size_t>(l)];
    const int64_t c = column - predicted.columns.begin();
    for (int64_t i = 0; i < n; ++i) {
      const float z = logits[0].data()[i * labels + l];
      EXPECT_NEAR(predicted.values.data()[i * width + c], 1.0f / (1.0f + std::exp(-z)), 1e-5);
    }
  }
}

TEST(SparseTraining, ArffSparseMatchesDense) {
  expect_same_run(data::DataSource::ARFF, "sparse_tiny.arff");
}

TEST(SparseTraining, LibsvmSparseMatchesDense) {
  expect_same_run(data::DataSource::LibSVM, "sparse_tiny.libsvm");
}

TEST(SparseTraining, AutoReadsASparseFileSparse) {
  const auto dir = fresh_dir("auto");
  Trainer trainer(sparse_config(data::DataSource::ARFF, kFixtures / "sparse_tiny.arff",
                                data::FeatureStorage::Auto, dir));
  EXPECT_TRUE(trainer.data().train.is_sparse()) << "12% non-zeros is under the auto threshold";
}

}  // namespace
}  // namespace fulcrum::train
