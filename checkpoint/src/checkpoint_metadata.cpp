// encode_floats / decode_floats: float vectors as JSON text that keeps every bit.

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "fulcrum/checkpoint/checkpoint.hpp"

namespace fulcrum::checkpoint {
namespace {

/// Where float32 rounding would give infinity: FLT_MAX plus half an ulp.
constexpr double kFloatOverflow = 0x1.ffffffp127;

std::string excerpt(const std::string& text) {
  return text.size() <= 60 ? text : text.substr(0, 60) + "...";
}

}  // namespace

std::string encode_floats(std::span<const float> values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    const float value = values[i];
    FULCRUM_CHECK(std::isfinite(value), "encode_floats: value {} at index {} is not finite", value,
                  i);
    if (i > 0) out += ',';
    // "-0" would parse as the integer 0 and lose its sign; "-0.0" keeps it.
    // Nine significant digits (max_digits10) name exactly one float32, and are
    // close enough to it that reading them through double rounds back to it.
    out +=
        value == 0.0f && std::signbit(value) ? std::string("-0.0") : fmt::format("{:.9g}", value);
  }
  out += ']';
  return out;
}

std::vector<float> decode_floats(const std::string& text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw_value_error(fmt::format("decode_floats: '{}' is not JSON: {}", excerpt(text), e.what()));
  }
  FULCRUM_CHECK(json.is_array(), "decode_floats: '{}' is not a JSON array of numbers",
                excerpt(text));
  std::vector<float> values;
  values.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const nlohmann::json& item = json[i];
    FULCRUM_CHECK(item.is_number(), "decode_floats: element {} of '{}' is {}, not a number", i,
                  excerpt(text), item.dump());
    const double value = item.get<double>();
    FULCRUM_CHECK(std::fabs(value) < kFloatOverflow,
                  "decode_floats: element {} of '{}' is {}, outside float32's range", i,
                  excerpt(text), value);
    values.push_back(static_cast<float>(value));
  }
  return values;
}

}  // namespace fulcrum::checkpoint
