// The training loop on small synthetic runs: it learns, logs, checkpoints,
// stops early, and refuses to continue on a diverged loss.
#include "fulcrum/train/trainer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "json_outputs.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::expect_error;
using testing::fresh_dir;
using testing::tiny_config;

TEST(Trainer, TinyRunLearnsAndWritesItsOutputs) {
  const auto dir = fresh_dir("run");
  config::RunConfig config = tiny_config(dir);
  config.training.epochs = 8;
  Trainer trainer(config);
  int64_t batches_seen = 0;
  int64_t epochs_seen = 0;
  trainer.set_callbacks({[&](const BatchProgress& p) {
                           ++batches_seen;
                           EXPECT_LE(p.batch, p.batches);
                         },
                         [&](const EpochSummary& s) { epochs_seen = s.epoch; }});
  const TrainResult result = trainer.fit();

  EXPECT_EQ(result.epochs_completed, 8);
  EXPECT_EQ(epochs_seen, 8);
  EXPECT_EQ(batches_seen, 8 * ((trainer.data().train.size() + 31) / 32));
  EXPECT_FALSE(result.interrupted);
  EXPECT_FALSE(result.stopped_early);

  const auto log = read_metrics_log(result.paths.metrics_log());
  ASSERT_EQ(log.size(), 8u);
  const double first = log.front()["train_loss"].get<double>();
  const double last = log.back()["train_loss"].get<double>();
  EXPECT_LT(last, 0.9 * first) << "the training loss did not fall";
  EXPECT_LT(log.back()["validation"]["loss"].get<double>(),
            log.front()["validation"]["loss"].get<double>());
  EXPECT_TRUE(log.back()["validation"].contains("labels.f1_macro"));

  ASSERT_TRUE(result.test.has_value());
  const EvaluationResult& test = *result.test;
  EXPECT_EQ(test.samples, trainer.data().test.size());
  ASSERT_EQ(test.heads.size(), 1u);
  ASSERT_TRUE(test.heads[0].multilabel.has_value());
  EXPECT_EQ(test.heads[0].multilabel->n_labels, 4);
  EXPECT_GT(*test.metric("labels.roc_auc_macro"), 0.7) << "no better than chance";
  EXPECT_EQ(test.heads[0].labels,
            (std::vector<std::string>{"label0", "label1", "label2", "label3"}));

  for (const auto& path :
       {result.paths.config(), result.paths.last_checkpoint(), result.paths.best_checkpoint(),
        result.paths.test_metrics_json(), result.paths.test_metrics_csv(), result.paths.summary(),
        result.paths.test_predictions(), result.paths.report(),
        result.paths.dir / checkpoint::load_checkpoint(result.paths.last_checkpoint(), false)
                               .metadata.at(checkpoint::checkpoint_keys::kOptimizerFile)}) {
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
  }
  // Nothing else: one optimizer file, no temporary file left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(result.paths.dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 11);  // the 10 above, run.lock
}

TEST(Trainer, SameConfigGivesTheSameRunBitForBit) {
  const auto a = Trainer(tiny_config(fresh_dir("a"))).fit();
  const auto b = Trainer(tiny_config(fresh_dir("b"))).fit();
  const auto log_a = read_metrics_log(a.paths.metrics_log());
  const auto log_b = read_metrics_log(b.paths.metrics_log());
  ASSERT_EQ(log_a.size(), log_b.size());
  for (size_t i = 0; i < log_a.size(); ++i) {
    EXPECT_EQ(log_a[i]["train_loss"], log_b[i]["train_loss"]);
    EXPECT_EQ(log_a[i]["validation"], log_b[i]["validation"]);
  }
  EXPECT_EQ(flat_json(*a.test), flat_json(*b.test));
}

TEST(Trainer, AnyThreadCountGivesTheSameRunBitForBit) {
  // Large enough that products are split into blocks and elementwise work
  // runs on several threads.
  const auto run = [](int64_t threads) {
    config::RunConfig config = tiny_config(fresh_dir("threads" + std::to_string(threads)));
    config.threads = threads;
    config.data.synthetic.samples = 1500;
    config.data.synthetic.features = 96;
    config.model.backbone.sizes = {384, 256};
    config.training.batch_size = 256;
    config.training.epochs = 2;
    const TrainResult result = Trainer(config).fit();
    // The tensors, not the file: the file's metadata records the config's `threads`.
    std::vector<std::vector<float>> weights;
    for (const auto& [name, tensor] :
         checkpoint::load_checkpoint(result.paths.best_checkpoint(), false).model)
      weights.push_back(tensor.to_vector());
    return weights;
  };
  const auto one = run(1);
  ASSERT_FALSE(one.empty());
  EXPECT_TRUE(one == run(2)) << "2 threads trained a different model than 1";
  EXPECT_TRUE(one == run(0)) << "the adaptive thread count trained a different model than 1";
  set_num_threads(0);
}

TEST(Trainer, TheFinalModelIsTheBestCheckpoint) {
  const auto dir = fresh_dir("run");
  Trainer trainer(tiny_config(dir));
  const TrainResult result = trainer.fit();
  const checkpoint::Checkpoint best =
      checkpoint::load_checkpoint(result.paths.best_checkpoint(), false);
  for (const auto& [name, tensor] : trainer.model().state_dict()) {
    EXPECT_EQ(tensor.to_vector(), best.model.at(name).to_vector()) << name;
  }
  EXPECT_EQ(best.metadata.at("run.epoch"), std::to_string(result.best_epoch));
  const ModelCard card = model_card_from(best.metadata);
  EXPECT_EQ(card.feature_names.size(), 8u);
  EXPECT_EQ(card.scaler_mean, trainer.data().scaler.mean.to_vector());
  EXPECT_EQ(card.heads[0].labels.size(), 4u);
}

