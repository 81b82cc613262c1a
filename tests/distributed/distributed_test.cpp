// The pieces of data-parallel training that need no second process: a batch
// split into row shards, Dropout masks of a shard, the single-process
// communicator, gradient sums and the work queue of a job of one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <numeric>

#include "fulcrum/core/random.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/data/synthetic.hpp"
#include "fulcrum/distributed/communicator.hpp"
#include "fulcrum/distributed/gradients.hpp"
#include "fulcrum/distributed/work_queue.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "support/errors.hpp"

namespace fulcrum {
namespace {

data::Dataset rows_dataset(int64_t rows) {
  data::SyntheticOptions options{.samples = rows, .features = 3};
  options.heads = {{"tags", TaskKind::MultiLabel, {0.5}}};
  return data::make_synthetic(options);
}

TEST(BatchShard, ShardsTogetherAreTheWholeBatchInOrder) {
  const data::Dataset dataset = rows_dataset(23);
  for (const int64_t count : {1, 2, 3}) {
    std::vector<std::vector<int64_t>> whole, joined;
    data::DataLoader single(dataset, {.batch_size = 8, .seed = 5});
    data::Batch batch;
    while (single.next(batch)) whole.push_back(batch.rows);
    joined.assign(whole.size(), {});
    for (int64_t index = 0; index < count; ++index) {
      data::DataLoader part(dataset, {.batch_size = 8, .seed = 5, .shard = {index, count}});
      size_t b = 0;
      while (part.next(batch)) {
        ASSERT_LT(b, whole.size());
        EXPECT_EQ(batch.global_size, static_cast<int64_t>(whole[b].size()));
        EXPECT_EQ(batch.shard_begin, static_cast<int64_t>(joined[b].size()))
            << "shard " << index << " of " << count << ", batch " << b;
        joined[b].insert(joined[b].end(), batch.rows.begin(), batch.rows.end());
        ++b;
      }
      EXPECT_EQ(b, whole.size());
    }
    EXPECT_EQ(joined, whole) << count << " shards";
  }
}

TEST(BatchShard, RefusesAnIndexOutsideTheCount) {
  const data::Dataset dataset = rows_dataset(4);
  testing::expect_error<ValueError>(
      [&] {
        data::DataLoader loader(dataset, {.batch_size = 2, .shard = {2, 2}});
      },
      {"shard 2 of 2"});
}

TEST(DropoutRows, AShardsMaskIsItsRowsOfTheWholeMask) {
  const int64_t batch = 7, width = 5;
  Generator whole_gen(11);
  nn::Dropout whole(0.4f, whole_gen);
  const Tensor ones = Tensor::ones({batch, width});
  const std::vector<float> full = whole.forward(ones).to_vector();
  const std::string after_whole = whole_gen.state();
  for (const auto& [begin, rows] : std::vector<std::pair<int64_t, int64_t>>{{0, 3}, {3, 4}}) {
    Generator gen(11);
    gen.set_row_shard({begin, batch});
    nn::Dropout part(0.4f, gen);
    const std::vector<float> mask = part.forward(Tensor::ones({rows, width})).to_vector();
    const std::vector<float> expected(full.begin() + begin * width,
                                      full.begin() + (begin + rows) * width);
    EXPECT_EQ(mask, expected) << "rows [" << begin << ", " << begin + rows << ")";
    EXPECT_EQ(gen.state(), after_whole) << "the generator must end where the whole draw ends";
  }
}

TEST(DropoutRows, RefusesRowsOutsideTheBatch) {
  Generator gen(1);
  gen.set_row_shard({3, 4});
  nn::Dropout dropout(0.5f, gen);
  testing::expect_error<ValueError>(
      [&] {
        dropout.forward(Tensor::ones({2, 3}));
      },
      {"rows [3, 5)", "batch of 4 rows"});
}

TEST(SingleProcess, IsRankZeroOfOneAndLeavesValues) {
  distributed::SingleProcess comm;
  EXPECT_EQ(comm.rank(), 0);
  EXPECT_EQ(comm.size(), 1);
  std::vector<float> values{1.5f, -2.0f};
  comm.allreduce_sum(std::span<float>(values));
  EXPECT_EQ(values, (std::vector<float>{1.5f, -2.0f}));
  std::vector<int64_t> message{1};
  testing::expect_error<distributed::DistributedError>([&] { comm.send(1, message); },
                                                       {"rank 1", "one process"});
  testing::expect_error<ValueError>([&] { comm.broadcast(std::span<float>(values), 1); },
                                    {"rank 1"});
}

TEST(GradientAllReduce, KeepsGradientsAndLeavesMissingOnesMissing) {
  auto comm = std::make_shared<distributed::SingleProcess>();
  Tensor used = Tensor::from({2}, {1.0f, 2.0f});
  used.requires_grad_();
  Tensor unused = Tensor::from({1}, {3.0f});
  unused.requires_grad_();
  sum(used * used).backward();
  distributed::GradientAllReduce reduce({used, unused}, comm);
  float extra[2] = {0.25f, 4.0f};
  reduce.sum(extra);
  EXPECT_EQ(used.grad().to_vector(), (std::vector<float>{2.0f, 4.0f}));
  EXPECT_FALSE(unused.grad().defined());
  EXPECT_EQ(extra[0], 0.25f);
  EXPECT_EQ(extra[1], 4.0f);
}

// A job of two identical processes: every sum doubles the values. Only the
// flat sums are its own; the segmented one is Communicator's default.
class TwoLikeProcesses final : public distributed::Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 2; }
  void allreduce_sum(std::span<float> values) override {
    for (float& v : values) v += v;
  }
  void allreduce_sum(std::span<double> values) override {
    for (double& v : values) v += v;
  }
  using distributed::Communicator::allreduce_sum;
  void broadcast(std::span<float>, int) override {}
  void broadcast(std::string&, int) override {}
  void barrier() override {}
  void send(int, std::span<const int64_t>) override {}
  std::optional<int> probe() override { return std::nullopt; }
  void receive(int, std::span<int64_t>) override {}
  [[noreturn]] void abort(int, std::string_view) override { std::abort(); }
};

