// test_predictions.csv: writing and reading (test_predictions.hpp).
#include "fulcrum/train/test_predictions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "fulcrum/checkpoint/safetensors.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/data/csv_fields.hpp"
#include "fulcrum/data/dataset.hpp"

namespace fulcrum::train {

namespace {

// The fields of one CSV line ("" quotes a quote inside a quoted field).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r' || quoted) {
      fields.back() += c;
    }
  }
  return fields;
}

// The column names of one head, in the order they are written.
struct HeadColumns {
  std::vector<std::string> probabilities, decisions, truth;
};

HeadColumns columns_of(const std::string& name, TaskKind kind,
                       const std::vector<std::string>& labels) {
  HeadColumns columns;
  for (const std::string& label : labels) columns.probabilities.push_back(name + "." + label);
  if (kind == TaskKind::MultiClass) {
    columns.decisions.push_back(name + ".pred");
    columns.truth.push_back(name + ".true");
  } else {
    for (const std::string& label : labels) {
      columns.decisions.push_back(name + "." + label + ".pred");
      columns.truth.push_back(name + "." + label + ".true");
    }
  }
  return columns;
}

}  // namespace

HeadPredictions head_predictions(const HeadCard& head, const Tensor& logits, const Tensor& truth) {
  const auto k = static_cast<int64_t>(head.labels.size());
  FULCRUM_CHECK_SHAPE(logits.dim() == 2 && logits.size(1) == k && truth.defined() &&
                          truth.dim() >= 1 && truth.size(0) == logits.size(0),
                      "head '{}': logits {} and targets {} do not fit {} labels", head.name,
                      to_string(logits.shape()), to_string(truth.shape()), k);
  HeadPredictions out{head.name, head.kind, head.labels, {}, {}, truth};
  if (head.kind == TaskKind::MultiClass) {
    out.probabilities = softmax(logits, 1);
    out.decisions = argmax_last(out.probabilities);
    return out;
  }
  FULCRUM_CHECK_SHAPE(truth.dim() == 2 && truth.size(1) == k,
                      "head '{}': targets {} do not fit {} labels", head.name,
                      to_string(truth.shape()), k);
  out.probabilities = sigmoid(logits);
  out.decisions = Tensor::zeros(logits.shape());
  const float* p = out.probabilities.data();
  float* d = out.decisions.data();
  const int64_t n = logits.size(0);
  for (int64_t c = 0; c < k; ++c) {
    // The comparison the test metrics make: float32 probability, float32 threshold.
    const auto threshold = static_cast<float>(head.thresholds.at(static_cast<size_t>(c)));
    for (int64_t i = 0; i < n; ++i) d[i * k + c] = p[i * k + c] >= threshold ? 1.0f : 0.0f;
  }
  return out;
}

std::string test_predictions_csv(const TestPredictions& predictions) {
  std::string text = "row";
  for (const HeadPredictions& head : predictions.heads) {
    const HeadColumns columns = columns_of(head.name, head.kind, head.labels);
    for (const auto* group : {&columns.probabilities, &columns.decisions, &columns.truth}) {
      for (const std::string& name : *group) {
        text += ',';
        text += data::csv_field(name);
      }
    }
  }
  text += "\n";
  for (int64_t i = 0; i < predictions.rows; ++i) {
    text += std::to_string(i);
    for (const HeadPredictions& head : predictions.heads) {
      const auto k = static_cast<int64_t>(head.labels.size());
      const float* p = head.probabilities.data();
      const float* d = head.decisions.data();
      const float* t = head.truth.data();
      for (int64_t c = 0; c < k; ++c) fmt::format_to(std::back_inserter(text), ",{}", p[i * k + c]);
      if (head.kind == TaskKind::MultiClass) {
        for (const float index : {d[i], t[i]}) {
          text += ',';
          text += data::csv_field(head.labels.at(static_cast<size_t>(index)));
        }
        continue;
      }
      for (int64_t c = 0; c < k; ++c) text += d[i * k + c] != 0 ? ",1" : ",0";
      for (int64_t c = 0; c < k; ++c) text += t[i * k + c] != 0 ? ",1" : ",0";
    }
    text += "\n";
  }
  return text;
}

void write_test_predictions(const std::filesystem::path& path, const TestPredictions& predictions) {
  checkpoint::write_file_atomically(path, test_predictions_csv(predictions));
}

