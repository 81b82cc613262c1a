// save_safetensors: header and buffer in the reference layout, written through
// a temporary file so that the target is replaced atomically.
//
// The temporary file gets an unpredictable name and is created with
// O_EXCL | O_NOFOLLOW: whoever can write to the directory cannot make the save
// write through a symlink or into a file planted in advance at that name. The
// final rename() replaces the directory entry itself, so a symlink at the
// target is replaced, never followed.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <span>
#include <string_view>

#include "fulcrum/checkpoint/safetensors.hpp"
#include "safetensors_write.hpp"

namespace fulcrum::checkpoint {
namespace {

namespace fs = std::filesystem;

/// Reverses the bytes of a 32-bit word (std::byteswap is C++23); only
/// big-endian machines call it.
[[maybe_unused]] uint32_t swap_bytes(uint32_t word) {
  return (word >> 24) | ((word >> 8) & 0xff00u) | ((word << 8) & 0xff0000u) | (word << 24);
}

std::string errno_text(int error) { return std::strerror(error); }

/// The header JSON exactly as the reference serialiser writes it (serde_json,
/// compact): "__metadata__" first when there is any, then the tensors in file
/// order, each {"dtype","shape","data_offsets"}; then spaces up to a multiple of
/// 8 bytes so that the buffer (and every F32 in it) starts aligned.
std::string header_json(const fs::path& path,
                        const std::vector<std::pair<std::string, Tensor>>& tensors,
                        const Metadata& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [key, value] : metadata) meta[key] = value;
    header["__metadata__"] = std::move(meta);
  }
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    const uint64_t bytes = static_cast<uint64_t>(tensor.numel()) * sizeof(float);
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    entry["dtype"] = "F32";
    entry["shape"] = tensor.shape();
    entry["data_offsets"] = {offset, offset + bytes};
    header[name] = std::move(entry);
    offset += bytes;
  }
  std::string text;
  try {
    text = header.dump();  // throws on a name or value that is not valid UTF-8
  } catch (const nlohmann::json::exception& e) {
    throw_value_error(
        fmt::format("save_safetensors: cannot save '{}': a tensor name or metadata string is "
                    "not valid UTF-8 ({})",
                    path.string(), e.what()));
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

void check_entries(const fs::path& path,
                   const std::vector<std::pair<std::string, Tensor>>& tensors) {
  std::set<std::string_view> seen;
  const std::string file = path.string();
  for (const auto& [name, tensor] : tensors) {
    FULCRUM_CHECK(!name.empty(), "save_safetensors: cannot save '{}': a tensor has an empty name",
                  file);
    FULCRUM_CHECK(name != "__metadata__",
                  "save_safetensors: cannot save '{}': '__metadata__' is reserved and cannot "
                  "name a tensor",
                  file);
    FULCRUM_CHECK(seen.insert(name).second,
                  "save_safetensors: cannot save '{}': duplicate tensor name '{}'", file, name);
    FULCRUM_CHECK(tensor.defined(), "save_safetensors: cannot save '{}': tensor '{}' is undefined",
                  file, name);
  }
}

/// 64 random bits as hex, from std::random_device (not a fulcrum Generator,
/// so that saving does not change a training run).
std::string random_suffix() {
  std::random_device device;
  const uint64_t high = device();
  const uint64_t low = device();
  return fmt::format("{:016x}", (high << 32) ^ low);
}

/// The temporary file of one save, "<target>.tmp.<16 random hex digits>",
/// created exclusively (a name that exists, file or symlink, is never
/// opened: another name is drawn). Until commit() succeeds the destructor
/// closes and deletes it, so no failure leaves a stray file behind.
class TempFile {
 public:
  explicit TempFile(fs::path target) : target_(std::move(target)) {
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
      temp_ = target_.string() + kTempInfix + random_suffix();
      // 0666: the umask applies, as for any file the user creates.
      fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
      if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0) fail("cannot create the temporary file", errno);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const void* data, size_t size) {
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::write(fd_, bytes, std::min<size_t>(size, size_t{1} << 30));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot write the temporary file", errno);
      bytes += n;
      size -= static_cast<size_t>(n);
    }
  }

  /// Little-endian float32, whatever the host's byte order.
  void write_floats(std::span<const float> values) {
    if constexpr (std::endian::native == std::endian::little) {
      write(values.data(), values.size_bytes());
    } else {
      std::array<uint32_t, 4096> chunk;
      while (!values.empty()) {
        const size_t n = std::min(values.size(), chunk.size());
        for (size_t i = 0; i < n; ++i) chunk[i] = swap_bytes(std::bit_cast<uint32_t>(values[i]));
        write(chunk.data(), n * sizeof(uint32_t));
        values = values.subspan(n);
      }
    }
  }

  /// Makes the bytes durable, calls `before_rename` (the checkpoint's test
  /// hook), then puts them in place of the target.
  void commit(const std::function<void()>& before_rename) {
    if (::fsync(fd_) != 0) fail("cannot fsync the temporary file", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot close the temporary file", errno);
    if (before_rename) before_rename();
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      fail("cannot rename over it the temporary file", errno);
    }
    committed_ = true;
    sync_directory();
  }

 private:
  /// The rename is durable only once the directory entry is on disk.
  void sync_directory() const {
    const fs::path dir = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("cannot open the directory", errno, &dir);
    const int result = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    // Some file systems cannot fsync a directory (EINVAL); nothing more can be done there.
    if (result != 0 && error != EINVAL)
      fail("renamed, but cannot fsync the directory", error, &dir);
  }

  /// `what` failed on the temporary file (or, with `object`, on that path).
  [[noreturn]] void fail(const char* what, int error, const fs::path* object = nullptr) const {
    throw SafetensorsError(fmt::format("cannot save '{}': {} '{}': {}", target_.string(), what,
                                       (object ? *object : temp_).string(), errno_text(error)));
  }

  fs::path target_;
  fs::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  TempFile file(path);
  file.write(bytes.data(), bytes.size());
  file.commit(nullptr);
}

void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const Metadata& metadata) {
  save_safetensors(path, tensors, metadata, nullptr);
}

void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const Metadata& metadata, const std::function<void()>& before_rename) {
  check_entries(path, tensors);
  const std::string header = header_json(path, tensors, metadata);

  std::array<unsigned char, 8> size_bytes{};
  for (size_t i = 0; i < 8; ++i) {
    size_bytes[i] = static_cast<unsigned char>(static_cast<uint64_t>(header.size()) >> (8 * i));
  }

  TempFile file(path);
  file.write(size_bytes.data(), size_bytes.size());
  file.write(header.data(), header.size());
  for (const auto& [name, tensor] : tensors) file.write_floats(tensor.values());
  file.commit(before_rename);
}

}  // namespace fulcrum::checkpoint
