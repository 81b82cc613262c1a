// The Trainer made from objects (a model, losses, an optimizer and data built
// in C++, no config): it trains, its checkpoints carry what predict needs,
// resuming is exact, and mismatched pieces are refused with the reason.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fulcrum/config/loader.hpp"
#include "fulcrum/config/loss_builder.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/data/synthetic.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/layers/sequential.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/optim/adam.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::expect_error;
using testing::fresh_dir;

config::RunData make_data() {
  data::SyntheticOptions options;
  options.samples = 500;
  options.features = 6;
  options.seed = 4;
  options.heads = {{"labels", TaskKind::MultiLabel, {0.4, 0.2, 0.08}}};
  const data::Dataset all = data::make_synthetic(options);
  std::vector<int64_t> train, validation, test;
  for (int64_t i = 0; i < all.size(); ++i)
    (i < 300 ? train : i < 400 ? validation : test).push_back(i);
  config::RunData data;
  data.train = all.subset(train);
  data.validation = all.subset(validation);
  data.test = all.subset(test);
  data.scaler.fit(data.train.features);
  return data;
}

// Everything a run is made of, rebuilt identically from the same seeds.
struct HandBuiltRun {
  std::unique_ptr<Generator> dropout = std::make_unique<Generator>(2);
  std::shared_ptr<nn::MultiHead> model;
  std::vector<nn::HeadLoss> losses;
  std::unique_ptr<optim::Optimizer> optimizer;
  config::RunData data = make_data();

  HandBuiltRun() {
    Generator init(1);
    auto backbone = std::make_shared<nn::Sequential>();
    backbone->push_back(std::make_shared<nn::Linear>(6, 16, init));
    backbone->push_back(nn::make_activation(nn::Activation::GELU));
    backbone->push_back(std::make_shared<nn::Dropout>(0.1f, *dropout));
    model = std::make_shared<nn::MultiHead>(
        backbone, nn::MultiHead::Heads{{"labels", std::make_shared<nn::Linear>(16, 3, init)}});
    losses.push_back(nn::make_head_loss(
        "labels", nn::BCEWithLogitsLossOptions{.pos_weight = nn::pos_weight_neg_over_pos(
                                                   data.train.target("labels").values)}));
    optimizer =
        std::make_unique<optim::AdamW>(model->parameters(), optim::AdamWOptions{.lr = 5e-3});
  }

  Trainer trainer(const std::filesystem::path& dir, int64_t epochs = 4) {
    return Trainer(model, losses, std::move(optimizer), data,
                   {.output_dir = dir,
                    .epochs = epochs,
                    .batch_size = 32,
                    .head_thresholds = {0.4},
                    .loader_seed = 9,
                    .dropout_generator = dropout.get()});
  }
};

TEST(HandBuiltTrainer, CheckpointsDescribeTheModelForPredict) {
  const auto dir = fresh_dir("run");
  HandBuiltRun run;
  Trainer trainer = run.trainer(dir);
  const TrainResult result = trainer.fit();
  ASSERT_TRUE(result.test.has_value());
  EXPECT_EQ(trainer.config(), nullptr);

  const ModelCard card = trainer.model_card();
  EXPECT_TRUE(card.config_yaml.empty());
  const config::ModelConfig model = config::parse_model_config(card.model_yaml, "card");
  EXPECT_EQ(model.backbone.sizes, (std::vector<int64_t>{16}));
  EXPECT_EQ(model.backbone.activation, nn::Activation::GELU);
  EXPECT_NEAR(model.backbone.dropout, 0.1, 1e-7);
  ASSERT_EQ(model.heads.size(), 1u);
  EXPECT_EQ(model.heads[0].outputs, 3);
  EXPECT_EQ(model.heads[0].threshold, 0.4);
  EXPECT_EQ(model.heads[0].loss.kind, nn::LossKind::BCE);
  EXPECT_EQ(model.heads[0].loss.pos_weight.rule, config::WeightRule::Values);
  EXPECT_EQ(model.heads[0].loss.pos_weight.values, config::weight_values(run.losses[0].pos_weight));

  // The served model computes what the trained one does, on raw features.
  const Predictor predictor = Predictor::load(result.paths.best_checkpoint());
  const Predictions served = predictor.predict(run.data.test.features, {.raw = true});
  trainer.model().eval();
  NoGradGuard no_grad;
  const Tensor logits = trainer.model().forward_heads(trainer.data().test.features)[0].second;
  const Tensor probabilities = sigmoid(logits);
  const int64_t n = run.data.test.size();
  ASSERT_EQ(served.values.size(0), n);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t l = 0; l < 3; ++l) {
      EXPECT_EQ(served.values.data()[i * 6 + l], probabilities.data()[i * 3 + l]);
      EXPECT_EQ(served.values.data()[i * 6 + 3 + l],
                probabilities.data()[i * 3 + l] >= 0.4f ? 1.0f : 0.0f);
    }
  }
}