TEST(Trainer, EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement) {
  config::RunConfig config = tiny_config(fresh_dir("run"));
  // A wide layer, a high rate and few rows: the validation loss soon rises.
  config.data.synthetic.samples = 200;
  config.model.backbone.sizes = {256};
  config.training.optimizer.lr = 0.03;
  config.training.epochs = 60;
  config.training.early_stopping.enabled = true;
  config.training.early_stopping.metric = "loss";
  config.training.early_stopping.patience = 3;
  const TrainResult result = Trainer(config).fit();
  EXPECT_TRUE(result.stopped_early);
  EXPECT_LT(result.epochs_completed, 60);
  EXPECT_EQ(result.epochs_completed, result.best_epoch + 3);
  const auto log = read_metrics_log(result.paths.metrics_log());
  ASSERT_EQ(static_cast<int64_t>(log.size()), result.epochs_completed);
  for (int64_t e = result.best_epoch; e < result.epochs_completed; ++e) {
    EXPECT_FALSE(log[static_cast<size_t>(e)]["improved"].get<bool>());
  }
}

TEST(Trainer, MonitorsANamedHeadMetric) {
  config::RunConfig config = tiny_config(fresh_dir("run"));
  config.training.early_stopping.enabled = true;
  config.training.early_stopping.metric = "labels.f1_macro";
  config.training.early_stopping.mode = config::MonitorMode::Max;
  config.training.early_stopping.patience = 100;
  const TrainResult result = Trainer(config).fit();
  const auto log = read_metrics_log(result.paths.metrics_log());
  double best = -1;
  for (const auto& record : log) {
    EXPECT_EQ(record["monitored"], record["validation"]["labels.f1_macro"]);
    best = std::max(best, record["monitored"].get<double>());
  }
  EXPECT_EQ(*result.best_value, best);
}

TEST(Trainer, AnUnknownMonitorMetricIsAConfigError) {
  config::RunConfig config = tiny_config(fresh_dir("run"));
  config.training.early_stopping.enabled = true;
  config.training.early_stopping.metric = "labels.f1_mikro";
  expect_error<config::ConfigError>([&] { Trainer trainer(config); },
                                    {"training.early_stopping.metric", "f1_mikro", "f1_micro"});
}

TEST(Trainer, OutputsThatDisagreeWithTheDataAreAConfigError) {
  config::RunConfig config = tiny_config(fresh_dir("run"));
  config.model.heads[0].outputs = 5;
  config.data.synthetic.heads[0].frequencies = {0.5, 0.3, 0.15, 0.05};
  // validate_config already compares outputs with the synthetic frequencies.
  expect_error<config::ConfigError>([&] { Trainer trainer(config); },
                                    {"model.heads.labels.outputs"});
}

TEST(Trainer, ADivergedLossStopsTrainingNamingEpochBatchAndHead) {
  config::RunConfig config = tiny_config(fresh_dir("run"));
  config.training.optimizer = config::OptimizerConfig{};
  config.training.optimizer.name = optim::OptimizerKind::SGD;
  config.training.optimizer.lr = 1e30;  // the first step sends the weights past float range
  Trainer trainer(config);
  try {
    trainer.fit();
    FAIL() << "training went on with a non-finite loss";
  } catch (const TrainingDiverged& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("epoch 1, batch "), std::string::npos) << message;
    EXPECT_NE(message.find("head 'labels'"), std::string::npos) << message;
    EXPECT_NE(message.find("not finite"), std::string::npos) << message;
  }
}

TEST(Trainer, EvaluatesANamedSplit) {
  Trainer trainer(tiny_config(fresh_dir("run")));
  const EvaluationResult validation = trainer.evaluate(data::Split::Validation);
  EXPECT_EQ(validation.split, "validation");
  EXPECT_EQ(validation.samples, trainer.data().validation.size());
  EXPECT_EQ(*validation.metric("loss"), *validation.metric("labels.loss"));

  expect_error<ValueError>([&] { (void)validation.metric("labels.nope"); },
                           {"unknown metric 'labels.nope': head 'labels' (multilabel) has the "
                            "metrics"});
  expect_error<ValueError>([&] { (void)validation.metric("other.f1_macro"); },
                           {"unknown metric 'other.f1_macro': use 'loss' or HEAD.METRIC with a "
                            "head among labels"});
}

TEST(Trainer, MultiHeadRunWithAMulticlassHead) {
  config::RunConfig config = tiny_config(fresh_dir("run"));
  config.data.synthetic.heads.push_back({"rating", TaskKind::MultiClass, {0.2, 0.3, 0.5}});
  config::HeadConfig rating;
  rating.name = "rating";
  rating.kind = TaskKind::MultiClass;
  rating.head_weight = 0.5;
  rating.loss.weight.rule = config::WeightRule::InverseFrequency;
  config.model.heads.push_back(rating);
  config.training.epochs = 3;
  Trainer trainer(config);
  const TrainResult result = trainer.fit();
  ASSERT_TRUE(result.test);
  ASSERT_EQ(result.test->heads.size(), 2u);
  EXPECT_TRUE(result.test->heads[1].multiclass.has_value());
  EXPECT_EQ(result.test->heads[1].multiclass->n_classes, 3);
  EXPECT_DOUBLE_EQ(result.test->loss,
                   result.test->heads[0].loss + 0.5 * result.test->heads[1].loss);
  EXPECT_TRUE(result.test->metric("rating.accuracy").has_value());
}

}  // namespace
}  // namespace fulcrum::train
