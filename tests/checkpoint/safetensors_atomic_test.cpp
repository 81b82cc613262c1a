// save_safetensors replaces files atomically: a failed save leaves the old
// file exactly as it was and no temporary file behind.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <set>
#include <string>

#include "checkpoint_test_util.hpp"
#include "fulcrum/checkpoint/safetensors.hpp"

namespace fulcrum::checkpoint {
namespace {

using test::Bytes;
using test::expect_error;
using test::read_bytes;

class SafetensorsAtomic : public test::ScratchDir {};

/// Lowers the file size limit for its lifetime, so that writes beyond it fail
/// with EFBIG (SIGXFSZ, which would kill the process, is ignored meanwhile).
/// This works for root too, unlike a read-only directory.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &limit) == 0;
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = SIG_DFL;
  bool ok_ = false;
};

TEST_F(SafetensorsAtomic, ReplacesAnExistingFileAndLeavesNoTemporary) {
  const fs::path file = path("model.safetensors");
  save_safetensors(file, {{"w", Tensor::from({2}, {1, 2})}});
  save_safetensors(file, {{"w", Tensor::from({3}, {7, 8, 9})}}, {{"epoch", "2"}});
  const SafetensorsFile loaded = load_safetensors(file);
  EXPECT_EQ(loaded.tensors.at(0).second.to_vector(), (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(loaded.metadata.at("epoch"), "2");
  EXPECT_EQ(listing(), (std::set<std::string>{"model.safetensors"}));
}

TEST_F(SafetensorsAtomic, FailedWriteKeepsTheOldFile) {
  const fs::path file = path("model.safetensors");
  save_safetensors(file, {{"w", Tensor::from({2}, {1, 2})}}, {{"epoch", "1"}});
  const Bytes before = read_bytes(file);

  {
    FileSizeLimit limit(4096);
    ASSERT_TRUE(limit.ok());
    // 40 kB of data: the write of the temporary file fails midway.
    expect_error<SafetensorsError>(
        [&] {
          save_safetensors(file, {{"w", Tensor::zeros({10000})}}, {{"epoch", "2"}});
        },
        {"cannot save '" + file.string() + "'", "cannot write the temporary file", ".tmp.",
         "File too large"});
  }
  EXPECT_EQ(read_bytes(file), before);
  EXPECT_EQ(load_safetensors(file).metadata.at("epoch"), "1");
  EXPECT_EQ(listing(), (std::set<std::string>{"model.safetensors"}));
}

TEST_F(SafetensorsAtomic, TargetThatIsADirectoryIsLeftAlone) {
  const fs::path target = path("model.safetensors");
  fs::create_directory(target);
  save_safetensors(target / "inside.safetensors", {{"w", Tensor::scalar(1)}});
  expect_error<SafetensorsError>(
      [&] {
        save_safetensors(target, {{"w", Tensor::scalar(2)}});
      },
      {"cannot save '" + target.string() + "'", "cannot rename", "Is a directory"});
  EXPECT_TRUE(fs::is_directory(target));
  EXPECT_EQ(load_safetensors(target / "inside.safetensors").tensors.at(0).second.item(), 1.0f);
  EXPECT_EQ(listing(), (std::set<std::string>{"model.safetensors"}));
}

TEST_F(SafetensorsAtomic, MissingDirectoryIsNamed) {
  const fs::path file = path("no/such/dir/model.safetensors");
  expect_error<SafetensorsError>(
      [&] {
        save_safetensors(file, {{"w", Tensor::scalar(1)}});
      },
      {"cannot save '" + file.string() + "'", "cannot create the temporary file",
       "No such file or directory"});
  EXPECT_TRUE(listing().empty());
}

TEST_F(SafetensorsAtomic, ASymlinkAtATemporaryOrTargetNameIsNeverFollowed) {
  // Whoever can write to the directory plants symlinks at the names a save
  // could use; the file they point to must stay as it is.
  const fs::path victim = path("victim.txt");
  std::ofstream(victim) << "keep me";
  const fs::path file = path("model.safetensors");
  fs::create_symlink(victim, file.string() + ".tmp." + std::to_string(::getpid()));
  save_safetensors(file, {{"w", Tensor::from({2}, {1, 2})}});
  fs::remove(file);
  fs::create_symlink(victim, file);
  save_safetensors(file, {{"w", Tensor::from({2}, {3, 4})}});
  std::ifstream in(victim);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep me");
  EXPECT_FALSE(fs::is_symlink(file));
  EXPECT_EQ(load_safetensors(file).tensors.at(0).second.to_vector(), (std::vector<float>{3, 4}));
}

TEST_F(SafetensorsAtomic, RefusedEntriesLeaveTheOldFile) {
  const fs::path file = path("model.safetensors");
  save_safetensors(file, {{"w", Tensor::from({2}, {1, 2})}});
  const Bytes before = read_bytes(file);
  expect_error<ValueError>(
      [&] {
        save_safetensors(file, {{"w", Tensor::scalar(1)}, {"w", Tensor::scalar(2)}});
      },
      {"duplicate tensor name 'w'"});
  EXPECT_EQ(read_bytes(file), before);
  EXPECT_EQ(listing(), (std::set<std::string>{"model.safetensors"}));
}

}  // namespace
}  // namespace fulcrum::checkpoint