TestPredictions read_test_predictions(const std::filesystem::path& path,
                                      const std::vector<HeadCard>& heads) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data::DataError(fmt::format("cannot open '{}'", path.string()));
  const auto fail = [&](int64_t line, const std::string& what) {
    throw data::DataError(fmt::format("{}:{}: {}", path.string(), line, what));
  };
  std::string line;
  if (!std::getline(in, line)) fail(1, "the file is empty; it should start with a header row");
  const std::vector<std::string> header = csv_fields(line);
  std::map<std::string, size_t> position;
  for (size_t c = 0; c < header.size(); ++c) position.emplace(header[c], c);
  const auto column = [&](const std::string& name) {
    const auto it = position.find(name);
    if (it == position.end()) {
      fail(1, fmt::format("no column '{}' (the run's heads are read by column name)", name));
    }
    return it->second;
  };
  const size_t row_column = column("row");

  // Per head: where its columns are, and the values read so far.
  struct Reading {
    HeadColumns names;
    std::vector<size_t> probabilities, decisions, truth;
    std::vector<float> p, d, t;
  };
  std::vector<Reading> readings;
  for (const HeadCard& head : heads) {
    Reading& r = readings.emplace_back();
    r.names = columns_of(head.name, head.kind, head.labels);
    for (const std::string& name : r.names.probabilities) r.probabilities.push_back(column(name));
    for (const std::string& name : r.names.decisions) r.decisions.push_back(column(name));
    for (const std::string& name : r.names.truth) r.truth.push_back(column(name));
  }

  int64_t rows = 0;
  for (int64_t number = 2; std::getline(in, line); ++number) {
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> fields = csv_fields(line);
    if (fields.size() != header.size()) {
      fail(number, fmt::format("{} fields, but the header has {}", fields.size(), header.size()));
    }
    const auto number_at = [&](size_t c) {
      const std::string& text = fields[c];
      float value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc{} || end != text.data() + text.size()) {
        fail(number, fmt::format("column '{}' holds '{}', not a number", header[c], text));
      }
      return value;
    };
    if (number_at(row_column) != static_cast<float>(rows)) {
      fail(number, fmt::format("row is '{}', expected {} (rows count from 0 in order)",
                               fields[row_column], rows));
    }
    for (size_t h = 0; h < heads.size(); ++h) {
      Reading& r = readings[h];
      for (const size_t c : r.probabilities) {
        const float p = number_at(c);
        if (!(p >= 0.0f && p <= 1.0f)) {
          fail(number, fmt::format("column '{}' holds {}, not a probability", header[c], p));
        }
        r.p.push_back(p);
      }
      if (heads[h].kind == TaskKind::MultiClass) {
        for (const auto& [c, out] :
             {std::pair{r.decisions[0], &r.d}, std::pair{r.truth[0], &r.t}}) {
          const auto& labels = heads[h].labels;
          const auto it = std::find(labels.begin(), labels.end(), fields[c]);
          if (it == labels.end()) {
            fail(number, fmt::format("column '{}' holds '{}', not a class of head '{}'", header[c],
                                     fields[c], heads[h].name));
          }
          out->push_back(static_cast<float>(it - labels.begin()));
        }
        continue;
      }
      for (const auto& [columns, out] :
           {std::pair{&r.decisions, &r.d}, std::pair{&r.truth, &r.t}}) {
        for (const size_t c : *columns) {
          const float v = number_at(c);
          if (v != 0.0f && v != 1.0f) {
            fail(number, fmt::format("column '{}' holds {}, not 0 or 1", header[c], v));
          }
          out->push_back(v);
        }
      }
    }
    ++rows;
  }

  TestPredictions out;
  out.rows = rows;
  for (size_t h = 0; h < heads.size(); ++h) {
    Reading& r = readings[h];
    const auto k = static_cast<int64_t>(heads[h].labels.size());
    const bool multiclass = heads[h].kind == TaskKind::MultiClass;
    const Shape per_row = multiclass ? Shape{rows} : Shape{rows, k};
    out.heads.push_back(
        {heads[h].name, heads[h].kind, heads[h].labels, Tensor::from({rows, k}, std::move(r.p)),
         Tensor::from(per_row, std::move(r.d)), Tensor::from(per_row, std::move(r.t))});
  }
  return out;
}

}  // namespace fulcrum::train
