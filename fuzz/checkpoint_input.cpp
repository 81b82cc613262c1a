// A checkpoint fuzz input: the bytes of a .safetensors file, loaded as
// `fulcrum predict` loads a model (the safetensors reader, the checksum, the
// metadata, the stored config and the model built from it).

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "fulcrum/train/predictor.hpp"
#include "fuzz_input_support.hpp"

namespace fulcrum::fuzz {
namespace {

// One anonymous in-memory file for the process, rewritten for each input:
// load_safetensors reads through a path and wants a regular file, which a
// memfd is, without touching the disk.
class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("fuzz.safetensors", MFD_CLOEXEC)) {
    if (fd_ < 0) broken_promise("memfd_create", std::strerror(errno));
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  /// Replaces the contents with `bytes`; returns a path that opens them.
  std::string write(Input bytes) {
    if (::ftruncate(fd_, 0) != 0) broken_promise("ftruncate", std::strerror(errno));
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n =
          ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) broken_promise("pwrite", std::strerror(errno));
      done += static_cast<size_t>(n);
    }
    return "/proc/self/fd/" + std::to_string(fd_);
  }

 private:
  int fd_;
};

}  // namespace

void read_checkpoint_input(Input input) {
  static MemoryFile file;
  const train::Predictor predictor = train::Predictor::load(file.write(input));
  (void)predictor;
}

}  // namespace fulcrum::fuzz
