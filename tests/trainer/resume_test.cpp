// A run interrupted after some epochs and resumed from its last checkpoint
// ends exactly where the uninterrupted run ends: same weights, same optimizer
// state, same per-epoch numbers, bit for bit.
#include <gtest/gtest.h>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/train/trainer.hpp"
#include "json_outputs.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::expect_error;
using testing::fresh_dir;

// Exercises every piece of state a resume must restore: the schedule (cosine
// with warm-up), the dropout generator, Adam's moments and step counts, and
// the early-stopping bookkeeping.
config::RunConfig resumable_config(const std::filesystem::path& dir) {
  config::RunConfig config = testing::tiny_config(dir);
  config.model.backbone.sizes = {24, 12};
  config.model.backbone.dropout = 0.2;
  config.model.heads[0].loss.pos_weight.rule = config::WeightRule::NegOverPos;
  config.training.epochs = 7;
  config.training.schedule.name = optim::ScheduleKind::Cosine;
  config.training.schedule.warmup_epochs = 2;
  config.training.grad_clip = 1.0;
  config.training.early_stopping.enabled = true;
  config.training.early_stopping.metric = "labels.f1_macro";
  config.training.early_stopping.mode = config::MonitorMode::Max;
  config.training.early_stopping.patience = 50;
  return config;
}

// The per-epoch numbers of a metrics log, without the timings.
std::vector<nlohmann::ordered_json> numbers(const std::filesystem::path& log) {
  std::vector<nlohmann::ordered_json> records = read_metrics_log(log);
  for (auto& record : records) {
    record.erase("seconds");
    record.erase("samples_per_second");
  }
  return records;
}

void expect_same_tensors(const nn::Module::StateDict& a, const nn::Module::StateDict& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, tensor] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_EQ(tensor.to_vector(), b.at(name).to_vector()) << name;
  }
}

TEST(Resume, InterruptedAndResumedEqualsUninterrupted) {
  const auto straight_dir = fresh_dir("straight");
  Trainer straight(resumable_config(straight_dir));
  const TrainResult expected = straight.fit();

  const auto resumed_dir = fresh_dir("resumed");
  {
    Trainer first(resumable_config(resumed_dir));
    first.set_callbacks({nullptr, [&first](const EpochSummary& s) {
                           if (s.epoch == 3) first.request_stop();
                         }});
    const TrainResult partial = first.fit();
    ASSERT_TRUE(partial.interrupted);
    ASSERT_EQ(partial.epochs_completed, 3);
    EXPECT_FALSE(partial.test.has_value());
  }
  Trainer second(resumable_config(resumed_dir));
  const TrainResult resumed = second.fit(RunPaths{resumed_dir}.last_checkpoint());

  EXPECT_EQ(resumed.epochs_completed, expected.epochs_completed);
  EXPECT_EQ(resumed.best_epoch, expected.best_epoch);
  EXPECT_EQ(resumed.best_value, expected.best_value);
  expect_same_tensors(second.model().state_dict(), straight.model().state_dict());

  // The last checkpoints: weights and optimizer state.
  const checkpoint::Checkpoint a =
      checkpoint::load_checkpoint(RunPaths{straight_dir}.last_checkpoint(), true);
  const checkpoint::Checkpoint b =
      checkpoint::load_checkpoint(RunPaths{resumed_dir}.last_checkpoint(), true);
  expect_same_tensors(a.model, b.model);
  ASSERT_EQ(a.optimizer.size(), b.optimizer.size());
  for (size_t i = 0; i < a.optimizer.size(); ++i) {
    EXPECT_EQ(a.optimizer[i].first, b.optimizer[i].first);
    EXPECT_EQ(a.optimizer[i].second.to_vector(), b.optimizer[i].second.to_vector())
        << a.optimizer[i].first;
  }
  EXPECT_EQ(a.metadata.at("rng.dropout"), b.metadata.at("rng.dropout"));

  // Every epoch's numbers, the three before the interruption included.
  const auto log_a = numbers(RunPaths{straight_dir}.metrics_log());
  const auto log_b = numbers(RunPaths{resumed_dir}.metrics_log());
  ASSERT_EQ(log_a.size(), 7u);
  ASSERT_EQ(log_b.size(), 7u);
  for (size_t i = 0; i < log_a.size(); ++i) EXPECT_EQ(log_a[i], log_b[i]) << "epoch " << i + 1;

  ASSERT_TRUE(expected.test && resumed.test);
  EXPECT_EQ(flat_json(*expected.test), flat_json(*resumed.test));
}

TEST(Resume, ADifferentDropoutStateWouldChangeTheRun) {
  // The comparison above is not vacuous: the same resume with another dropout
  // generator state in the checkpoint ends with other weights.
  const auto straight_dir = fresh_dir("straight");
  Trainer straight(resumable_config(straight_dir));
  straight.fit();

  const auto dir = fresh_dir("resumed");
  {
    Trainer first(resumable_config(dir));
    first.set_callbacks({nullptr, [&first](const EpochSummary& s) {
                           if (s.epoch == 3) first.request_stop();
                         }});
    first.fit();
  }
  const auto last = RunPaths{dir}.last_checkpoint();
  {
    checkpoint::Checkpoint checkpoint = checkpoint::load_checkpoint(last, true);
    Trainer donor(resumable_config(fresh_dir("donor")));
    donor.model().load_state_dict(checkpoint.model);
    donor.optimizer().load_state(checkpoint.optimizer);
    checkpoint::Metadata metadata;
    for (const auto& [key, value] : checkpoint.metadata) {
      if (key.rfind("fulcrum.", 0) != 0) metadata[key] = value;
    }
    metadata["rng.dropout"] = Generator(12345).state();
    checkpoint::save_checkpoint(last, donor.model(), &donor.optimizer(), metadata);
  }
  Trainer second(resumable_config(dir));
  second.fit(last);
  const auto a = checkpoint::load_checkpoint(RunPaths{straight_dir}.last_checkpoint(), false).model;
  const auto b = checkpoint::load_checkpoint(last, false).model;
  bool differs = false;
  for (const auto& [name, tensor] : a) differs |= tensor.to_vector() != b.at(name).to_vector();
  EXPECT_TRUE(differs);
}

TEST(Resume, RefusesACheckpointWithoutOptimizerState) {
  const auto dir = fresh_dir("run");
  config::RunConfig config = resumable_config(dir);
  config.training.epochs = 2;
  Trainer(config).fit();
  Trainer again(config);
  expect_error<checkpoint::CheckpointError>(
      [&] { again.fit(RunPaths{dir}.best_checkpoint()); },
      {"checkpoint '" + RunPaths{dir}.best_checkpoint().string() + "'",
       "was saved without optimizer state"});
}

}  // namespace
}  // namespace fulcrum::train
