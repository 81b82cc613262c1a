#include "fulcrum/train/predictor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/config/config_error.hpp"
#include "fulcrum/config/loader.hpp"
#include "fulcrum/config/loss_builder.hpp"
#include "fulcrum/config/model_builder.hpp"
#include "fulcrum/config/run_config.hpp"
#include "fulcrum/config/run_data.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/csv_fields.hpp"
#include "fulcrum/train/evaluation.hpp"

namespace fulcrum::train {

namespace {

constexpr int64_t kPredictBatch = 4096;

// The first non-blank line of `file`: enough for first_csv_record to see the
// column names without reading the whole file.
std::string first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw data::DataError(fmt::format("cannot open '{}'", file.string()));
  std::string line;
  while (std::getline(in, line) && line.find_first_not_of(" \t\r") == std::string::npos) {
  }
  return line;
}

Tensor tensor_of(const std::vector<double>& values) {
  if (values.empty()) return {};
  return Tensor::from({static_cast<int64_t>(values.size())},
                      std::vector<float>(values.begin(), values.end()));
}

// The input is a regular file (a FIFO would block the reader, a directory has
// no rows) and the output is not the input, which writing would destroy.
void check_paths(const std::filesystem::path& input, const std::filesystem::path& output) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(input, error)) {
    throw data::DataError(fmt::format(
        "predict: the input '{}' {}", input.string(),
        std::filesystem::exists(input, error) ? "is not a regular file" : "does not exist"));
  }
  if (std::filesystem::exists(output, error) && std::filesystem::equivalent(input, output, error)) {
    throw data::DataError(
        fmt::format("predict: the output '{}' is the input file; writing it would destroy the rows",
                    output.string()));
  }
}

// A model that gives NaN or infinite logits (damaged weights or statistics, or
// an input far outside what it was trained on) has no prediction to write.
void check_finite_logits(const Tensor& logits, const std::string& head) {
  const float* z = logits.data();
  const int64_t k = logits.size(1);
  for (int64_t i = 0; i < logits.numel(); ++i) {
    if (!std::isfinite(z[i])) {
      throw_value_error(fmt::format(
          "predict: head '{}' gives a non-finite logit ({}) for row {} (0-based): the "
          "checkpoint's weights or standardisation, or that row's features, are not usable",
          head, z[i], i / k));
    }
  }
}

// The parameters build_model would allocate for `model` with `features`
// inputs, counted without allocating; capped just above kMaxParameters (a
// model beyond it is build_model's error to report).
int64_t parameter_count(const config::ModelConfig& model, int64_t features) {
  const auto layer = [](int64_t in, int64_t out) {
    return out > 0 && in > (config::kMaxParameters - out) / out ? config::kMaxParameters + 1
                                                                : in * out + out;
  };
  int64_t total = 0;
  int64_t in = features;
  const auto add = [&](int64_t out) {
    total = std::min(total + layer(in, out), config::kMaxParameters + 1);
    in = out;
  };
  for (const int64_t size : model.backbone.sizes) add(size);
  const int64_t last = in;
  for (const config::HeadConfig& head : model.heads) {
    in = last;
    add(head.outputs);
  }
  return total;
}

}  // namespace

