// load_safetensors: validates the whole header against the file size before
// reading any tensor, so a corrupt or hostile file gives an error, never a
// crash or an allocation larger than the file.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "fulcrum/checkpoint/safetensors.hpp"

namespace fulcrum::checkpoint {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;  // keeps the header's order for equal offsets

/// The dtypes fulcrum converts to float32, and how wide their elements are.
enum class Dtype { kF32, kF64, kF16, kBF16 };

struct Entry {
  std::string name;
  Dtype dtype;
  Shape shape;
  uint64_t begin;
  uint64_t end;
};

/// Reads a file through a descriptor, refusing to read past what was
/// measured at open time, with the path in every message.
class Reader {
 public:
  explicit Reader(fs::path path) : path_(std::move(path)) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
    // writer forever; it is refused below, before anything is read.
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) fail_errno("cannot open", errno);
    struct stat info {};
    if (::fstat(fd_, &info) != 0) fail_errno("cannot stat", errno);
    if (!S_ISREG(info.st_mode)) {
      ::close(fd_);
      fail("is not a regular file");
    }
    size_ = static_cast<uint64_t>(info.st_size);
  }
  ~Reader() { ::close(fd_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  uint64_t size() const { return size_; }

  void read(void* data, uint64_t size) {
    char* bytes = static_cast<char*>(data);
    while (size > 0) {
      const ssize_t n = ::read(fd_, bytes, std::min<uint64_t>(size, uint64_t{1} << 30));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail_errno("cannot read", errno);
      if (n == 0) fail("ended early (was it changed while being read?)");
      bytes += n;
      size -= static_cast<uint64_t>(n);
    }
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw SafetensorsError(fmt::format("safetensors file '{}' {}", path_.string(), problem));
  }

 private:
  [[noreturn]] void fail_errno(const char* what, int error) const {
    throw SafetensorsError(
        fmt::format("{} safetensors file '{}': {}", what, path_.string(), std::strerror(error)));
  }

  fs::path path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

/// Reverses the bytes of a 32-bit word (std::byteswap is C++23); only
/// big-endian machines call it.
[[maybe_unused]] uint32_t swap_bytes(uint32_t word) {
  return (word >> 24) | ((word >> 8) & 0xff00u) | ((word << 8) & 0xff0000u) | (word << 24);
}

uint64_t little_endian_u64(const unsigned char* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

/// Parses the header, refusing duplicate keys at any level (the JSON parser
/// alone would keep one of them silently).
Json parse_header(const std::string& text, Reader& reader) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || text[first] != '{') {
    reader.fail("has a header that is not a JSON object");
  }
  // The JSON parser would stop at a NUL and ignore what follows; the reference
  // reader refuses it, and so does this one.
  if (const size_t nul = text.find('\0'); nul != std::string::npos) {
    reader.fail(fmt::format("has a NUL byte in its header, at byte {}", 8 + nul));
  }
  std::vector<std::set<std::string>> open_objects;
  auto refuse_duplicates = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == Json::parse_event_t::object_end) open_objects.pop_back();
    if (event == Json::parse_event_t::key) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second) {
        reader.fail(fmt::format("has the key '{}' twice in its header{}", key,
                                open_objects.size() == 1 ? " (duplicate tensor name)" : ""));
      }
    }
    return true;
  };
  try {
    return Json::parse(text, refuse_duplicates);
  } catch (const Json::exception& e) {
    reader.fail(fmt::format("has a header that is not valid JSON: {}", e.what()));
  }
}

Dtype parse_dtype(const std::string& name, const Json& value, Reader& reader) {
  if (!value.is_string()) reader.fail(fmt::format("tensor '{}': dtype is not a string", name));
  const std::string& dtype = value.get_ref<const std::string&>();
  if (dtype == "F32") return Dtype::kF32;
  if (dtype == "F64") return Dtype::kF64;
  if (dtype == "F16") return Dtype::kF16;
  if (dtype == "BF16") return Dtype::kBF16;
  static const std::set<std::string> kOther = {
      "BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3", "I16", "U16",     "I32",
      "U32",  "I64", "U64", "C64",     "F8_E8M0", "F4",  "F6_E2M3", "F6_E3M2"};
  if (kOther.count(dtype) != 0) {
    reader.fail(
        fmt::format("tensor '{}' has dtype {}, which fulcrum cannot load (it reads "
                    "F32, and F64, F16 and BF16 converted to float32)",
                    name, dtype));
  }
  reader.fail(fmt::format("tensor '{}' has the unknown dtype '{}'", name, dtype));
}

