// Structured metadata: float vectors keep every bit through encode/decode,
// JSON objects and generator states survive a checkpoint.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "checkpoint_test_util.hpp"
#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/mlp.hpp"

namespace fulcrum::checkpoint {
namespace {

using test::expect_error;

void expect_same_bits(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i]))
        << "index " << i << ": " << got[i] << " vs " << want[i];
  }
}

TEST(EncodeFloats, PrintsAJsonArray) {
  EXPECT_EQ(encode_floats(std::vector<float>{0.5f, -2.0f, 3.0f}), "[0.5,-2,3]");
  EXPECT_EQ(encode_floats(std::vector<float>{0.1f}), "[0.100000001]");
  EXPECT_EQ(encode_floats(std::vector<float>{}), "[]");
  EXPECT_EQ(encode_floats(std::vector<float>{-0.0f}), "[-0.0]");
}

TEST(EncodeFloats, RoundTripKeepsEveryBit) {
  std::vector<float> values = {0.0f,
                               -0.0f,
                               1.0f,
                               0.1f,
                               1.0f / 3.0f,
                               16777217.0f,
                               std::numeric_limits<float>::max(),
                               -std::numeric_limits<float>::max(),
                               std::numeric_limits<float>::min(),
                               std::numeric_limits<float>::denorm_min(),
                               -std::numeric_limits<float>::denorm_min(),
                               std::nextafter(1.0f, 2.0f),
                               std::nextafter(std::numeric_limits<float>::min(), 0.0f)};
  // Plus random bit patterns over the whole finite range, subnormals included.
  std::mt19937 engine(42);
  while (values.size() < 20000) {
    const float value = std::bit_cast<float>(static_cast<uint32_t>(engine()));
    if (std::isfinite(value)) values.push_back(value);
  }
  expect_same_bits(decode_floats(encode_floats(values)), values);
}

TEST(EncodeFloats, RefusesNonFinite) {
  expect_error<ValueError>(
      [&] {
        encode_floats(std::vector<float>{1.0f, std::nanf("")});
      },
      {"index 1", "not finite"});
  expect_error<ValueError>(
      [&] { encode_floats(std::vector<float>{std::numeric_limits<float>::infinity()}); },
      {"index 0"});
}

TEST(DecodeFloats, AcceptsAnyJsonNumbers) {
  expect_same_bits(decode_floats(" [1, -2.5e-1, 3E2, 0] "), {1.0f, -0.25f, 300.0f, 0.0f});
  EXPECT_TRUE(decode_floats("[]").empty());
}

TEST(DecodeFloats, RefusesWhatIsNotAFloatArray) {
  expect_error<ValueError>([&] { decode_floats("[1, 2"); }, {"is not JSON"});
  expect_error<ValueError>([&] { decode_floats("{\"a\": 1}"); }, {"not a JSON array"});
  expect_error<ValueError>([&] { decode_floats("[1, \"2\"]"); }, {"element 1", "not a number"});
  expect_error<ValueError>([&] { decode_floats("[1e39]"); },
                           {"element 0", "outside float32's range"});
}

class CheckpointMetadata : public test::ScratchDir {};

TEST_F(CheckpointMetadata, StructuredValuesSurviveACheckpoint) {
  Generator init(2);
  nn::MLP model({.sizes = {3, 2}}, init);

  Generator data_gen(123);
  for (int i = 0; i < 7; ++i) data_gen.normal();  // leaves a spare normal half the time
  const nlohmann::json config = {{"model", {{"sizes", {3, 2}}}}, {"lr", 0.001}};
  const std::vector<float> thresholds = {0.25f, 0.5f, 0.123456789f};
  const std::vector<float> pos_weight = {3.0f, 0.1f, 12.5f};

  const fs::path file = path("meta.safetensors");
  save_checkpoint(file, model, nullptr,
                  {{"config", config.dump()},
                   {"label_names", nlohmann::json({"a", "b", "c"}).dump()},
                   {"thresholds", encode_floats(thresholds)},
                   {"pos_weight", encode_floats(pos_weight)},
                   {"rng_state", data_gen.state()}});

  const Metadata metadata = load_checkpoint(file, false).metadata;
  EXPECT_EQ(nlohmann::json::parse(metadata.at("config")), config);
  EXPECT_EQ(nlohmann::json::parse(metadata.at("label_names")), nlohmann::json({"a", "b", "c"}));
  expect_same_bits(decode_floats(metadata.at("thresholds")), thresholds);
  expect_same_bits(decode_floats(metadata.at("pos_weight")), pos_weight);

  // The restored generator continues exactly where the saved one stopped.
  Generator restored(0);
  restored.set_state(metadata.at("rng_state"));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(std::bit_cast<uint32_t>(restored.normal()),
              std::bit_cast<uint32_t>(data_gen.normal()));
    EXPECT_EQ(restored.next_u64(), data_gen.next_u64());
  }
}

}  // namespace
}  // namespace fulcrum::checkpoint
