// Corrupt and hostile files: each gives a SafetensorsError naming the file and
// the problem, never a crash, a hang or a huge allocation.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint_test_util.hpp"
#include "fulcrum/checkpoint/safetensors.hpp"

namespace fulcrum::checkpoint {
namespace {

using test::append_u64;
using test::Bytes;
using test::expect_error;
using test::raw_file;
using test::read_bytes;
using test::write_bytes;

class SafetensorsCorrupt : public test::ScratchDir {
 protected:
  /// Writes `bytes` and expects loading them to fail with every `pieces` in
  /// the message (plus the file's path).
  void expect_refused(const Bytes& bytes, const std::vector<std::string>& pieces) {
    const fs::path file = path("bad.safetensors");
    write_bytes(file, bytes);
    try {
      load_safetensors(file);
      ADD_FAILURE() << "loaded a corrupt file; expected: " << pieces.front();
    } catch (const SafetensorsError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(file.string()), std::string::npos) << message;
      for (const std::string& piece : pieces) {
        EXPECT_NE(message.find(piece), std::string::npos)
            << "message lacks \"" << piece << "\": " << message;
      }
    }
  }

  /// A valid two-tensor file: "a" [2] then "b" [3], with metadata.
  Bytes valid_file() {
    save_safetensors(path("valid.safetensors"),
                     {{"a", Tensor::from({2}, {1, 2})}, {"b", Tensor::from({3}, {3, 4, 5})}},
                     {{"note", "x"}});
    return read_bytes(path("valid.safetensors"));
  }
};

const Bytes kEightBytes(8, 0x11);  // data for tensors totalling 8 bytes
const Bytes kTwelveBytes(12, 0x22);

TEST_F(SafetensorsCorrupt, MissingFileAndDirectory) {
  expect_error<SafetensorsError>([&] { load_safetensors(path("nope.safetensors")); },
                                 {"cannot open", "nope.safetensors", "No such file or directory"});
  expect_error<SafetensorsError>([&] { load_safetensors(dir_); },
                                 {dir_.string(), "is not a regular file"});
}

TEST_F(SafetensorsCorrupt, TruncatedAtEveryPoint) {
  const Bytes valid = valid_file();
  const uint64_t header_size = valid[0];  // < 256 for this file
  ASSERT_EQ(valid.size(), 8 + header_size + 20);
  for (size_t size = 0; size < valid.size(); ++size) {
    SCOPED_TRACE(size);
    const Bytes truncated(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(size));
    if (size < 8) {
      expect_refused(truncated, {"truncated", "fewer than the 8"});
    } else if (size < 8 + header_size) {
      expect_refused(truncated, {"declares a header of", "truncated"});
    } else if (size < 8 + header_size + 8) {
      expect_refused(truncated, {"tensor 'a'", "run past the end of the data", "truncated"});
    } else {
      expect_refused(truncated, {"tensor 'b'", "run past the end of the data", "truncated"});
    }
  }
}

TEST_F(SafetensorsCorrupt, HeaderSizeBeyondFileOrLimit) {
  Bytes bytes;
  append_u64(bytes, uint64_t{1} << 63);
  bytes.resize(64, ' ');
  expect_refused(bytes, {"header of 9223372036854775808 bytes", "above the 100000000-byte limit"});

  Bytes too_long =
      raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", kEightBytes);
  too_long[0] = static_cast<unsigned char>(too_long[0] + 30);  // 8 + 30 bytes more than there are
  expect_refused(too_long, {"declares a header of", "truncated or not a safetensors file"});
}

TEST_F(SafetensorsCorrupt, HeaderNotJsonObject) {
  expect_refused(raw_file(R"({"a": {"dtype": "F32", )"), {"not valid JSON"});
  expect_refused(raw_file("[1, 2, 3]"), {"not a JSON object"});
  expect_refused(raw_file("        "), {"not a JSON object"});
  expect_refused(raw_file(std::string("{\"a\xff\": 1}")), {"not valid JSON"});
  expect_refused(raw_file(R"({"a": 1}    )" + std::string(1, '\0') + "junk"),
                 {"NUL byte in its header, at byte 20"});
}

TEST_F(SafetensorsCorrupt, DuplicateNames) {
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                          R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                          kEightBytes),
                 {"key 'a' twice", "duplicate tensor name"});
  expect_refused(raw_file(R"({"__metadata__":{"k":"1","k":"2"}})"), {"key 'k' twice"});
}

