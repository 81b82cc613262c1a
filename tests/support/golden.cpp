#include "support/golden.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

namespace fulcrum::testing {

std::filesystem::path golden_dir() {
  if (const char* env = std::getenv("FULCRUM_GOLDEN_DIR"); env && *env) return env;
  return FULCRUM_DEFAULT_GOLDEN_DIR;
}

nlohmann::json load_golden(const std::string& name) {
  const auto path = golden_dir() / name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("golden file not found: " + path.string());
  return nlohmann::json::parse(in);
}

const nlohmann::json* expected(const nlohmann::json& golden_case,
                               std::initializer_list<const char*> keys) {
  const std::string name = golden_case.value("name", std::string("(unnamed)"));
  if (!golden_case.contains("expect") || !golden_case.at("expect").is_object()) {
    ADD_FAILURE() << "golden case " << name << " has no expect object";
    return nullptr;
  }
  const nlohmann::json& expect = golden_case.at("expect");
  bool complete = true;
  for (const char* key : keys) {
    if (!expect.contains(key)) {
      ADD_FAILURE() << "golden case " << name << " has no expected '" << key << "'";
      complete = false;
    } else if (expect.at(key).empty()) {
      ADD_FAILURE() << "golden case " << name << " has an empty expected '" << key << "'";
      complete = false;
    }
  }
  for (const auto& [key, value] : expect.items()) {
    bool known = false;
    for (const char* k : keys) known = known || key == k;
    if (!known)
      ADD_FAILURE() << "golden case " << name << ": expected '" << key << "' is not checked";
  }
  return complete ? &expect : nullptr;
}

std::vector<double> values_from_json(const nlohmann::json& j) {
  return j.at("data").get<std::vector<double>>();
}

Tensor tensor_from_json(const nlohmann::json& j) {
  if (j.is_null()) return {};
  const Shape shape = j.at("shape").get<Shape>();
  std::vector<float> values;
  for (double v : values_from_json(j)) values.push_back(static_cast<float>(v));
  return Tensor::from(shape, values);
}

void expect_close(const std::vector<float>& got, const std::vector<double>& want, double rtol,
                  double atol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what << ": element counts differ";
  int reported = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double diff = std::abs(static_cast<double>(got[i]) - want[i]);
    if (!(diff <= atol + rtol * std::abs(want[i])) && reported++ < 5)
      ADD_FAILURE() << what << "[" << i << "]: got " << got[i] << ", want " << want[i]
                    << " (|diff| " << diff << " > " << atol << " + " << rtol << " * |want|)";
  }
}

void expect_close(const Tensor& got, const nlohmann::json& want, double rtol, double atol,
                  const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << ": tensor is undefined";
  const Shape want_shape = want.at("shape").get<Shape>();
  ASSERT_EQ(got.shape(), want_shape) << what << ": shape " << to_string(got.shape())
                                     << " instead of " << to_string(want_shape);
  expect_close(got.to_vector(), values_from_json(want), rtol, atol, what);
}

}  // namespace fulcrum::testing