Predictor Predictor::load(const std::filesystem::path& model_file) {
  Predictor p;
  const checkpoint::Checkpoint checkpoint =
      checkpoint::load_checkpoint(model_file, /*with_optimizer=*/false);
  try {
    p.card_ = model_card_from(checkpoint.metadata);
  } catch (const ValueError& e) {
    // The metadata's checks cannot know which file they read.
    throw_value_error(fmt::format("{}: {}", model_file.string(), e.what()));
  }
  config::ModelConfig model;
  try {
    if (!p.card_.config_yaml.empty()) {
      p.config_ =
          config::parse_config(p.card_.config_yaml, model_file.string() + " (stored config)");
      model = p.config_->model;
    }
    if (!p.card_.model_yaml.empty()) {
      model =
          config::parse_model_config(p.card_.model_yaml, model_file.string() + " (stored model)");
    }
  } catch (const config::ConfigError& e) {
    throw_value_error(
        fmt::format("{}: the stored model cannot be read: {}", model_file.string(), e.what()));
  }
  FULCRUM_CHECK(!model.heads.empty(),
                "{}: the checkpoint does not say which model it holds (its model was not made "
                "of layers a config can describe, see config::describe_model)",
                model_file.string());
  FULCRUM_CHECK(model.heads.size() == p.card_.heads.size(),
                "{}: the stored model has {} heads, the metadata {}", model_file.string(),
                model.heads.size(), p.card_.heads.size());
  for (size_t h = 0; h < p.card_.heads.size(); ++h) {
    model.heads[h].outputs = static_cast<int64_t>(p.card_.heads[h].labels.size());
    const HeadCard& head = p.card_.heads[h];
    p.recalibrations_.push_back(
        {model.heads[h].loss.kind.value_or(config::default_loss_kind(head.kind)),
         tensor_of(head.weight), tensor_of(head.pos_weight)});
  }
  const auto features = static_cast<int64_t>(p.card_.feature_names.size());
  p.imputer_ = imputer_of(p.card_);
  FULCRUM_CHECK(
      !p.imputer_.fitted() || !p.config_ || p.config_->data.missing != data::MissingPolicy::Error,
      "{}: the checkpoint holds imputation values ('{}') but its stored config says "
      "data.missing: error",
      model_file.string(), run_keys::kImputerFill);
  p.scaler_ = scaler_of(p.card_);
  // The metadata is text anyone can edit: a model it describes as larger than
  // the tensors in the file cannot load, and building it first could take
  // gigabytes and minutes for a file of a few kilobytes.
  int64_t values = 0;
  for (const auto& [name, tensor] : checkpoint.model) values += tensor.numel();
  const int64_t needed = parameter_count(model, features);
  FULCRUM_CHECK(needed <= values,
                "{}: the stored model ({} features, backbone sizes [{}], {} heads) has {}{} "
                "parameters, but the file's tensors hold only {} values: its metadata does not "
                "describe its tensors",
                model_file.string(), features, fmt::join(model.backbone.sizes, ", "),
                model.heads.size(), needed > config::kMaxParameters ? "more than " : "",
                std::min(needed, config::kMaxParameters), values);
  p.gen_ = std::make_unique<Generator>(0);
  p.model_ = config::build_model(model, features, *p.gen_);
  p.model_config_ = model;
  p.model_->load_state_dict(checkpoint.model);
  p.model_->eval();
  return p;
}

std::vector<float> Predictor::decision_thresholds(size_t head_index, bool raw) const {
  const HeadCard& head = card_.heads[head_index];
  if (head.kind == TaskKind::MultiClass) return {};
  const auto k = static_cast<int64_t>(head.labels.size());
  std::vector<float> stored(head.thresholds.begin(), head.thresholds.end());
  std::vector<float> as_logits(stored.size());
  for (size_t c = 0; c < stored.size(); ++c) {
    const double t = head.thresholds[c];
    // 0 and 1 (and beyond) decide every row the same way on any scale.
    as_logits[c] = t > 0.0 && t < 1.0 ? static_cast<float>(std::log(t / (1.0 - t))) : 0.0f;
  }
  const Recalibration& r = recalibrations_[head_index];
  const Tensor shifted =
      raw ? Tensor()
          : train::recalibrated_logits(Tensor::from({1, k}, as_logits), r.kind, r.weight, r.pos_weight);
  if (!shifted.defined()) return stored;
  std::vector<float> converted = sigmoid(shifted).to_vector();
  for (size_t c = 0; c < stored.size(); ++c) {
    if (!(stored[c] > 0.0f && stored[c] < 1.0f)) converted[c] = stored[c];
  }
  return converted;
}

std::vector<std::vector<float>> Predictor::decision_thresholds(
    const PredictOptions& options) const {
  std::vector<std::vector<float>> thresholds;
  for (size_t h = 0; h < card_.heads.size(); ++h)
    thresholds.push_back(decision_thresholds(h, options.raw));
  return thresholds;
}

