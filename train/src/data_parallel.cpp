#include "data_parallel.hpp"

#include <algorithm>
#include <variant>

#include "fulcrum/core/error.hpp"

namespace fulcrum::train {

namespace {

std::shared_ptr<distributed::Communicator> or_single(
    std::shared_ptr<distributed::Communicator> comm) {
  return comm ? std::move(comm) : std::make_shared<distributed::SingleProcess>();
}

}  // namespace

DataParallel::DataParallel(std::shared_ptr<distributed::Communicator> comm,
                           std::vector<Tensor> params)
    : comm_(or_single(std::move(comm))), params_(params), gradients_(std::move(params), comm_) {}

void DataParallel::check_batch(const data::Batch& batch, int64_t epoch, int64_t index) const {
  FULCRUM_CHECK(batch.global_size >= comm_->size(),
                "epoch {}, batch {}: {} rows for {} processes, which must each get at least one "
                "row: use a batch_size >= {}, and drop_last (or another batch_size) when the last "
                "batch of an epoch is smaller",
                epoch + 1, index, batch.global_size, comm_->size(), comm_->size());
}

DropoutRowsScope::DropoutRowsScope(Generator* dropout, const data::Batch& batch)
    : dropout_(dropout) {
  if (dropout_ != nullptr) dropout_->set_row_shard({batch.shard_begin, batch.global_size});
}

DropoutRowsScope::~DropoutRowsScope() {
  if (dropout_ != nullptr) dropout_->set_row_shard({});
}

float DataParallel::loss_factor(const nn::HeadLoss& head, const data::Batch& batch) {
  const nn::Reduction reduction = std::visit(
      [](const auto& options) {
        if constexpr (requires { options.reduction; }) {
          return options.reduction;
        } else {
          return options.cross_entropy.reduction;
        }
      },
      head.options);
  if (reduction == nn::Reduction::Sum) return 1.0f;
  return static_cast<float>(batch.size()) / static_cast<float>(batch.global_size);
}

float DataParallel::sum_gradients(float loss_share) {
  float extra[1] = {loss_share};
  gradients_.sum(extra);
  return extra[0];
}

bool DataParallel::any(bool wants) {
  double votes[1] = {wants ? 1.0 : 0.0};
  comm_->allreduce_sum(votes);
  return votes[0] > 0.0;
}

void DataParallel::broadcast_parameters() {
  if (!split()) return;
  int64_t total = 0;
  for (const Tensor& p : params_) total += p.numel();
  flat_.resize(static_cast<size_t>(total));
  float* at = flat_.data();
  for (const Tensor& p : params_) at = std::copy_n(p.data(), p.numel(), at);
  comm_->broadcast(std::span<float>(flat_), 0);
  const float* from = flat_.data();
  for (Tensor& p : params_) {
    std::copy_n(from, p.numel(), p.data());
    from += p.numel();
  }
}

}  // namespace fulcrum::train
