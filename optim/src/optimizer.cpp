#include "fulcrum/optim/optimizer.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "fulcrum/core/error.hpp"

namespace fulcrum::optim {
namespace {

// Counts travel as float32 scalars (as PyTorch's `step` tensors do), which
// hold every integer up to 2^24 exactly; beyond that a checkpoint would
// silently round the count, so state() refuses instead.
constexpr int64_t kMaxExactCount = int64_t{1} << 24;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "nothing" : out;
}

// "state.{index}.{name}" -> (index, name); nullopt for any other form.
std::optional<std::pair<size_t, std::string>> parse_param_key(std::string_view key) {
  constexpr std::string_view prefix = "state.";
  if (!key.starts_with(prefix)) return std::nullopt;
  key.remove_prefix(prefix.size());
  size_t index = 0;
  const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
  if (ec != std::errc() || end == key.data() || end == key.data() + key.size() || *end != '.')
    return std::nullopt;
  std::string name(end + 1, key.data() + key.size());
  if (name.empty()) return std::nullopt;
  return std::make_pair(index, std::move(name));
}

// The value of a count entry ("step"): one element, a non-negative integer.
int64_t read_count(const std::string& optimizer, const std::string& key, const Tensor& value) {
  FULCRUM_CHECK(value.numel() == 1, "{}.load_state: entry '{}' must hold one count, got shape {}",
                optimizer, key, to_string(value.shape()));
  const double v = value.item();
  FULCRUM_CHECK(std::isfinite(v) && v >= 0 && v == std::floor(v),
                "{}.load_state: entry '{}' = {} is not a non-negative whole count", optimizer, key,
                v);
  return static_cast<int64_t>(v);
}

}  // namespace

Optimizer::Optimizer(std::vector<Tensor> params, double lr, std::string name)
    : params_(std::move(params)), lr_(lr), name_(std::move(name)) {
  FULCRUM_CHECK(!params_.empty(), "{}: got an empty parameter list", name_);
  // Keyed by storage, not handle: a parameter and a detach() of it share
  // storage and would be updated twice per step.
  std::unordered_map<const float*, size_t> seen;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    FULCRUM_CHECK(p.defined(), "{}: parameter {} is an undefined tensor", name_, i);
    FULCRUM_CHECK(p.is_leaf(),
                  "{}: parameter {} (shape {}) is not a leaf tensor but the output of '{}'; "
                  "optimize the leaf tensors the model owns",
                  name_, i, to_string(p.shape()), p.op_name());
    const auto [it, inserted] = seen.emplace(p.data(), i);
    FULCRUM_CHECK(inserted, "{}: parameter {} (shape {}) is the same tensor as parameter {}",
                  name_, i, to_string(p.shape()), it->second);
  }
  set_lr(lr);
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

void Optimizer::set_lr(double lr) {
  check_option(std::isfinite(lr) && lr >= 0, "lr", lr, "must be finite and >= 0");
  lr_ = lr;
}

void Optimizer::check_option(bool ok, const char* option, double value,
                             const char* requirement) const {
  FULCRUM_CHECK(ok, "{}: invalid {} = {} ({})", name_, option, value, requirement);
}

std::vector<Tensor> Optimizer::gradients() const {
  std::vector<Tensor> grads(params_.size());
  for (size_t i = 0; i < params_.size(); ++i) {
    grads[i] = params_[i].grad();
    if (grads[i].defined())
      FULCRUM_CHECK_SHAPE(grads[i].shape() == params_[i].shape(),
                          "{}.step: parameter {} has shape {} but its gradient has shape {}", name_,
                          i, to_string(params_[i].shape()), to_string(grads[i].shape()));
  }
  return grads;
}

OptimizerState Optimizer::state() const {
  FULCRUM_CHECK(step_count_ <= kMaxExactCount,
                "{}.state: step count {} exceeds 2^24 and cannot be stored exactly in a float32 "
                "tensor",
                name_, step_count_);
  OptimizerState out;
  out.emplace_back("step", Tensor::scalar(static_cast<float>(step_count_)));
  const std::vector<std::string> names = param_state_names();
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::vector<Tensor> values = export_param_state(i);
    for (size_t k = 0; k < values.size(); ++k)
      out.emplace_back(fmt::format("state.{}.{}", i, names[k]), values[k].clone());
  }
  return out;
}

void Optimizer::load_state(const OptimizerState& state) {
  const std::vector<std::string> names = param_state_names();
  std::optional<int64_t> step;
  // incoming[i][k]: the value for parameter i's state names[k]. Everything is
  // checked before the optimizer changes, so a bad state leaves it intact.
  std::vector<std::vector<Tensor>> incoming(params_.size());
  std::vector<std::vector<int64_t>> counts(params_.size());

  for (const auto& [key, value] : state) {
    FULCRUM_CHECK(value.defined(), "{}.load_state: entry '{}' is an undefined tensor", name_, key);
    if (key == "step") {
      FULCRUM_CHECK(!step, "{}.load_state: entry 'step' appears twice", name_);
      step = read_count(name_, key, value);
      continue;
    }
    const auto parsed = parse_param_key(key);
    FULCRUM_CHECK(parsed, "{}.load_state: unknown entry '{}' (expected 'step' or "
                  "'state.<index>.<name>' with <name> one of: {})",
                  name_, key, join(names));
    const auto& [index, field] = *parsed;
    FULCRUM_CHECK(index < params_.size(),
                  "{}.load_state: entry '{}' is for parameter {}, but the optimizer has {} "
                  "parameters",
                  name_, key, index, params_.size());
    size_t k = 0;
    while (k < names.size() && names[k] != field) ++k;
    FULCRUM_CHECK(k < names.size(),
                  "{}.load_state: unknown entry '{}': with these options {} keeps {} per parameter",
                  name_, key, name_, join(names));
    if (incoming[index].empty()) {
      incoming[index].resize(names.size());
      counts[index].assign(names.size(), -1);
    }
    FULCRUM_CHECK(!incoming[index][k].defined(), "{}.load_state: entry '{}' appears twice", name_,
                  key);
    if (field == "step") {
      counts[index][k] = read_count(name_, key, value);
    } else {
      FULCRUM_CHECK_SHAPE(value.shape() == params_[index].shape(),
                          "{}.load_state: entry '{}' has shape {} but parameter {} has shape {}",
                          name_, key, to_string(value.shape()), index,
                          to_string(params_[index].shape()));
    }
    incoming[index][k] = value.clone();
  }

  FULCRUM_CHECK(step, "{}.load_state: missing entry 'step'", name_);
  for (size_t i = 0; i < params_.size(); ++i) {
    for (size_t k = 0; k < incoming[i].size(); ++k) {
      FULCRUM_CHECK(incoming[i][k].defined(),
                    "{}.load_state: missing entry 'state.{}.{}' (parameter {} has some state "
                    "entries, so it needs all of: {})",
                    name_, i, names[k], i, join(names));
      FULCRUM_CHECK(counts[i][k] <= *step,
                    "{}.load_state: entry 'state.{}.{}' = {} exceeds the optimizer's step = {}",
                    name_, i, names[k], counts[i][k], *step);
    }
  }

  step_count_ = *step;
  for (size_t i = 0; i < params_.size(); ++i) import_param_state(i, std::move(incoming[i]));
}

}  // namespace fulcrum::optim
