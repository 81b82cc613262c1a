#pragma once
// Reading the golden reference files (tests/data/golden/FORMAT.md).

#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fulcrum/core/tensor.hpp"

namespace fulcrum::testing {

/// $FULCRUM_GOLDEN_DIR, or the copy shipped in tests/data/golden.
std::filesystem::path golden_dir();

/// Parses golden_dir()/name; fails the test (throws) with the path if absent.
nlohmann::json load_golden(const std::string& name);

/// The case's "expect" object, or nullptr (the case cannot be checked) when it
/// lacks one of `keys` or holds it empty (null, [], {}). Fails the test for
/// each such key and for each key it has beyond them, so that a case whose
/// expected values were lost cannot pass on what is left.
const nlohmann::json* expected(const nlohmann::json& golden_case,
                               std::initializer_list<const char*> keys);

/// {"shape": [...], "data": [...]} as a Tensor; null gives an undefined tensor.
Tensor tensor_from_json(const nlohmann::json& j);

/// The float64 values of a golden tensor, for comparing without rounding.
std::vector<double> values_from_json(const nlohmann::json& j);

/// |got - want| <= atol + rtol * |want|, elementwise, with a message naming
/// the first mismatching index. `what` names the quantity in the message.
void expect_close(const Tensor& got, const nlohmann::json& want, double rtol, double atol,
                  const std::string& what);
void expect_close(const std::vector<float>& got, const std::vector<double>& want, double rtol,
                  double atol, const std::string& what);

/// The tolerances FORMAT.md gives for single operations.
inline constexpr double kOpRtol = 1e-5;
inline constexpr double kOpAtol = 1e-6;

}  // namespace fulcrum::testing
