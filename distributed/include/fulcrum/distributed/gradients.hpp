#pragma once
// Summing a model's gradients across the processes of a job, as PyTorch's
// DistributedDataParallel does after backward():
//
// ```cpp
// auto comm = fulcrum::distributed::world();
// fulcrum::Tensor w = fulcrum::Tensor::from({2}, {1.0f, 2.0f});
// w.requires_grad_();
// fulcrum::sum(w * w).backward();  // on this process's part of the batch,
//                                   // with the loss scaled by part / batch rows
// fulcrum::distributed::allreduce_gradients({w}, *comm);  // now the whole batch's gradient
// ```
//
// The loss of a batch split across processes is a mean over the whole batch:
// each process scales the mean over its rows by (its rows / batch rows)
// before backward(), so the sum of the gradients is the whole batch's.

#include <memory>
#include <span>
#include <vector>

#include "fulcrum/core/tensor.hpp"
#include "fulcrum/distributed/communicator.hpp"

namespace fulcrum::distributed {

/// Represents: the gradients of a fixed list of parameters, summed across the
/// processes of `comm` in place, as DistributedDataParallel sums into each
/// `param.grad` (no copy into and out of a flat buffer).
/// Requires: every process holds the same parameters, in the same order.
/// Ensures after sum(): every process holds the same gradients, the sum of
/// the processes' ones (a missing gradient counts as zeros); a parameter that
/// has no gradient on any process keeps none (optimizers skip it, as with one
/// process). A gradient whose storage is shared with another tensor is
/// replaced by a summed copy, leaving that tensor as it was. `extra` values
/// (e.g. each process's share of the loss) are summed in the same all-reduce.
class GradientAllReduce {
 public:
  GradientAllReduce(std::vector<Tensor> params, std::shared_ptr<Communicator> comm);

  void sum(std::span<float> extra = {});

 private:
  std::vector<Tensor> params_;
  std::shared_ptr<Communicator> comm_;
  std::vector<std::span<float>> segments_;  // each gradient, then tail_
  std::vector<float> tail_;                 // one "has a gradient" count per parameter, then extra
};

/// One-off form of GradientAllReduce::sum.
void allreduce_gradients(const std::vector<Tensor>& params, Communicator& comm);

}  // namespace fulcrum::distributed
