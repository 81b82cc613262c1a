// Model + optimizer checkpoints: a resumed run continues bit for bit, the model
// file holds exactly the state_dict, and files from different saves are caught.

#include "fulcrum/checkpoint/checkpoint.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checkpoint_test_util.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/optim/adam.hpp"

namespace fulcrum::checkpoint {
namespace {

using test::expect_bitwise_equal;
using test::expect_error;

class CheckpointTest : public test::ScratchDir {};

nn::MLPOptions mlp_options() { return {.sizes = {4, 8, 3}, .activation = nn::Activation::Tanh}; }

/// A fixed batch: 5 samples of 4 features and 3 targets.
Tensor batch_input() {
  std::vector<float> values;
  for (int i = 0; i < 20; ++i) values.push_back(0.3f * static_cast<float>(i % 7) - 0.8f);
  return Tensor::from({5, 4}, values);
}
Tensor batch_target() {
  std::vector<float> values;
  for (int i = 0; i < 15; ++i) values.push_back(static_cast<float>((i * 5) % 3) - 1.0f);
  return Tensor::from({5, 3}, values);
}

void train_steps(nn::MLP& model, optim::Optimizer& optimizer, int steps) {
  const Tensor x = batch_input();
  const Tensor y = batch_target();
  for (int k = 0; k < steps; ++k) {
    optimizer.zero_grad();
    const Tensor diff = model(x) - y;
    mean(diff * diff).backward();
    optimizer.step();
  }
}

TEST_F(CheckpointTest, ResumedRunIsBitIdentical) {
  Generator gen_a(1);
  auto model = std::make_shared<nn::MLP>(mlp_options(), gen_a);
  optim::AdamW optimizer(model->parameters(), {.lr = 0.05});
  train_steps(*model, optimizer, 3);

  const fs::path file = path("run.safetensors");
  save_checkpoint(file, *model, &optimizer, {{"epoch", "3"}});

  // A fresh model with other initial values and a fresh optimizer.
  Generator gen_b(99);
  auto resumed = std::make_shared<nn::MLP>(mlp_options(), gen_b);
  optim::AdamW resumed_optimizer(resumed->parameters(), {.lr = 0.05});
  const Checkpoint checkpoint = load_checkpoint(file, /*with_optimizer=*/true);
  resumed->load_state_dict(checkpoint.model);
  resumed_optimizer.load_state(checkpoint.optimizer);
  EXPECT_EQ(resumed_optimizer.step_count(), 3);

  train_steps(*model, optimizer, 3);
  train_steps(*resumed, resumed_optimizer, 3);
  const auto want = model->named_parameters();
  const auto got = resumed->named_parameters();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].first, want[i].first);
    expect_bitwise_equal(got[i].second, want[i].second, want[i].first);
  }
}

TEST_F(CheckpointTest, ModelFileHoldsExactlyTheStateDict) {
  Generator gen(3);
  nn::MLP model(mlp_options(), gen);
  optim::AdamW optimizer(model.parameters());
  train_steps(model, optimizer, 1);
  const fs::path file = path("best.safetensors");
  save_checkpoint(file, model, &optimizer, {{"labels", R"(["a","b","c"])"}});

  // What safetensors.torch.load_file would give PyTorch's load_state_dict.
  const SafetensorsFile raw = load_safetensors(file);
  std::set<std::string> names;
  for (const auto& [name, tensor] : raw.tensors) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"layers.0.bias", "layers.0.weight", "layers.1.bias",
                                          "layers.1.weight"}));
  const Checkpoint checkpoint = load_checkpoint(file, false);
  for (const auto& [name, tensor] : model.state_dict()) {
    expect_bitwise_equal(checkpoint.model.at(name), tensor, name);
  }
  EXPECT_EQ(raw.metadata.at("format"), "pt");
  EXPECT_EQ(raw.metadata.at("labels"), R"(["a","b","c"])");
  const std::string optimizer_name = raw.metadata.at(checkpoint_keys::kOptimizerFile);
  EXPECT_EQ(fs::path(optimizer_name),
            optimizer_file_for("best.safetensors", raw.metadata.at(checkpoint_keys::kSaveToken)));
  EXPECT_EQ(raw.metadata.at(checkpoint_keys::kOptimizer), "AdamW");
  EXPECT_EQ(raw.metadata.at(checkpoint_keys::kStep), "1");

  // The optimizer state went to the sibling file, with the same token.
  const SafetensorsFile optimizer_file = load_safetensors(path(optimizer_name));
  const optim::OptimizerState state = optimizer.state();
  ASSERT_EQ(optimizer_file.tensors.size(), state.size());
  for (size_t i = 0; i < state.size(); ++i) {
    EXPECT_EQ(optimizer_file.tensors[i].first, state[i].first);
    expect_bitwise_equal(optimizer_file.tensors[i].second, state[i].second, state[i].first);
  }
  EXPECT_EQ(optimizer_file.metadata.at(checkpoint_keys::kSaveToken),
            raw.metadata.at(checkpoint_keys::kSaveToken));
  EXPECT_EQ(optimizer_file.metadata.at(checkpoint_keys::kModelFile), "best.safetensors");
  EXPECT_EQ(listing(), (std::set<std::string>{"best.safetensors", optimizer_name}));
}