Predictions Predictor::predict(const Tensor& features, const PredictOptions& options) const {
  const auto width = static_cast<int64_t>(card_.feature_names.size());
  FULCRUM_CHECK_SHAPE(features.dim() == 2 && features.size(1) == width,
                      "predict: features must be [N, {}] (the model's {} features), got {}", width,
                      width, fulcrum::to_string(features.shape()));
  NoGradGuard no_grad;
  const Tensor filled = imputer_.fitted() ? imputer_.transformed(features) : features;
  const Tensor x = scaler_.fitted() ? scaler_.transformed(filled) : filled;
  const int64_t n = x.size(0);
  std::vector<std::vector<Tensor>> parts(card_.heads.size());
  for (int64_t start = 0; start < n; start += kPredictBatch) {
    const int64_t end = std::min(n, start + kPredictBatch);
    const nn::HeadOutputs outputs = model_->forward_heads(slice(x, 0, start, end));
    for (size_t h = 0; h < parts.size(); ++h) parts[h].push_back(outputs[h].second);
  }

  // Columns per head: probabilities, decisions, then (optionally) logits.
  Predictions out;
  std::vector<std::vector<float>> columns;
  for (size_t h = 0; h < card_.heads.size(); ++h) {
    const HeadCard& head = card_.heads[h];
    const Tensor logits = parts[h].size() == 1 ? parts[h][0] : concat(parts[h], 0);
    check_finite_logits(logits, head.name);
    const bool multiclass = head.kind == TaskKind::MultiClass;
    const Tensor probs = multiclass ? softmax(logits, 1) : sigmoid(logits);
    const Tensor shifted = options.raw ? Tensor() : recalibrated_logits(h, logits);
    const Tensor reported =
        !shifted.defined() ? probs : multiclass ? softmax(shifted, 1) : sigmoid(shifted);
    const auto k = static_cast<int64_t>(head.labels.size());
    const float* q = reported.data();
    for (int64_t c = 0; c < k; ++c) {
      out.columns.push_back(head.name + "." + head.labels[static_cast<size_t>(c)]);
      std::vector<float>& column = columns.emplace_back(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) column[static_cast<size_t>(i)] = q[i * k + c];
    }
    // Decisions from the very floats written beside them, so that none can
    // disagree with its row.
    if (multiclass) {
      out.columns.push_back(head.name + ".pred");
      columns.push_back(argmax_last(reported).to_vector());
    } else {
      const std::vector<float> thresholds = decision_thresholds(h, options.raw);
      for (int64_t c = 0; c < k; ++c) {
        const float threshold = thresholds[static_cast<size_t>(c)];
        out.columns.push_back(head.name + "." + head.labels[static_cast<size_t>(c)] + ".pred");
        std::vector<float>& column = columns.emplace_back(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
          column[static_cast<size_t>(i)] = q[i * k + c] >= threshold ? 1.0f : 0.0f;
        }
      }
    }
    if (options.logits) {
      const float* z = logits.data();
      for (int64_t c = 0; c < k; ++c) {
        out.columns.push_back(head.name + "." + head.labels[static_cast<size_t>(c)] + ".logit");
        std::vector<float>& column = columns.emplace_back(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) column[static_cast<size_t>(i)] = z[i * k + c];
      }
    }
  }
  const auto total = static_cast<int64_t>(columns.size());
  out.values = Tensor::empty({n, total});
  float* v = out.values.data();
  for (int64_t c = 0; c < total; ++c) {
    for (int64_t i = 0; i < n; ++i)
      v[i * total + c] = columns[static_cast<size_t>(c)][static_cast<size_t>(i)];
  }
  return out;
}

Tensor Predictor::recalibrated_logits(size_t head, const Tensor& logits) const {
  FULCRUM_CHECK(head < recalibrations_.size(), "recalibrated_logits: head {} of {}", head,
                recalibrations_.size());
  const Recalibration& r = recalibrations_[head];
  return train::recalibrated_logits(logits, r.kind, r.weight, r.pos_weight);
}

std::string Predictor::to_csv(const Predictions& predictions) const {
  // Multiclass decisions are written as class names.
  std::vector<const HeadCard*> class_column(predictions.columns.size(), nullptr);
  for (const HeadCard& head : card_.heads) {
    if (head.kind != TaskKind::MultiClass) continue;
    const auto it =
        std::find(predictions.columns.begin(), predictions.columns.end(), head.name + ".pred");
    class_column[static_cast<size_t>(it - predictions.columns.begin())] = &head;
  }
  std::string text;
  for (size_t c = 0; c < predictions.columns.size(); ++c) {
    if (c > 0) text += ',';
    text += data::csv_field(predictions.columns[c]);
  }
  text += "\n";
  const int64_t n = predictions.values.size(0);
  const auto total = static_cast<int64_t>(predictions.columns.size());
  const float* v = predictions.values.data();
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t c = 0; c < total; ++c) {
      if (c > 0) text += ',';
      const float value = v[i * total + c];
      if (const HeadCard* head = class_column[static_cast<size_t>(c)]) {
        text += data::csv_field(head->labels[static_cast<size_t>(value)]);
      } else {
        text += fmt::format("{}", value);
      }
    }
    text += "\n";
  }
  return text;
}

