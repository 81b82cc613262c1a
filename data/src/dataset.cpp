#include "fulcrum/data/dataset.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fulcrum::data {

const char* to_string(TaskKind kind) {
  return kind == TaskKind::MultiLabel ? "multi-label" : "multi-class";
}

int64_t Dataset::size() const {
  if (is_sparse()) return sparse_features->rows;
  return features.defined() ? features.size(0) : 0;
}

int64_t Dataset::num_features() const {
  if (is_sparse()) return sparse_features->cols;
  return features.defined() && features.dim() == 2 ? features.size(1) : 0;
}

const Target& Dataset::target(std::string_view name) const {
  for (const Target& t : targets)
    if (t.name == name) return t;
  std::vector<std::string_view> names;
  for (const Target& t : targets) names.push_back(t.name);
  throw DataError(fmt::format("no target named '{}'; the dataset has: {}", name,
                              names.empty() ? "no targets" : fmt::format("{}", fmt::join(names, ", "))));
}

Tensor gather_rows(const Tensor& source, std::span<const int64_t> rows) {
  FULCRUM_CHECK(source.dim() == 1 || source.dim() == 2,
                "gather_rows: expected a 1-d or 2-d tensor, got shape {}",
                fulcrum::to_string(source.shape()));
  const int64_t n = source.size(0);
  const int64_t width = source.dim() == 2 ? source.size(1) : 1;
  Shape shape = source.shape();
  shape[0] = static_cast<int64_t>(rows.size());
  Tensor out = Tensor::empty(shape);
  const float* src = source.data();
  float* dst = out.data();
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t r = rows[i];
    if (r < 0 || r >= n)
      throw DataError(fmt::format("row {} is out of range for {} examples", r, n));
    std::memcpy(dst + static_cast<int64_t>(i) * width, src + r * width,
                static_cast<size_t>(width) * sizeof(float));
  }
  return out;
}

Dataset Dataset::subset(std::span<const int64_t> rows) const {
  Dataset out;
  out.feature_names = feature_names;
  out.nominal_columns = nominal_columns;
  if (is_sparse()) {
    for (const int64_t r : rows)
      if (r < 0 || r >= size())
        throw DataError(fmt::format("row {} is out of range for {} examples", r, size()));
    auto sparse = std::make_shared<CsrMatrix>();
    sparse->assign_rows(*sparse_features, rows);
    out.sparse_features = std::move(sparse);
  } else {
    out.features = gather_rows(features, rows);
  }
  out.targets.reserve(targets.size());
  for (const Target& t : targets)
    out.targets.push_back({t.name, t.kind, gather_rows(t.values, rows), t.classes});
  return out;
}

namespace {

void check_target(const Target& t, int64_t n, std::string_view what) {
  const auto fail = [&](const std::string& problem) {
    throw DataError(fmt::format("{}: target '{}' ({}): {}", what, t.name, to_string(t.kind),
                                problem));
  };
  if (!t.values.defined()) fail("has no values");
  const int64_t k = t.num_classes();
  if (t.kind == TaskKind::MultiLabel) {
    if (t.values.dim() != 2 || t.values.size(0) != n || t.values.size(1) != k)
      fail(fmt::format("values have shape {}, expected [{}, {}]",
                       fulcrum::to_string(t.values.shape()), n, k));
    for (float v : t.values.values())
      if (v != 0.0f && v != 1.0f) fail(fmt::format("value {} is not 0 or 1", v));
  } else {
    if (t.values.dim() != 1 || t.values.size(0) != n)
      fail(fmt::format("values have shape {}, expected [{}]",
                       fulcrum::to_string(t.values.shape()), n));
    for (float v : t.values.values())
      if (!(v >= 0.0f && v < static_cast<float>(k)) || v != std::floor(v))
        fail(fmt::format("class index {} is not an integer in [0, {})", v, k));
  }
}

}  // namespace

void Dataset::validate(std::string_view what) const {
  if (is_sparse()) {
    if (features.defined())
      throw DataError(fmt::format("{}: both dense and sparse features are set", what));
    try {
      sparse_features->validate(fmt::format("{}: sparse features", what));
    } catch (const ValueError& e) {
      throw DataError(e.what());
    }
  } else if (!features.defined() || features.dim() != 2) {
    throw DataError(fmt::format("{}: features must be a 2-d tensor [N, F]", what));
  }
  if (static_cast<int64_t>(feature_names.size()) != num_features())
    throw DataError(fmt::format("{}: {} feature names for {} feature columns", what,
                                feature_names.size(), num_features()));
  for (const NominalColumns& n : nominal_columns) {
    const bool width_fits = n.numbers.empty() ? n.width >= 1 : n.width == 1;
    if (!width_fits || n.column < 0 || n.column > num_features() - n.width)
      throw DataError(fmt::format("{}: nominal attribute '{}' has columns [{}, {}) of {} features",
                                  what, n.attribute, n.column, n.column + n.width, num_features()));
  }
  for (const Target& t : targets) check_target(t, size(), what);
}

}  // namespace fulcrum::data
