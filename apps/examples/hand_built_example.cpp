// A model assembled in C++, trained by fulcrum's Trainer, served by `fulcrum
// predict`: no config file anywhere.
//
//   build/apps/fulcrum_hand_built_example runs/hand_built
//   build/apps/fulcrum predict --checkpoint runs/hand_built/best.safetensors
//       --input runs/hand_built/test_rows.csv --output predictions.csv   (one line)
//
// The model is a shared backbone with two heads: "tags", four multi-label tags
// from common to rare, trained with BCE and pos_weight = negatives / positives
// of the training split; and "rating", three classes, trained with
// class-weighted cross-entropy. The run directory gets what `fulcrum train`
// writes (checkpoints with the model card, metrics.jsonl, test metrics,
// summary.json), plus test_rows.csv (the raw test features, for predict) and
// in_process.csv (this program's own calibrated probabilities for those rows,
// which predict's must equal).

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <fulcrum/fulcrum.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace fulcrum;

namespace {

// 1200 rows of 12 features; the test split is the last fifth, the validation
// split the fifth before it.
config::RunData make_data() {
  data::SyntheticOptions options;
  options.samples = 1200;
  options.features = 12;
  options.seed = 3;
  options.heads = {{"tags", TaskKind::MultiLabel, {0.5, 0.25, 0.1, 0.04}},
                   {"rating", TaskKind::MultiClass, {0.6, 0.3, 0.1}}};
  const data::Dataset all = data::make_synthetic(options);
  const auto rows = [](int64_t begin, int64_t end) {
    std::vector<int64_t> out;
    for (int64_t i = begin; i < end; ++i) out.push_back(i);
    return out;
  };
  config::RunData data;
  data.train = all.subset(rows(0, 720));
  data.validation = all.subset(rows(720, 960));
  data.test = all.subset(rows(960, 1200));
  data.scaler.fit(data.train.features);
  return data;
}

void write_rows(const std::filesystem::path& file, const std::vector<std::string>& names,
                const Tensor& values) {
  std::ofstream out(file);
  for (size_t c = 0; c < names.size(); ++c) out << (c ? "," : "") << names[c];
  out << "\n";
  const int64_t n = values.size(0), k = values.size(1);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t c = 0; c < k; ++c)
      out << (c ? "," : "") << fmt::format("{}", values.data()[i * k + c]);
    out << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "runs/hand_built";
  set_num_threads(1);
  const config::RunData data = make_data();
  const data::Target& tags = data.train.target("tags");
  const data::Target& rating = data.train.target("rating");

  // The model: Sequential(Linear(12, 32), ReLU, Dropout(0.1)) and two Linear heads.
  Generator init(11);
  Generator dropout(12);
  auto backbone = std::make_shared<nn::Sequential>();
  backbone->push_back(std::make_shared<nn::Linear>(12, 32, init));
  backbone->push_back(nn::make_activation(nn::Activation::ReLU));
  backbone->push_back(std::make_shared<nn::Dropout>(0.1f, dropout));
  nn::MultiHead::Heads heads;
  heads.emplace_back("tags", std::make_shared<nn::Linear>(32, tags.num_classes(), init));
  heads.emplace_back("rating", std::make_shared<nn::Linear>(32, rating.num_classes(), init));
  auto model = std::make_shared<nn::MultiHead>(backbone, heads);

  // Loss weights from the training split only.
  std::vector<nn::HeadLoss> losses;
  losses.push_back(nn::make_head_loss(
      "tags",
      nn::BCEWithLogitsLossOptions{.pos_weight = nn::pos_weight_neg_over_pos(tags.values)}));
  losses.push_back(
      nn::make_head_loss("rating",
                         nn::CrossEntropyLossOptions{.weight = nn::class_weight_balanced(
                                                         rating.values, rating.num_classes())},
                         /*head_weight=*/0.5));

  auto optimizer = std::make_unique<optim::AdamW>(
      model->parameters(), optim::AdamWOptions{.lr = 3e-3, .weight_decay = 1e-4});
  train::Trainer trainer(model, losses, std::move(optimizer), data,
                         {.output_dir = dir,
                          .epochs = 15,
                          .batch_size = 32,
                          .loader_seed = 5,
                          .dropout_generator = &dropout});
  const train::TrainResult result = trainer.fit();
  std::fputs(result.test->format_report().c_str(), stdout);

  // The rows predict will read, and what the model in this process says of them.
  write_rows(dir / "test_rows.csv", data.test.feature_names, data.test.features);
  const train::Predictor predictor = train::Predictor::load(result.paths.best_checkpoint());
  const train::Predictions own = predictor.predict(data.test.features);
  write_rows(dir / "in_process.csv", own.columns, own.values);
  std::printf("best model: %s\n", result.paths.best_checkpoint().c_str());
  return 0;
}
