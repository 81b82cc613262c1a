// configs/mulan/emotions.yaml trained end to end for 2 epochs: the MULAN
// ARFF files with their XML label file, through load_config and the Trainer.
// The files are in $FULCRUM_MULAN_DIR, else in the shared data beside the
// repository (../shared/datasets/mulan); the test is skipped when they are absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "fulcrum/config/loader.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::fresh_dir;

TEST(MulanTraining, EmotionsTrainsFromItsXmlLabels) {
  const char* env = std::getenv("FULCRUM_MULAN_DIR");
  const std::filesystem::path dir = env != nullptr ? env : FULCRUM_SHARED_MULAN_DIR;
  if (!std::filesystem::exists(dir / "emotions-train.arff")) {
    GTEST_SKIP() << "no " << (dir / "emotions-train.arff").string()
                 << ": set FULCRUM_MULAN_DIR to the folder holding the MULAN files";
  }
  const auto output = fresh_dir("mulan-emotions");
  // The config's ${FULCRUM_MULAN_DIR:-...} reads the same folder as the check above.
  const std::string previous = env != nullptr ? env : "";
  ::setenv("FULCRUM_MULAN_DIR", dir.c_str(), 1);
  const config::RunConfig config = config::load_config(
      std::filesystem::path(FULCRUM_CONFIGS_DIR) / "mulan" / "emotions.yaml",
      {"training.epochs=2", "training.progress=false", "output_dir=" + output.string()});
  if (env != nullptr) {
    ::setenv("FULCRUM_MULAN_DIR", previous.c_str(), 1);
  } else {
    ::unsetenv("FULCRUM_MULAN_DIR");
  }

  Trainer trainer(config);
  EXPECT_EQ(trainer.data().train.size(), 391);
  EXPECT_EQ(trainer.data().test.size(), 202);
  EXPECT_EQ(trainer.data().train.num_features(), 72);
  const std::vector<std::string> labels{"amazed-suprised", "happy-pleased", "relaxing-calm",
                                        "quiet-still",     "sad-lonely",    "angry-aggresive"};
  EXPECT_EQ(trainer.data().train.targets.at(0).classes, labels);
  const TrainResult result = trainer.fit();
  EXPECT_EQ(result.epochs_completed, 2);
  ASSERT_TRUE(result.test.has_value());
  EXPECT_EQ(result.test->samples, 202);
  ASSERT_EQ(result.test->heads.size(), 1U);
  EXPECT_EQ(result.test->heads[0].labels, labels);
  const double micro = result.test->metric("labels.f1_micro").value_or(-1.0);
  const double macro = result.test->metric("labels.f1_macro").value_or(-1.0);
  const double auc = result.test->metric("labels.roc_auc_macro").value_or(-1.0);
  std::cout << "  emotions, 2 epochs: test micro-F1 " << micro << ", macro-F1 " << macro
            << ", macro ROC AUC " << auc << "\n";
  // Two epochs are enough to rank far better than chance (0.5).
  EXPECT_GT(auc, 0.7);
  EXPECT_GT(micro, 0.3);
}

}  // namespace
}  // namespace fulcrum::train
