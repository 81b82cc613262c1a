// The imputation a run fits on its training split is stored in its
// checkpoints and used by the Predictor; a damaged entry names the file; a
// checkpoint without one (as earlier runs wrote) loads and imputes nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/run_outputs.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::expect_error;
using testing::fresh_dir;

// Features a (numeric), color (one-hot) and b (numeric) with a few '?';
// `shift` is added to every a.
std::string training_file(double shift = 0.0) {
  static const char* kColors[] = {"red", "green", "blue"};
  std::string text =
      "@relation gaps\n@attribute a numeric\n@attribute color {red,green,blue}\n"
      "@attribute b numeric\n@attribute l0 {0,1}\n@attribute l1 {0,1}\n@data\n";
  for (int r = 0; r < 120; ++r) {
    const double a = std::sin(r * 0.7) + shift;
    const double b = std::cos(r * 1.3);
    const std::string a_text = r % 7 == 3 ? "?" : fmt::format("{:.3f}", a);
    const std::string color = r % 11 == 5 ? "?" : kColors[r % 3];
    text += fmt::format("{},{},{:.3f},{},{}\n", a_text, color, b, a + b > 0.4 ? 1 : 0,
                        r % 3 == 2 ? 1 : 0);
  }
  return text;
}

class ImputationCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir("imputing");
    std::ofstream(dir_ / "train.arff") << training_file();
    trainer_ = std::make_unique<Trainer>(config(2));
    trainer_->fit();
  }

  config::RunConfig config(int epochs) const {
    return config::parse_config(
        "name: imputing\nseed: 3\nthreads: 1\noutput_dir: " + (dir_ / "run").string() +
            "\ndata: {source: arff, train: train.arff, label_count: 2, missing: mean}\n"
            "model: {backbone: {sizes: [8]}, heads: {labels: {}}}\n"
            "training: {epochs: " +
            std::to_string(epochs) + ", batch_size: 16, progress: false}\n",
        (dir_ / "run.yaml").string());
  }

  // The best checkpoint saved again as `name` with `edit` applied to its metadata.
  template <typename Edit>
  std::filesystem::path edited_checkpoint(const std::string& name, Edit&& edit) const {
    checkpoint::Metadata metadata =
        checkpoint::load_checkpoint(dir_ / "run" / "best.safetensors", false).metadata;
    std::erase_if(metadata, [](const auto& entry) { return entry.first.starts_with("fulcrum."); });
    edit(metadata);
    const std::filesystem::path file = dir_ / name;
    checkpoint::save_checkpoint(file, trainer_->model(), nullptr, metadata);
    return file;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Trainer> trainer_;
};

TEST_F(ImputationCheckpoint, TheFittedValuesAreStoredAndFillTheRowsPredicted) {
  const Predictor predictor = Predictor::load(dir_ / "run" / "best.safetensors");
  ASSERT_TRUE(trainer_->data().imputer.fitted());
  EXPECT_EQ(predictor.imputer().fill, trainer_->data().imputer.fill);
  const std::vector<float>& fill = predictor.imputer().fill;
  ASSERT_EQ(fill.size(), 5u);
  // A row missing every value predicts as the row of the stored values.
  const Tensor missing = Tensor::from({1, 5}, {NAN, NAN, NAN, NAN, NAN});
  const Tensor filled = Tensor::from({1, 5}, fill);
  EXPECT_EQ(predictor.to_csv(predictor.predict(missing)),
            predictor.to_csv(predictor.predict(filled)));
  EXPECT_TRUE(std::isnan(missing.data()[0])) << "the input is left as it was";
}

TEST_F(ImputationCheckpoint, ADamagedEntryNamesTheCheckpointFile) {
  const auto short_file = edited_checkpoint(
      "short.safetensors", [](checkpoint::Metadata& m) { m[run_keys::kImputerFill] = "[1, 2]"; });
  expect_error<ValueError>([&] { Predictor::load(short_file); },
                           {short_file.string(), "'imputer.fill' has 2 values for 5 features"});
  const auto text_file = edited_checkpoint("text.safetensors", [](checkpoint::Metadata& m) {
    m[run_keys::kImputerFill] = "[1, \"x\"]";
  });
  expect_error<ValueError>([&] { Predictor::load(text_file); }, {text_file.string()});
  // A stored config that says data.missing: error does not go with stored values.
  const auto mismatched = edited_checkpoint("mismatched.safetensors", [](checkpoint::Metadata& m) {
    std::string& yaml = m.at(run_keys::kConfig);
    const size_t at = yaml.find("missing: mean");
    ASSERT_NE(at, std::string::npos) << yaml;
    yaml.replace(at, 13, "missing: error");
  });
  expect_error<ValueError>([&] { Predictor::load(mismatched); },
                           {mismatched.string(), "stored config says data.missing: error"});
}

TEST_F(ImputationCheckpoint, ACheckpointWithoutTheEntryLoadsAndImputesNothing) {
  const auto old_file = edited_checkpoint("old.safetensors", [](checkpoint::Metadata& m) {
    m.erase(run_keys::kImputerFill);
    // An earlier run of data.missing: mean kept no values; its config says so still.
  });
  const Predictor predictor = Predictor::load(old_file);
  EXPECT_FALSE(predictor.imputer().fitted());
  const Tensor complete = Tensor::from({1, 5}, {0.5f, 1, 0, 0, 0.25f});
  EXPECT_EQ(predictor.predict(complete).values.size(0), 1);
  expect_error<ValueError>(
      [&] {
        predictor.predict(Tensor::from({1, 5}, {NAN, 1, 0, 0, 0.25f}));
      },
      {"non-finite logit"});
}

TEST_F(ImputationCheckpoint, AResumedRunKeepsTheStoredValuesWhenTheDataChanged) {
  const std::vector<float> stored = trainer_->data().imputer.fill;
  // Every a moves by 5, so its mean on the training split is 5 larger now.
  std::ofstream(dir_ / "train.arff") << training_file(5.0);
  Trainer resumed(config(3));
  ASSERT_NE(resumed.data().imputer.fill, stored) << "the new data must fit other values";
  resumed.fit(RunPaths{dir_ / "run"}.last_checkpoint());
  EXPECT_EQ(resumed.data().imputer.fill, stored);
  const Predictor predictor = Predictor::load(dir_ / "run" / "last.safetensors");
  EXPECT_EQ(predictor.imputer().fill, stored);
}

}  // namespace
}  // namespace fulcrum::train
