#pragma once
// Helpers of the trainer tests: small synthetic run configs, temporary
// directories, and an EXPECT that a call throws an error naming given parts.

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>

#include "fulcrum/config/run_config.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::train::testing {

/// A run on synthetic data small enough to train in well under a second:
/// 600 rows of 8 features, one multilabel head "labels" of 4 labels from
/// common to rare, one hidden layer of 16, AdamW, writing to `output_dir`.
inline config::RunConfig tiny_config(const std::filesystem::path& output_dir) {
  config::RunConfig config;
  config.name = "tiny";
  config.seed = 7;
  config.threads = 1;
  config.output_dir = output_dir.string();
  config.data.source = data::DataSource::Synthetic;
  config.data.synthetic.samples = 600;
  config.data.synthetic.features = 8;
  config.data.synthetic.heads = {{"labels", TaskKind::MultiLabel, {0.5, 0.3, 0.15, 0.05}}};
  config.model.backbone.sizes = {16};
  config::HeadConfig head;
  head.name = "labels";
  config.model.heads = {head};
  config.training.epochs = 6;
  config.training.batch_size = 32;
  config.training.optimizer.lr = 3e-3;
  config.training.progress = false;
  return config;
}

/// A fresh, empty directory of the running test (see support/temp_dir.hpp).
inline std::filesystem::path fresh_dir(const std::string& tag) {
  return fulcrum::testing::test_dir(tag);
}

using fulcrum::testing::expect_error;

}  // namespace fulcrum::train::testing