TEST_F(SafetensorsCorrupt, BadOffsets) {
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                          R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                          kTwelveBytes),
                 {"tensor 'b'", "overlap tensor 'a' [0, 8]"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                          R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                          kTwelveBytes),
                 {"tensor 'b'", "leave the bytes [4, 8)"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", kEightBytes),
                 {"tensor 'a'", "leave the bytes [0, 4)"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", kEightBytes),
                 {"8 bytes of data", "cover only [0, 4)"});
  expect_refused(
      raw_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", kEightBytes),
      {"tensor 'a'", "[0, 16] run past the end of the data (8 bytes)"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", kEightBytes),
                 {"tensor 'a'", "end before they begin"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})"),
                 {"tensor 'a'", "not a non-negative integer"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})"),
                 {"tensor 'a'", "should be [begin, end]"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}})"),
                 {"tensor 'a'", "not a non-negative integer"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[1],)"
                          R"("data_offsets":[0,18446744073709551615]}})"),
                 {"tensor 'a'", "needs 4 bytes"});
}

TEST_F(SafetensorsCorrupt, ShapeThatDoesNotMatchOffsets) {
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", kEightBytes),
                 {"tensor 'a'", "shape [3] of F32 needs 12 bytes", "hold 8"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[4611686018427387904,4],)"
                          R"("data_offsets":[0,8]}})",
                          kEightBytes),
                 {"tensor 'a'", "too large"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":[2305843009213693952],)"
                          R"("data_offsets":[0,8]}})",
                          kEightBytes),
                 {"tensor 'a'", "needs too many bytes"});
  expect_refused(
      raw_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", kEightBytes),
      {"tensor 'a'", "shape [-2] holds -2"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})", kEightBytes),
                 {"tensor 'a'", "shape is not an array"});
}

TEST_F(SafetensorsCorrupt, MalformedEntriesAndMetadata) {
  expect_refused(raw_file(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", kEightBytes),
                 {"tensor 'a' has no dtype"});
  expect_refused(raw_file(R"({"a":{"dtype":"F32","data_offsets":[0,8]}})", kEightBytes),
                 {"tensor 'a' has no shape"});
  expect_refused(raw_file(R"({"a":[1,2]})"), {"tensor 'a'", "not an object"});
  expect_refused(raw_file(R"({"a":{"dtype":32,"shape":[2],"data_offsets":[0,8]}})", kEightBytes),
                 {"tensor 'a'", "dtype is not a string"});
  expect_refused(raw_file(R"({"__metadata__":{"epoch":3}})"),
                 {"non-string __metadata__ value 3 for 'epoch'"});
  expect_refused(raw_file(R"({"__metadata__":"x"})"), {"__metadata__ that is not an object"});
}

TEST_F(SafetensorsCorrupt, UnsupportedAndUnknownDtypes) {
  expect_refused(
      raw_file(R"({"steps":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", kEightBytes),
      {"tensor 'steps' has dtype I64", "cannot load"});
  expect_refused(
      raw_file(R"({"mask":{"dtype":"BOOL","shape":[8],"data_offsets":[0,8]}})", kEightBytes),
      {"tensor 'mask' has dtype BOOL"});
  expect_refused(raw_file(R"({"w":{"dtype":"Q7","shape":[8],"data_offsets":[0,8]}})", kEightBytes),
                 {"tensor 'w' has the unknown dtype 'Q7'"});
}

TEST_F(SafetensorsCorrupt, F64OutsideFloatRange) {
  Bytes huge;  // 1e300 = 0x7e37e43c8800759c
  for (int b : {0x9c, 0x75, 0x00, 0x88, 0x3c, 0xe4, 0x37, 0x7e}) {
    huge.push_back(static_cast<unsigned char>(b));
  }
  expect_refused(raw_file(R"({"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", huge),
                 {"tensor 'd'", "element 0", "does not fit in float32"});
}

// Whatever single byte of the header is damaged, loading either succeeds or
// throws SafetensorsError (sanitizer builds would also catch any bad access).
TEST_F(SafetensorsCorrupt, EveryHeaderByteDamagedIsHandled) {
  const Bytes valid = valid_file();
  const size_t header_end = 8 + valid[0];
  int refused = 0;
  for (size_t i = 0; i < header_end; ++i) {
    for (int byte : {0x00, 0x7f, 0xff, int{'"'}, int{'}'}, int{'9'}, int{' '}}) {
      const auto replacement = static_cast<unsigned char>(byte);
      if (valid[i] == replacement) continue;
      Bytes damaged = valid;
      damaged[i] = replacement;
      write_bytes(path("damaged.safetensors"), damaged);
      try {
        load_safetensors(path("damaged.safetensors"));
      } catch (const SafetensorsError& e) {
        // Whatever check refuses the damage, its message names the file.
        EXPECT_NE(std::string(e.what()).find(path("damaged.safetensors").string()),
                  std::string::npos)
            << e.what();
        ++refused;
      }
    }
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace fulcrum::checkpoint