// The token is hashed from the optimizer file's content: saving the same state
// twice writes the same pair (so a resumed run ends byte-identical to one never
// interrupted), and any training step gives the optimizer file a new name.
TEST_F(CheckpointTest, TheSaveTokenFollowsTheOptimizerState) {
  Generator gen(6);
  nn::MLP model(mlp_options(), gen);
  optim::AdamW optimizer(model.parameters());
  train_steps(model, optimizer, 2);
  const fs::path file = path("ckpt.safetensors");
  const auto token = [&] {
    return load_checkpoint(file, false).metadata.at(checkpoint_keys::kSaveToken);
  };
  save_checkpoint(file, model, &optimizer, {});
  const std::string first = token();
  const test::Bytes bytes = test::read_bytes(file);
  save_checkpoint(file, model, &optimizer, {});
  EXPECT_EQ(token(), first);
  EXPECT_EQ(test::read_bytes(file), bytes);
  EXPECT_NO_THROW(load_checkpoint(file, true));
  EXPECT_EQ(listing(),
            (std::set<std::string>{"ckpt.safetensors", "ckpt.optim." + first + ".safetensors"}));
  train_steps(model, optimizer, 1);
  save_checkpoint(file, model, &optimizer, {});
  EXPECT_NE(token(), first);
  EXPECT_NO_THROW(load_checkpoint(file, true));
}

TEST_F(CheckpointTest, OptimizerFileFromAnotherSaveIsRefused) {
  Generator gen(5);
  nn::MLP model(mlp_options(), gen);
  optim::AdamW optimizer(model.parameters());
  train_steps(model, optimizer, 2);
  const fs::path file = path("ckpt.safetensors");
  const auto named = [&] {
    return path(load_checkpoint(file, false).metadata.at(checkpoint_keys::kOptimizerFile));
  };
  save_checkpoint(file, model, &optimizer, {});
  fs::copy_file(named(), path("old.optim"));

  // A later save, then the older optimizer file's contents put in place of
  // the new one.
  train_steps(model, optimizer, 1);
  save_checkpoint(file, model, &optimizer, {});
  EXPECT_NO_THROW(load_checkpoint(file, true));
  const fs::path optimizer_file = named();
  fs::copy_file(path("old.optim"), optimizer_file, fs::copy_options::overwrite_existing);
  expect_error<CheckpointError>(
      [&] { load_checkpoint(file, true); },
      {"does not belong", optimizer_file.string(), file.string(), "fulcrum.save_token"});
  // Loading the model alone still works.
  EXPECT_EQ(load_checkpoint(file, false).model.size(), 4u);

  fs::remove(optimizer_file);
  expect_error<CheckpointError>([&] { load_checkpoint(file, true); },
                                {"does not exist", optimizer_file.string()});
}

TEST_F(CheckpointTest, OptimizerFileOfAnotherStepIsRefused) {
  Generator gen(6);
  nn::MLP model(mlp_options(), gen);
  optim::AdamW optimizer(model.parameters());
  const fs::path file = path("ckpt.safetensors");
  train_steps(model, optimizer, 1);
  save_checkpoint(file, model, &optimizer, {});
  const SafetensorsFile model_file = load_safetensors(file);

  train_steps(model, optimizer, 1);
  save_checkpoint(file, model, &optimizer, {});
  // Put back the step-1 model file (with its own token and step), its
  // optimizer file name holding the step-2 optimizer state.
  const auto named = [](const Metadata& metadata) {
    return metadata.at(checkpoint_keys::kOptimizerFile);
  };
  fs::copy_file(path(named(load_safetensors(file).metadata)), path(named(model_file.metadata)));
  save_safetensors(file, model_file.tensors, model_file.metadata);
  expect_error<CheckpointError>([&] { load_checkpoint(file, true); }, {"does not belong"});
}

TEST_F(CheckpointTest, WithoutOptimizer) {
  Generator gen(7);
  nn::MLP model(mlp_options(), gen);
  const fs::path file = path("export.safetensors");
  save_checkpoint(file, model, nullptr, {{"format", "custom"}});
  EXPECT_EQ(listing(), (std::set<std::string>{"export.safetensors"}));

  const Checkpoint checkpoint = load_checkpoint(file, false);
  EXPECT_TRUE(checkpoint.optimizer.empty());
  EXPECT_EQ(checkpoint.metadata.at("format"), "custom");  // the caller's value wins
  EXPECT_EQ(checkpoint.metadata.count(checkpoint_keys::kOptimizerFile), 0u);
  expect_error<CheckpointError>([&] { load_checkpoint(file, true); },
                                {"saved without optimizer state", file.string()});
}

