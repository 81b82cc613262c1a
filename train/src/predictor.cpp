#include "fulcrum/train/predictor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/train/checkpoint.hpp"
#include "fulcrum/train/config_error.hpp"
#include "fulcrum/train/config_loader.hpp"
#include "fulcrum/train/evaluation.hpp"
#include "fulcrum/train/model_builder.hpp"

namespace fulcrum::train {

namespace {

constexpr int64_t kPredictBatch = 4096;

std::string trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(" \t\r");
  return std::string(s.substr(begin, end - begin + 1));
}

// The fields of the first non-blank line of a CSV file (quotes honoured; a
// header is one line). Enough to see the column names, before read_csv
// parses the file properly.
std::vector<std::string> first_record(const std::filesystem::path& file, char delimiter) {
  std::ifstream in(file);
  if (!in) throw data::DataError(fmt::format("cannot open '{}'", file.string()));
  std::string line;
  while (std::getline(in, line) && trim(line).empty()) {
  }
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      fields.push_back(trim(field));
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(trim(field));
  return fields;
}

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n;\t") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

Predictor Predictor::load(const std::filesystem::path& model_file) {
  Predictor p;
  const Checkpoint checkpoint = load_checkpoint(model_file, /*with_optimizer=*/false);
  p.card_ = model_card_from(checkpoint.metadata);
  try {
    p.config_ = parse_config(p.card_.config_yaml, model_file.string() + " (stored config)");
  } catch (const ConfigError& e) {
    throw_value_error(
        fmt::format("{}: the stored config cannot be read: {}", model_file.string(), e.what()));
  }
  FULCRUM_CHECK(p.config_.model.heads.size() == p.card_.heads.size(),
                "{}: the stored config has {} heads, the metadata {}", model_file.string(),
                p.config_.model.heads.size(), p.card_.heads.size());
  for (size_t h = 0; h < p.card_.heads.size(); ++h) {
    p.config_.model.heads[h].outputs = static_cast<int64_t>(p.card_.heads[h].labels.size());
  }
  const auto features = static_cast<int64_t>(p.card_.feature_names.size());
  if (!p.card_.scaler_mean.empty()) {
    p.scaler_.mean = Tensor::from({features}, p.card_.scaler_mean);
    p.scaler_.scale = Tensor::from({features}, p.card_.scaler_scale);
  }
  p.gen_ = std::make_unique<Generator>(0);
  p.model_ = build_model(p.config_.model, features, *p.gen_);
  p.model_->load_state_dict(checkpoint.model);
  p.model_->eval();
  return p;
}

Predictions Predictor::predict(const Tensor& features, const PredictOptions& options) const {
  const auto width = static_cast<int64_t>(card_.feature_names.size());
  FULCRUM_CHECK_SHAPE(features.dim() == 2 && features.size(1) == width,
                      "predict: features must be [N, {}] (the model's {} features), got {}", width,
                      width, fulcrum::to_string(features.shape()));
  NoGradGuard no_grad;
  const Tensor x = scaler_.fitted() ? scaler_.transformed(features) : features;
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
    const bool multiclass = head.kind == "multiclass";
    const Tensor probs = multiclass ? softmax(logits, 1) : sigmoid(logits);
    const Tensor shifted = options.raw ? Tensor() : recalibrated_logits(logits, recalibration(h));
    const Tensor reported =
        !shifted.defined() ? probs : multiclass ? softmax(shifted, 1) : sigmoid(shifted);
    const auto k = static_cast<int64_t>(head.labels.size());
    const float* p = probs.data();
    const float* q = reported.data();
    for (int64_t c = 0; c < k; ++c) {
      out.columns.push_back(head.name + "." + head.labels[static_cast<size_t>(c)]);
      std::vector<float>& column = columns.emplace_back(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) column[static_cast<size_t>(i)] = q[i * k + c];
    }
    if (multiclass) {
      out.columns.push_back(head.name + ".pred");
      const Tensor argmax = argmax_last(probs);
      columns.push_back(argmax.to_vector());
    } else {
      for (int64_t c = 0; c < k; ++c) {
        const auto threshold = static_cast<float>(head.thresholds[static_cast<size_t>(c)]);
        out.columns.push_back(head.name + "." + head.labels[static_cast<size_t>(c)] + ".pred");
        std::vector<float>& column = columns.emplace_back(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
          column[static_cast<size_t>(i)] = p[i * k + c] >= threshold ? 1.0f : 0.0f;
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

HeadLoss Predictor::recalibration(size_t h) const {
  // The parts of the head's loss that recalibrated_logits looks at.
  const HeadCard& head = card_.heads[h];
  const std::string& kind = config_.model.heads[h].loss.kind;
  const bool multiclass = head.kind == "multiclass";
  HeadLoss loss;
  loss.head = head.name;
  loss.kind = head.kind;
  loss.loss_kind = !kind.empty() ? kind : (multiclass ? "cross_entropy" : "bce");
  const auto tensor_of = [](const std::vector<double>& values) {
    if (values.empty()) return Tensor();
    return Tensor::from({static_cast<int64_t>(values.size())},
                        std::vector<float>(values.begin(), values.end()));
  };
  loss.weight = tensor_of(head.weight);
  loss.pos_weight = tensor_of(head.pos_weight);
  return loss;
}

int64_t Predictor::predict_csv(const std::filesystem::path& input,
                               const std::filesystem::path& output,
                               const PredictCsvOptions& options) const {
  FULCRUM_CHECK(options.header == "auto" || options.header == "yes" || options.header == "no",
                "predict: header must be auto, yes or no, got '{}'", options.header);
  const char delimiter = config_.data.delimiter.empty() ? ',' : config_.data.delimiter[0];
  const std::vector<std::string> first = first_record(input, delimiter);
  const bool header =
      options.header == "yes" ||
      (options.header == "auto" &&
       std::any_of(first.begin(), first.end(), [](const std::string& f) { return !is_number(f); }));
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
    if (first.size() < width) {
      throw data::DataError(fmt::format(
          "{}: {} columns, but the model reads {} features (by position: the file has no header)",
          input.string(), first.size(), width));
    }
    for (size_t c = 0; c < width; ++c) csv.feature_columns.push_back(fmt::format("c{}", c));
  }
  const data::Dataset dataset = data::read_csv(input, csv);
  const Predictions predictions = predict(dataset.features, options.predict);

  // Multiclass decisions are written as class names.
  std::vector<const HeadCard*> class_column(predictions.columns.size(), nullptr);
  for (const HeadCard& head : card_.heads) {
    if (head.kind != "multiclass") continue;
    const auto it =
        std::find(predictions.columns.begin(), predictions.columns.end(), head.name + ".pred");
    class_column[static_cast<size_t>(it - predictions.columns.begin())] = &head;
  }
  std::string text;
  for (size_t c = 0; c < predictions.columns.size(); ++c) {
    if (c > 0) text += ',';
    text += csv_field(predictions.columns[c]);
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
        text += csv_field(head->labels[static_cast<size_t>(value)]);
      } else {
        text += fmt::format("{}", value);
      }
    }
    text += "\n";
  }
  write_text_file(output, text);
  return n;
}

}  // namespace fulcrum::train