TEST(HandBuiltTrainer, ResumeIsExactWithTheDropoutGenerator) {
  const auto whole_dir = fresh_dir("whole");
  HandBuiltRun whole;
  Trainer uninterrupted = whole.trainer(whole_dir);
  uninterrupted.fit();

  const auto dir = fresh_dir("resumed");
  {
    HandBuiltRun first;
    Trainer trainer = first.trainer(dir);
    trainer.set_callbacks({nullptr, [&](const EpochSummary& s) {
                             if (s.epoch == 2) trainer.request_stop();
                           }});
    EXPECT_TRUE(trainer.fit().interrupted);
  }
  HandBuiltRun second;
  Trainer resumed = second.trainer(dir);
  const TrainResult result = resumed.fit(RunPaths{dir}.last_checkpoint());
  EXPECT_EQ(result.epochs_completed, 4);
  const auto a = uninterrupted.model().state_dict();
  const auto b = resumed.model().state_dict();
  for (const auto& [name, tensor] : a)
    EXPECT_EQ(tensor.to_vector(), b.at(name).to_vector()) << name;
}

TEST(HandBuiltTrainer, PiecesThatDoNotFitAreRefusedWithTheReason) {
  const auto dir = fresh_dir("run");
  {
    HandBuiltRun run;
    run.losses[0].head = "tags";
    expect_error<ValueError>([&] { run.trainer(dir); }, {"loss 0 is for head 'tags'", "'labels'"});
  }
  {
    HandBuiltRun run;
    run.losses = {nn::make_head_loss("labels", nn::CrossEntropyLossOptions{})};
    expect_error<ValueError>([&] { run.trainer(dir); },
                             {"head 'labels'", "multiclass loss (cross_entropy)", "multi-label"});
  }
  {
    HandBuiltRun run;
    expect_error<ValueError>(
        [&] {
          Trainer(run.model, run.losses, std::move(run.optimizer), run.data,
                  {.output_dir = dir,
                   .early_stopping = {.enabled = true, .metric = "labels.f1_makro"}});
        },
        {"unknown metric 'f1_makro'", "did you mean 'f1_macro'"});
  }
}

TEST(HandBuiltTrainer, AModelNoConfigDescribesTrainsButPredictSaysWhyItCannotServeIt) {
  const auto dir = fresh_dir("run");
  HandBuiltRun run;
  Generator init(1);
  // An MLP backbone names its parameters layers.0.weight, ...: not a config's layout.
  auto backbone =
      std::make_shared<nn::MLP>(nn::MLPOptions{.sizes = {6, 8}, .activate_last = true}, init);
  run.model = std::make_shared<nn::MultiHead>(
      backbone, nn::MultiHead::Heads{{"labels", std::make_shared<nn::Linear>(8, 3, init)}});
  run.optimizer = std::make_unique<optim::AdamW>(run.model->parameters(), optim::AdamWOptions{});
  Trainer trainer = run.trainer(dir, 1);
  const TrainResult result = trainer.fit();
  EXPECT_TRUE(trainer.model_card().model_yaml.empty());
  expect_error<ValueError>([&] { Predictor::load(result.paths.best_checkpoint()); },
                           {"does not say which model it holds"});
}

}  // namespace
}  // namespace fulcrum::train