TEST_F(CheckpointTest, PlainSafetensorsFileLoadsAsModel) {
  // As exported from PyTorch: state_dict tensors, no fulcrum metadata.
  Generator gen(8);
  nn::MLP model(mlp_options(), gen);
  const nn::Module::StateDict state = model.state_dict();
  save_safetensors(path("torch.safetensors"), {state.begin(), state.end()}, {{"format", "pt"}});
  Generator other_gen(9);
  nn::MLP other(mlp_options(), other_gen);
  other.load_state_dict(load_checkpoint(path("torch.safetensors"), false).model);
  for (const auto& [name, tensor] : other.state_dict()) {
    expect_bitwise_equal(tensor, state.at(name), name);
  }
}

TEST_F(CheckpointTest, ReservedKeysAndVersions) {
  Generator gen(10);
  nn::MLP model(mlp_options(), gen);
  const fs::path file = path("m.safetensors");
  expect_error<ValueError>(
      [&] {
        save_checkpoint(file, model, nullptr, {{"fulcrum.save_token", "x"}});
      },
      {"'fulcrum.save_token' is reserved"});
  optim::AdamW optimizer(model.parameters());
  expect_error<ValueError>(
      [&] {
        save_checkpoint(file, model, &optimizer, {{"labels", "bad \xff utf8"}});
      },
      {"not valid UTF-8"});
  EXPECT_TRUE(listing().empty());  // not even the optimizer file was written

  save_safetensors(file, {}, {{checkpoint_keys::kVersion, "7"}});
  expect_error<CheckpointError>([&] { load_checkpoint(file, false); },
                                {file.string(), "has version 7"});
  save_safetensors(file, {}, {{checkpoint_keys::kOptimizerFile, "../elsewhere.safetensors"}});
  expect_error<CheckpointError>([&] { load_checkpoint(file, true); }, {"not a plain file name"});
}

TEST(CheckpointPaths, OptimizerFileIsTheSiblingNamedByTheToken) {
  EXPECT_EQ(optimizer_file_for("runs/a/best.safetensors", "0123"),
            fs::path("runs/a/best.optim.0123.safetensors"));
  EXPECT_EQ(optimizer_file_for("last.safetensors", "ab"), fs::path("last.optim.ab.safetensors"));
  EXPECT_EQ(optimizer_file_for("runs/model", "ab"), fs::path("runs/model.optim.ab.safetensors"));
}

TEST_F(CheckpointTest, ASaveRemovesThePreviousOptimizerFile) {
  Generator gen(11);
  nn::MLP model(mlp_options(), gen);
  optim::AdamW optimizer(model.parameters());
  const fs::path file = path("last.safetensors");
  for (int k = 1; k <= 3; ++k) {
    train_steps(model, optimizer, 1);
    save_checkpoint(file, model, &optimizer, {});
  }
  const Checkpoint checkpoint = load_checkpoint(file, true);
  EXPECT_EQ(checkpoint.metadata.at(checkpoint_keys::kStep), "3");
  EXPECT_EQ(listing(), (std::set<std::string>{"last.safetensors",
                                              checkpoint.metadata.at(
                                                  checkpoint_keys::kOptimizerFile)}));
}

// A process killed (SIGKILL, through the FULCRUM_TEST_ABORT_SAVE hook) at each
// step of a save leaves a checkpoint that loads with its optimizer state:
// the previous one before the commit, the new one after it; and
// discard_unfinished_saves then leaves exactly that pair.
TEST_F(CheckpointTest, AKillAtAnyStepOfASaveLeavesACompletePair) {
  const std::vector<std::pair<std::string, std::string>> steps{{"optimizer-written", "1"},
                                                               {"optimizer-renamed", "1"},
                                                               {"model-written", "1"},
                                                               {"model-renamed", "2"}};
  for (const auto& [step, expected_step] : steps) {
    SCOPED_TRACE(step);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Generator gen(12);
    nn::MLP model(mlp_options(), gen);
    optim::AdamW optimizer(model.parameters());
    const fs::path file = path("last.safetensors");
    train_steps(model, optimizer, 1);
    save_checkpoint(file, model, &optimizer, {{"epoch", "1"}});
    train_steps(model, optimizer, 1);

    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::setenv("FULCRUM_TEST_ABORT_SAVE", step.c_str(), 1);
      save_checkpoint(file, model, &optimizer, {{"epoch", "2"}});
      std::_Exit(0);  // not reached: the hook kills the child
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    EXPECT_GT(listing().size(), 2u) << "the kill left nothing to clean up";

    const Checkpoint loaded = load_checkpoint(file, true);
    EXPECT_EQ(loaded.metadata.at(checkpoint_keys::kStep), expected_step);
    EXPECT_EQ(loaded.metadata.at("epoch"), expected_step);
    EXPECT_FALSE(discard_unfinished_saves(file).empty());
    EXPECT_EQ(listing(), (std::set<std::string>{"last.safetensors",
                                                loaded.metadata.at(
                                                    checkpoint_keys::kOptimizerFile)}));
    EXPECT_NO_THROW(load_checkpoint(file, true));
  }
}

}  // namespace
}  // namespace fulcrum::checkpoint