uint64_t element_size(Dtype dtype) {
  switch (dtype) {
    case Dtype::kF32:
      return 4;
    case Dtype::kF64:
      return 8;
    case Dtype::kF16:
    case Dtype::kBF16:
      return 2;
  }
  return 4;
}

/// A JSON array of unsigned integers; `what` names it in errors.
std::vector<uint64_t> parse_unsigned_array(const std::string& name, const char* what,
                                           const Json& value, Reader& reader) {
  if (!value.is_array()) {
    reader.fail(fmt::format("tensor '{}': {} is not an array", name, what));
  }
  std::vector<uint64_t> out;
  for (const Json& item : value) {
    if (!item.is_number_unsigned()) {
      reader.fail(fmt::format("tensor '{}': {} {} holds {}, not a non-negative integer", name, what,
                              value.dump(), item.dump()));
    }
    out.push_back(item.get<uint64_t>());
  }
  return out;
}

Entry parse_entry(const std::string& name, const Json& value, Reader& reader) {
  if (!value.is_object()) {
    reader.fail(fmt::format("tensor '{}': its header entry is not an object", name));
  }
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    if (!value.contains(field)) reader.fail(fmt::format("tensor '{}' has no {}", name, field));
  }
  Entry entry{name, parse_dtype(name, value["dtype"], reader), {}, 0, 0};

  const std::vector<uint64_t> dims = parse_unsigned_array(name, "shape", value["shape"], reader);
  const std::vector<uint64_t> offsets =
      parse_unsigned_array(name, "data_offsets", value["data_offsets"], reader);
  if (offsets.size() != 2) {
    reader.fail(fmt::format("tensor '{}': data_offsets {} should be [begin, end]", name,
                            value["data_offsets"].dump()));
  }
  entry.begin = offsets[0];
  entry.end = offsets[1];
  if (entry.end < entry.begin) {
    reader.fail(fmt::format("tensor '{}': data_offsets [{}, {}] end before they begin", name,
                            entry.begin, entry.end));
  }

  // Element count, refusing shapes whose size overflows even if a zero
  // dimension would make it empty: Shape arithmetic elsewhere multiplies too.
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t numel = 1;
  uint64_t nonzero_numel = 1;
  for (uint64_t dim : dims) {
    if (dim != 0 && nonzero_numel > kMax / dim) {
      reader.fail(fmt::format("tensor '{}': shape {} is too large", name, value["shape"].dump()));
    }
    if (dim != 0) nonzero_numel *= dim;
    numel *= dim;
    entry.shape.push_back(static_cast<int64_t>(dim));
  }
  const uint64_t size = element_size(entry.dtype);
  if (numel > kMax / size || numel * size != entry.end - entry.begin) {
    reader.fail(
        fmt::format("tensor '{}': shape {} of {} needs {} bytes but data_offsets [{}, {}] "
                    "hold {}",
                    name, to_string(entry.shape), value["dtype"].get<std::string>(),
                    numel > kMax / size ? std::string("too many") : std::to_string(numel * size),
                    entry.begin, entry.end, entry.end - entry.begin));
  }
  return entry;
}

Metadata parse_metadata(const Json& value, Reader& reader) {
  if (!value.is_object()) reader.fail("has a __metadata__ that is not an object");
  Metadata metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      reader.fail(
          fmt::format("has the non-string __metadata__ value {} for '{}' (the format "
                      "allows only strings)",
                      item.dump(), key));
    }
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

