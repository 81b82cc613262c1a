// The safetensors layout, byte for byte. The first vectors are the ones the
// reference implementation's own tests pin (huggingface/safetensors,
// safetensors/src/tensor.rs: test_serialization, test_serialization_forced_
// alignement, test_empty), so a file written here is the file
// `safetensors.torch.save_file` writes for the same tensors.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint_test_util.hpp"
#include "fulcrum/checkpoint/safetensors.hpp"

namespace fulcrum::checkpoint {
namespace {

using test::append_u64;
using test::Bytes;
using test::expect_bitwise_equal;
using test::expect_error;
using test::raw_file;
using test::read_bytes;
using test::write_bytes;

class SafetensorsFormat : public test::ScratchDir {};

/// 0.0f, 1.0f, ..., 5.0f as little-endian bytes, written out by hand
/// (1.0f = 0x3f800000, 2.0f = 0x40000000, 3.0f = 0x40400000, 4.0f = 0x40800000,
/// 5.0f = 0x40a00000).
const Bytes kZeroToFive = {0, 0, 0,  0,  0, 0, 128, 63, 0, 0, 0,   64,
                           0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64};

Bytes with_header(uint64_t size, const std::string& header, const Bytes& data) {
  Bytes bytes;
  append_u64(bytes, size);
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

TEST_F(SafetensorsFormat, MatchesReferenceSerialization) {
  const fs::path file = path("attn.safetensors");
  save_safetensors(file, {{"attn.0", Tensor::from({1, 2, 3}, {0, 1, 2, 3, 4, 5})}});
  // 64 bytes of JSON: already a multiple of 8, so no padding.
  EXPECT_EQ(read_bytes(file),
            with_header(64, R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})",
                        kZeroToFive));
}

TEST_F(SafetensorsFormat, PadsHeaderWithSpacesToMultipleOfEight) {
  const fs::path file = path("attn0.safetensors");
  save_safetensors(file, {{"attn0", Tensor::from({1, 1, 2, 3}, {0, 1, 2, 3, 4, 5})}});
  // 65 bytes of JSON + 7 spaces = 72.
  EXPECT_EQ(read_bytes(file),
            with_header(72,
                        R"({"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}})"
                        "       ",
                        kZeroToFive));
}

TEST_F(SafetensorsFormat, EmptyFileAndMetadataOnly) {
  save_safetensors(path("empty.safetensors"), {});
  EXPECT_EQ(read_bytes(path("empty.safetensors")), with_header(8, "{}      ", {}));

  save_safetensors(path("meta.safetensors"), {}, {{"framework", "pt"}});
  EXPECT_EQ(read_bytes(path("meta.safetensors")),
            with_header(40,
                        R"({"__metadata__":{"framework":"pt"}})"
                        "     ",
                        {}));

  const SafetensorsFile loaded = load_safetensors(path("meta.safetensors"));
  EXPECT_TRUE(loaded.tensors.empty());
  EXPECT_EQ(loaded.metadata, (Metadata{{"framework", "pt"}}));
}

TEST_F(SafetensorsFormat, OffsetsFollowSaveOrderAndScalarsTakeFourBytes) {
  const fs::path file = path("two.safetensors");
  save_safetensors(file, {{"a", Tensor::from({2}, {1.5f, -2.0f})}, {"b", Tensor::scalar(0.25f)}},
                   {{"k", "v"}});
  // 132 bytes of JSON + 4 spaces; 1.5f = 0x3fc00000, -2.0f = 0xc0000000, 0.25f = 0x3e800000.
  EXPECT_EQ(read_bytes(file), with_header(136,
                                          R"({"__metadata__":{"k":"v"},)"
                                          R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                          R"("b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}})"
                                          "    ",
                                          {0, 0, 192, 63, 0, 0, 0, 192, 0, 0, 128, 62}));
}

