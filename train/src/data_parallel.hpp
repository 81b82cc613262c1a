#pragma once
// DataParallel: what the Trainer does differently when its run is split
// across the processes of a job (internal to the trainer). Every process
// holds the same model; each computes its rows of every batch
// (data::BatchShard), the losses scaled by its share of the batch, and the
// gradients are summed across the processes before each optimizer step, so
// every step is the step of the whole batch.

#include <memory>
#include <vector>

#include "fulcrum/core/random.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/distributed/communicator.hpp"
#include "fulcrum/distributed/gradients.hpp"
#include "fulcrum/losses/head_loss.hpp"

namespace fulcrum::train {

/// Represents: `dropout` (if any) pointed at this process's rows of `batch`
/// for the scope's lifetime, so that its masks are those rows of the whole
/// batch's masks; afterwards at whole batches again.
class DropoutRowsScope {
 public:
  DropoutRowsScope(Generator* dropout, const data::Batch& batch);
  ~DropoutRowsScope();
  DropoutRowsScope(const DropoutRowsScope&) = delete;
  DropoutRowsScope& operator=(const DropoutRowsScope&) = delete;

 private:
  Generator* dropout_;
};

class DataParallel {
 public:
  /// `comm` null: a single process.
  DataParallel(std::shared_ptr<distributed::Communicator> comm, std::vector<Tensor> params);

  bool split() const { return comm_->size() > 1; }
  bool is_root() const { return comm_->is_root(); }
  distributed::Communicator& comm() { return *comm_; }
  data::BatchShard shard() const { return {comm_->rank(), comm_->size()}; }

  /// Requires of a batch that every process gets rows of it (throws
  /// ValueError naming the batch otherwise; the same on every process).
  void check_batch(const data::Batch& batch, int64_t epoch, int64_t index) const;
  /// The factor of a head's loss on this process's rows of `batch`: its share
  /// of the batch for a mean (so that the processes' losses add up to the
  /// mean over the whole batch), 1 for a sum.
  static float loss_factor(const nn::HeadLoss& head, const data::Batch& batch);
  /// Sums the gradients, and `loss_share` (this process's loss times its
  /// share of the batch); returns the whole batch's loss.
  float sum_gradients(float loss_share);
  /// Whether any process wants to stop (every process gets the same answer).
  bool any(bool wants);
  /// Gives every process rank 0's parameter values.
  void broadcast_parameters();

 private:
  std::shared_ptr<distributed::Communicator> comm_;
  std::vector<Tensor> params_;
  distributed::GradientAllReduce gradients_;
  std::vector<float> flat_;  // broadcast_parameters' buffer
};

}  // namespace fulcrum::train
