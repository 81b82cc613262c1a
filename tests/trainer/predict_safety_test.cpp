// What predict refuses rather than answering wrongly: a checkpoint whose data
// was damaged, metadata edited outside its domain, a model that gives
// non-finite logits, an output path that is the input, inputs and checkpoints
// that are not regular files; and a CSV written with a byte order mark, which
// it reads like training does.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/checkpoint/safetensors.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/train/predictor.hpp"
#include "fulcrum/train/trainer.hpp"
#include "trainer_test_util.hpp"

namespace fulcrum::train {
namespace {

using testing::expect_error;
using testing::fresh_dir;
using testing::tiny_config;

// best.safetensors of a tiny run in `dir`.
std::filesystem::path trained_checkpoint(const std::filesystem::path& dir) {
  config::RunConfig config = tiny_config(dir / "run");
  config.training.epochs = 1;
  Trainer trainer(config);
  return trainer.fit().paths.best_checkpoint();
}

TEST(PredictSafety, ACheckpointWithDamagedDataIsRefused) {
  const auto dir = fresh_dir("run");
  const auto file = trained_checkpoint(dir);
  ASSERT_NO_THROW(Predictor::load(file));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-3, std::ios::end);
    const char byte = static_cast<char>(f.get());
    f.seekp(-3, std::ios::end);
    f.put(static_cast<char>(byte ^ 0x10));
  }
  const std::string name = file.string();
  expect_error<checkpoint::CheckpointError>([&] { Predictor::load(file); },
                                            {"is damaged", "checksum", name.c_str()});
}

TEST(PredictSafety, MetadataOutsideItsDomainIsRefused) {
  const auto dir = fresh_dir("run");
  const Predictor predictor = Predictor::load(trained_checkpoint(dir));
  const auto refused = [&](ModelCard card, std::initializer_list<std::string_view> parts) {
    const auto file = dir / "edited.safetensors";
    save_model(file, predictor.model(), card);
    expect_error<ValueError>([&] { Predictor::load(file); }, parts);
  };
  ModelCard card = predictor.card();
  card.heads[0].thresholds[1] = 2.0;
  refused(card, {"head 'labels'", "threshold 2", "outside (0, 1)"});
  card = predictor.card();
  card.heads[0].pos_weight.assign(card.heads[0].labels.size(), 1.0);
  card.heads[0].pos_weight[0] = -1.0;
  refused(card, {"pos_weight -1", ">= 0"});
  card = predictor.card();
  card.heads[0].name = "../../x";
  refused(card, {"head name '../../x'"});

  // A kind no enum holds can only come from editing the file.
  checkpoint::Metadata metadata = to_metadata(predictor.card());
  const std::string heads = metadata.at(run_keys::kHeads);
  const size_t at = heads.find("\"multilabel\"");
  ASSERT_NE(at, std::string::npos);
  metadata[run_keys::kHeads] = heads.substr(0, at) + "\"bogus\"" + heads.substr(at + 12);
  const auto file = dir / "bogus.safetensors";
  checkpoint::save_checkpoint(file, predictor.model(), nullptr, metadata);
  expect_error<ValueError>([&] { Predictor::load(file); }, {"unknown head kind 'bogus'"});
}

TEST(PredictSafety, NonFiniteLogitsFailNamingTheRow) {
  const auto dir = fresh_dir("run");
  const Predictor predictor = Predictor::load(trained_checkpoint(dir));
  ModelCard card = predictor.card();
  card.scaler_scale.assign(card.scaler_scale.size(), 0.0f);  // x / 0: infinite features
  const auto file = dir / "zero_scale.safetensors";
  save_model(file, predictor.model(), card);
  const Predictor broken = Predictor::load(file);
  const Tensor rows = Tensor::full({3, static_cast<int64_t>(card.feature_names.size())}, 1.0f);
  expect_error<ValueError>([&] { broken.predict(rows); },
                           {"head 'labels'", "non-finite logit", "row 0"});
}

TEST(PredictSafety, PredictCsvRefusesToOverwriteItsInputOrReadAFifo) {
  const auto dir = fresh_dir("run");
  const Predictor predictor = Predictor::load(trained_checkpoint(dir));
  std::string csv;
  for (size_t f = 0; f < predictor.feature_names().size(); ++f) {
    csv += (f ? "," : "") + predictor.feature_names()[f];
  }
  csv += "\n";
  for (size_t f = 0; f < predictor.feature_names().size(); ++f) csv += f ? ",0.5" : "0.5";
  csv += "\n";
  std::ofstream(dir / "rows.csv") << csv;
  expect_error<data::DataError>(
      [&] { predictor.predict_csv(dir / "rows.csv", dir / "." / "rows.csv"); },
      {"is the input file"});
  std::ifstream kept(dir / "rows.csv");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), csv) << "the input was changed";

  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  expect_error<data::DataError>([&] { predictor.predict_csv(dir / "fifo", dir / "p.csv"); },
                                {"is not a regular file"});
  expect_error<checkpoint::SafetensorsError>([&] { Predictor::load(dir / "fifo"); },
                                             {"is not a regular file"});

  // A byte order mark before the header, as spreadsheet programs write it.
  std::ofstream(dir / "bom.csv") << "\xEF\xBB\xBF" << csv;
  EXPECT_EQ(predictor.predict_csv(dir / "bom.csv", dir / "p.csv"), 1);
}

}  // namespace
}  // namespace fulcrum::train