int64_t Predictor::predict_csv(const std::filesystem::path& input,
                               const std::filesystem::path& output,
                               const PredictCsvOptions& options) const {
  check_paths(input, output);
  const char delimiter =
      config_ && !config_->data.delimiter.empty() ? config_->data.delimiter[0] : ',';
  const std::vector<std::string> first = data::first_csv_record(first_line(input), delimiter);
  const bool header = options.header == HeaderMode::Yes ||
                      (options.header == HeaderMode::Auto && data::looks_like_header(first));
  const auto width = card_.feature_names.size();
  data::CsvOptions csv;
  csv.header = header;
  csv.delimiter = delimiter;
  if (header) {
    std::vector<std::string> missing;
    for (const std::string& name : card_.feature_names) {
      if (std::find(first.begin(), first.end(), name) == first.end()) missing.push_back(name);
    }
    if (!missing.empty()) {
      throw data::DataError(fmt::format(
          "{}: missing feature column{} {} (the model reads {} features by name from the header; "
          "a file without a header is read by position)",
          input.string(), missing.size() == 1 ? "" : "s", fmt::join(missing, ", "), width));
    }
    csv.feature_columns = card_.feature_names;
  } else {
    // By position, a column more is as wrong as one fewer: which would be
    // the features?
    if (first.size() != width) {
      throw data::DataError(fmt::format(
          "{}: {} columns, but the model reads {} features (by position: the file has no "
          "header){}",
          input.string(), first.size(), width,
          first.size() > width ? "; remove the other columns (fulcrum predict --has-labels drops "
                                 "the training file's label columns)"
                               : ""));
    }
    for (size_t c = 0; c < width; ++c) csv.feature_columns.push_back(fmt::format("c{}", c));
  }
  const data::Dataset dataset = data::read_csv(input, csv);
  const Predictions predictions = predict(dataset.features, options.predict);
  write_text_file(output, to_csv(predictions));
  return predictions.values.size(0);
}

namespace {

// The model of `predictor` on `raw` (unstandardised), with the checkpoint's
// imputation, scaler, thresholds and losses. The losses' weights are the stored resolved
// ones; a rule a checkpoint of an earlier fulcrum kept as a rule is resolved
// on `weights_from`.
EvaluationResult evaluate_with_card(const Predictor& predictor, const data::Dataset& raw,
                                    const data::Dataset& weights_from, std::string name) {
  const ModelCard& card = predictor.card();
  const data::StandardScaler scaler = scaler_of(card);
  const data::Dataset filled =
      predictor.imputer().fitted() ? predictor.imputer().transformed(raw) : raw;
  const data::Dataset dataset = scaler.fitted() ? scaler.transformed(filled) : filled;
  const config::ModelConfig& model = predictor.model_config();
  EvaluateOptions options;
  options.recalibrate = true;
  std::vector<nn::HeadLoss> losses;
  for (size_t h = 0; h < model.heads.size(); ++h) {
    losses.push_back(
        config::build_head_loss(model.heads[h], weights_from.target(model.heads[h].name)));
    options.head_thresholds.push_back(model.heads[h].threshold);
    const HeadCard& head = card.heads[h];
    options.label_thresholds.emplace_back(head.thresholds.begin(), head.thresholds.end());
  }
  return evaluate(predictor.model(), dataset, losses, std::move(name), options);
}

}  // namespace

EvaluationResult evaluate_checkpoint(const Predictor& predictor, const config::RunConfig& config,
                                     data::Split split) {
  // The stored imputation; a checkpoint without one, of a run that imputed,
  // was written before it was stored: the training split gives it again.
  const config::RunData data = predictor.imputer().fitted()
                                   ? config::load_run_data(config, predictor.imputer())
                                   : config::load_run_data(config);
  const data::Dataset& raw = data.split(split);
  FULCRUM_CHECK(raw.size() > 0,
                "the {} split is empty (see data.validation_fraction, data.test_fraction and "
                "data.test)",
                split);
  const ModelCard& card = predictor.card();
  if (raw.feature_names != card.feature_names) {
    throw data::DataError(fmt::format(
        "the model reads {} features ({}...), the {} split of the data has {} ({}...)",
        card.feature_names.size(), card.feature_names.empty() ? "" : card.feature_names[0], split,
        raw.feature_names.size(), raw.feature_names.empty() ? "" : raw.feature_names[0]));
  }
  return evaluate_with_card(predictor, raw, data.train, std::string(name_of(split)));
}

EvaluationResult evaluate_checkpoint(const Predictor& predictor, const data::Dataset& rows,
                                     const std::string& name) {
  FULCRUM_CHECK(rows.size() > 0, "{}: no rows to evaluate", name);
  if (rows.feature_names != predictor.card().feature_names) {
    throw data::DataError(fmt::format("{}: the rows have {} features, the model reads {}", name,
                                      rows.feature_names.size(),
                                      predictor.card().feature_names.size()));
  }
  return evaluate_with_card(predictor, rows, rows, name);
}

}  // namespace fulcrum::train