TEST_F(SafetensorsFormat, RoundTripKeepsOrderShapesBitsAndMetadata) {
  std::vector<float> odd = {std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            -0.0f,
                            std::numeric_limits<float>::denorm_min(),
                            std::numeric_limits<float>::max(),
                            0.1f,
                            -3.25e-20f};
  const std::vector<std::pair<std::string, Tensor>> tensors = {
      {"z.last_by_name", Tensor::from({2, 4}, odd)},
      {"scalar", Tensor::scalar(-7.5f)},
      {"empty", Tensor::empty({0})},
      {"empty2d", Tensor::empty({3, 0})},
      {"layers.0.weight", Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6})},
      {"unicode \xc3\xa9\xe2\x82\xac \"quoted\"\n", Tensor::from({1}, {42.0f})},
  };
  const Metadata metadata = {{"config", R"({"lr": 0.001, "labels": ["a", "b"]})"},
                             {"empty", ""},
                             {"multi\nline", "tab\tand \"quotes\" and \\"}};
  const fs::path file = path("round.safetensors");
  save_safetensors(file, tensors, metadata);

  const SafetensorsFile loaded = load_safetensors(file);
  EXPECT_EQ(loaded.metadata, metadata);
  ASSERT_EQ(loaded.tensors.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(loaded.tensors[i].first, tensors[i].first);
    expect_bitwise_equal(loaded.tensors[i].second, tensors[i].second, tensors[i].first);
    EXPECT_FALSE(loaded.tensors[i].second.requires_grad());
  }
}

TEST_F(SafetensorsFormat, ReadsFilesInAnyKeyOrder) {
  // Another writer may list tensors in any order; the data order is what counts.
  const std::string header = R"({"second":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                             R"("__metadata__":{"format":"pt"},)"
                             R"("first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  write_bytes(path("order.safetensors"), raw_file(header, {0, 0, 128, 63, 0, 0, 0, 64}));
  const SafetensorsFile loaded = load_safetensors(path("order.safetensors"));
  ASSERT_EQ(loaded.tensors.size(), 2u);
  EXPECT_EQ(loaded.tensors[0].first, "first");
  EXPECT_EQ(loaded.tensors[0].second.item(), 1.0f);
  EXPECT_EQ(loaded.tensors[1].first, "second");
  EXPECT_EQ(loaded.tensors[1].second.item(), 2.0f);
  EXPECT_EQ(loaded.metadata.at("format"), "pt");
}

TEST_F(SafetensorsFormat, ConvertsF64F16AndBF16ToFloat32) {
  // F64 0.1 (0x3fb999999999999a) and -1e-3 (0xbf50624dd2f1a9fc); F16 1, -2, 65504,
  // the smallest subnormal 2^-24, +inf; BF16 1 and -123.5 (0xc2f7).
  const std::string header = R"({"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},)"
                             R"("h":{"dtype":"F16","shape":[5],"data_offsets":[16,26]},)"
                             R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[26,30]}})";
  const Bytes data = {0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f,  // 0.1
                      0xfc, 0xa9, 0xf1, 0xd2, 0x4d, 0x62, 0x50, 0xbf,  // -1e-3
                      0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00,
                      0x00, 0x7c, 0x80, 0x3f, 0xf7, 0xc2};
  write_bytes(path("mixed.safetensors"), raw_file(header, data));
  const SafetensorsFile loaded = load_safetensors(path("mixed.safetensors"));
  ASSERT_EQ(loaded.tensors.size(), 3u);
  EXPECT_EQ(loaded.tensors[0].second.to_vector(), (std::vector<float>{0.1f, -1e-3f}));
  EXPECT_EQ(loaded.tensors[1].second.to_vector(),
            (std::vector<float>{1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -24),
                                std::numeric_limits<float>::infinity()}));
  EXPECT_EQ(loaded.tensors[2].second.to_vector(), (std::vector<float>{1.0f, -123.5f}));
}

TEST_F(SafetensorsFormat, RefusesBadEntriesBeforeWriting) {
  const fs::path file = path("refused.safetensors");
  expect_error<ValueError>(
      [&] {
        save_safetensors(file, {{"a", Tensor::scalar(1)}, {"a", Tensor::scalar(2)}});
      },
      {"cannot save '" + file.string() + "': duplicate tensor name 'a'"});
  expect_error<ValueError>(
      [&] {
        save_safetensors(file, {{"", Tensor::scalar(1)}});
      },
      {"cannot save '" + file.string() + "': a tensor has an empty name"});
  expect_error<ValueError>(
      [&] {
        save_safetensors(file, {{"__metadata__", Tensor::scalar(1)}});
      },
      {"'__metadata__' is reserved and cannot name a tensor"});
  expect_error<ValueError>(
      [&] {
        save_safetensors(file, {{"w", Tensor()}});
      },
      {"'w' is undefined"});
  expect_error<ValueError>(
      [&] {
        save_safetensors(file, {{"bad \xff utf8", Tensor::scalar(1)}});
      },
      {"UTF-8"});
  EXPECT_FALSE(fs::exists(file));
  EXPECT_TRUE(listing().empty());
}

}  // namespace
}  // namespace fulcrum::checkpoint