/// The tensors must tile [0, buffer_size): sorted by offset, each starts where
/// the previous ended, none runs past the buffer, the last ends at its end.
void check_layout(std::vector<Entry>& entries, uint64_t buffer_size, Reader& reader) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t position = 0;
  const Entry* previous = nullptr;
  for (const Entry& entry : entries) {
    if (entry.end > buffer_size) {
      reader.fail(
          fmt::format("tensor '{}': data_offsets [{}, {}] run past the end of the data "
                      "({} bytes): the file is truncated or its offsets are wrong",
                      entry.name, entry.begin, entry.end, buffer_size));
    }
    if (entry.begin < position) {
      reader.fail(fmt::format("tensor '{}': data_offsets [{}, {}] overlap tensor '{}' [{}, {}]",
                              entry.name, entry.begin, entry.end, previous->name, previous->begin,
                              previous->end));
    }
    if (entry.begin > position) {
      reader.fail(
          fmt::format("tensor '{}': data_offsets [{}, {}] leave the bytes [{}, {}) of "
                      "the data to no tensor",
                      entry.name, entry.begin, entry.end, position, entry.begin));
    }
    position = entry.end;
    previous = &entry;
  }
  if (position != buffer_size) {
    reader.fail(fmt::format("has {} bytes of data but its tensors cover only [0, {})", buffer_size,
                            position));
  }
}

float half_to_float(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1fu;
  const uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

/// Reads one tensor's bytes and converts them to float32.
Tensor read_tensor(const Entry& entry, Reader& reader) {
  Tensor tensor = Tensor::empty(entry.shape);
  float* out = tensor.data();
  const size_t n = static_cast<size_t>(tensor.numel());
  if (entry.dtype == Dtype::kF32) {
    reader.read(out, entry.end - entry.begin);
    if constexpr (std::endian::native == std::endian::big) {
      for (size_t i = 0; i < n; ++i) {
        out[i] = std::bit_cast<float>(swap_bytes(std::bit_cast<uint32_t>(out[i])));
      }
    }
    return tensor;
  }
  // The size was checked against the file, so this allocation is bounded by it.
  std::vector<unsigned char> bytes(entry.end - entry.begin);
  reader.read(bytes.data(), bytes.size());
  const size_t width = static_cast<size_t>(element_size(entry.dtype));
  for (size_t i = 0; i < n; ++i) {
    uint64_t bits = 0;
    for (size_t b = width; b-- > 0;) bits = (bits << 8) | bytes[i * width + b];
    switch (entry.dtype) {
      case Dtype::kF64: {
        const double value = std::bit_cast<double>(bits);
        // A finite double beyond float's range would become inf: refuse it.
        if (std::isfinite(value) && std::fabs(value) >= 0x1.ffffffp127) {
          reader.fail(fmt::format("tensor '{}': element {} = {} (F64) does not fit in float32",
                                  entry.name, i, value));
        }
        out[i] = static_cast<float>(value);
        break;
      }
      case Dtype::kF16:
        out[i] = half_to_float(static_cast<uint16_t>(bits));
        break;
      case Dtype::kBF16:
        out[i] = std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
        break;
      case Dtype::kF32:
        break;
    }
  }
  return tensor;
}

}  // namespace

SafetensorsFile load_safetensors(const std::filesystem::path& path) {
  Reader reader(path);
  if (reader.size() < 8) {
    reader.fail(fmt::format("is truncated: it has {} bytes, fewer than the 8 of the header size",
                            reader.size()));
  }
  unsigned char size_bytes[8];
  reader.read(size_bytes, 8);
  const uint64_t header_size = little_endian_u64(size_bytes);
  if (header_size > kSafetensorsMaxHeaderBytes) {
    reader.fail(
        fmt::format("declares a header of {} bytes, above the {}-byte limit: it is "
                    "corrupt or not a safetensors file",
                    header_size, kSafetensorsMaxHeaderBytes));
  }
  if (header_size > reader.size() - 8) {
    reader.fail(
        fmt::format("declares a header of {} bytes but has only {} after the header "
                    "size: it is truncated or not a safetensors file",
                    header_size, reader.size() - 8));
  }
  std::string text(header_size, '\0');
  reader.read(text.data(), header_size);
  const Json header = parse_header(text, reader);

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      file.metadata = parse_metadata(value, reader);
    } else {
      entries.push_back(parse_entry(name, value, reader));
    }
  }
  check_layout(entries, reader.size() - 8 - header_size, reader);

  file.tensors.reserve(entries.size());
  for (const Entry& entry : entries)
    file.tensors.emplace_back(entry.name, read_tensor(entry, reader));
  return file;
}

}  // namespace fulcrum::checkpoint