TEST(Communicator, SumsSegmentsInPlaceThroughTheFlatSum) {
  TwoLikeProcesses comm;
  std::vector<float> a{1.0f, 2.0f}, b{}, c{-3.0f};
  const std::vector<std::span<float>> segments{a, b, c};
  comm.allreduce_sum(std::span<const std::span<float>>(segments));
  EXPECT_EQ(a, (std::vector<float>{2.0f, 4.0f}));
  EXPECT_EQ(c, (std::vector<float>{-6.0f}));
}

TEST(GradientAllReduce, SumsIntoTheGradientButNotIntoATensorItShares) {
  auto comm = std::make_shared<TwoLikeProcesses>();
  Tensor own = Tensor::zeros({2});
  own.requires_grad_();
  own.set_grad(Tensor::from({2}, {1.0f, 2.0f}));
  const Tensor own_grad = own.grad();
  Tensor sharing = Tensor::zeros({1});
  sharing.requires_grad_();
  const Tensor held = Tensor::from({1}, {5.0f});
  sharing.set_grad(held.detach());  // the same storage as `held`
  Tensor unused = Tensor::zeros({1});
  unused.requires_grad_();
  distributed::GradientAllReduce reduce({own, sharing, unused}, comm);
  float extra[1] = {0.5f};
  reduce.sum(extra);
  EXPECT_EQ(own.grad().to_vector(), (std::vector<float>{2.0f, 4.0f}));
  EXPECT_TRUE(own.grad().same(own_grad)) << "the sum must be in place, as DDP's";
  EXPECT_EQ(sharing.grad().to_vector(), (std::vector<float>{10.0f}));
  EXPECT_EQ(held.to_vector(), (std::vector<float>{5.0f})) << "a tensor sharing the gradient";
  EXPECT_FALSE(unused.grad().defined());
  EXPECT_EQ(extra[0], 1.0f);
}

TEST(WorkQueue, AJobOfOneTakesEveryTaskInOrder) {
  std::vector<distributed::TaskReport> reports;
  distributed::WorkQueue queue({4, 1, 7}, std::make_shared<distributed::SingleProcess>(),
                               [&](int rank, const distributed::TaskReport& report) {
                                 EXPECT_EQ(rank, 0);
                                 reports.push_back(report);
                               });
  std::vector<int64_t> taken;
  while (const std::optional<int64_t> task = queue.next()) {
    taken.push_back(*task);
    queue.report({*task, 1, 2});
  }
  queue.done();
  EXPECT_EQ(taken, (std::vector<int64_t>{4, 1, 7}));
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[2].task, 7);
}

}  // namespace
}  // namespace fulcrum
