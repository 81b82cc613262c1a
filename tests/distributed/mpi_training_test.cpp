// Run under `mpirun -np 2`: the communicator's sums and broadcasts, and
// data-parallel training against the same run in one process.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "fulcrum/distributed/session.hpp"
#include "fulcrum/train/trainer.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum {
namespace {

std::shared_ptr<distributed::Communicator> world() { return distributed::world(); }

// A directory every rank names the same: rank 0's, broadcast; a collective
// to make and to destroy.
class SharedDir {
 public:
  SharedDir() {
    std::string path;
    if (world()->is_root()) {
      dir_.emplace("fulcrum_mpi_test");
      path = dir_->string();
    }
    world()->broadcast(path, 0);
    path_ = path;
  }
  // Rank 0 removes the directory only once every rank is done with it.
  ~SharedDir() { world()->barrier(); }
  SharedDir(const SharedDir&) = delete;
  SharedDir& operator=(const SharedDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::optional<fulcrum::testing::TempDir> dir_;
  std::filesystem::path path_;
};

TEST(MpiCommunicator, RunsOnMoreThanOneRank) {
  ASSERT_GE(world()->size(), 2) << "run this test with mpirun -np 2 (or more)";
}

TEST(MpiCommunicator, AllReduceSumsEveryRanksValuesWithTheSameBits) {
  const int size = world()->size();
  const int rank = world()->rank();
  // Lengths below, at and above the rank count: empty and uneven chunks.
  for (const size_t length : {size_t{1}, static_cast<size_t>(size), size_t{1001}}) {
    std::vector<float> values(length);
    for (size_t i = 0; i < length; ++i)
      values[i] = 0.1f * static_cast<float>(rank + 1) + static_cast<float>(i);
    world()->allreduce_sum(std::span<float>(values));
    for (size_t i = 0; i < length; ++i) {
      float expected = 0;
      for (int r = 0; r < size; ++r)
        expected += 0.1f * static_cast<float>(r + 1) + static_cast<float>(i);
      EXPECT_NEAR(values[i], expected, 1e-4f * std::abs(expected)) << "element " << i;
    }
    // rank 0's bits to everyone: every rank must hold exactly them.
    std::vector<float> root = values;
    world()->broadcast(std::span<float>(root), 0);
    EXPECT_EQ(std::memcmp(root.data(), values.data(), length * sizeof(float)), 0)
        << "rank " << rank << " summed to other bits than rank 0";
  }
}

TEST(MpiCommunicator, ASumOverSegmentsHasTheBitsOfTheFlatSum) {
  const int rank = world()->rank();
  // Segments that cut the ring's chunks anywhere, an empty one among them.
  const std::vector<size_t> lengths{7, 0, 1, 500, 3, 130};
  size_t total = 0;
  for (const size_t length : lengths) total += length;
  std::vector<float> flat(total);
  for (size_t i = 0; i < total; ++i)
    flat[i] = std::sin(static_cast<float>(i) + 0.37f * static_cast<float>(rank + 1));
  std::vector<std::vector<float>> parts;
  size_t at = 0;
  for (const size_t length : lengths) {
    parts.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(at),
                       flat.begin() + static_cast<std::ptrdiff_t>(at + length));
    at += length;
  }
  std::vector<std::span<float>> segments;
  for (std::vector<float>& part : parts) segments.emplace_back(part);
  world()->allreduce_sum(std::span<float>(flat));
  world()->allreduce_sum(std::span<const std::span<float>>(segments));
  std::vector<float> joined;
  for (const std::vector<float>& part : parts)
    joined.insert(joined.end(), part.begin(), part.end());
  ASSERT_EQ(joined.size(), flat.size());
  EXPECT_EQ(std::memcmp(joined.data(), flat.data(), total * sizeof(float)), 0)
      << "rank " << rank << ": the segmented sum's bits differ from the flat sum's";
}

TEST(MpiCommunicator, BroadcastsTextOfAnyLength) {
  std::string text = world()->is_root() ? std::string(5000, 'x') + "end" : std::string("other");
  world()->broadcast(text, 0);
  EXPECT_EQ(text.size(), 5003u);
  EXPECT_EQ(text.substr(5000), "end");
}

// A small run with dropout, a validation split and two heads' worth of
// parameters; one epoch of global batches of 64.
config::RunConfig small_run(const std::filesystem::path& output_dir) {
  config::RunConfig config;
  config.name = "mpi";
  config.seed = 3;
  config.threads = 1;
  config.output_dir = output_dir.string();
  config.data.source = data::DataSource::Synthetic;
  config.data.synthetic.samples = 700;
  config.data.synthetic.features = 12;
  config.data.synthetic.heads = {{"labels", TaskKind::MultiLabel, {0.5, 0.3, 0.1, 0.05}}};
  config.model.backbone.sizes = {32, 16};
  config.model.backbone.dropout = 0.3;
  config::HeadConfig head;
  head.name = "labels";
  config.model.heads = {head};
  config.training.epochs = 1;
  config.training.batch_size = 64;
  config.training.optimizer.lr = 3e-3;
  config.training.progress = false;
  config.training.checkpoint_interval = 0;
  return config;
}

std::map<std::string, std::vector<float>> train_weights(
    const config::RunConfig& config, std::shared_ptr<distributed::Communicator> comm) {
  train::Trainer trainer(config, std::move(comm));
  trainer.fit();
  std::map<std::string, std::vector<float>> weights;
  for (const auto& [name, tensor] : trainer.model().state_dict())
    weights[name] = tensor.to_vector();
  return weights;
}

TEST(DataParallel, MatchesOneProcessWithTheSameGlobalBatch) {
  const SharedDir dir;
  const auto split = train_weights(small_run(dir.path() / "split"), world());
  // The same run in this process alone (each rank, into a directory of its own).
  const auto alone =
      train_weights(small_run(dir.path() / ("alone" + std::to_string(world()->rank()))),
                    std::make_shared<distributed::SingleProcess>());
  ASSERT_EQ(split.size(), alone.size());
  for (const auto& [name, expected] : alone) {
    const std::vector<float>& got = split.at(name);
    ASSERT_EQ(got.size(), expected.size()) << name;
    double largest = 0, worst = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      largest = std::max(largest, std::abs(static_cast<double>(expected[i])));
      worst = std::max(worst, std::abs(static_cast<double>(got[i]) - expected[i]));
    }
    EXPECT_LE(worst, 1e-5 * largest)
        << name << ": largest difference " << worst << " against values up to " << largest;
  }
}

TEST(DataParallel, TwoRunsWithTheSameRanksAreBitIdentical) {
  const SharedDir dir;
  const auto first = train_weights(small_run(dir.path() / "first"), world());
  const auto second = train_weights(small_run(dir.path() / "second"), world());
  ASSERT_EQ(first.size(), second.size());
  for (const auto& [name, values] : first) {
    const std::vector<float>& other = second.at(name);
    ASSERT_EQ(values.size(), other.size()) << name;
    EXPECT_EQ(std::memcmp(values.data(), other.data(), values.size() * sizeof(float)), 0)
        << name << " differs between two runs on " << world()->size() << " ranks";
  }
}

}  // namespace
}  // namespace fulcrum
