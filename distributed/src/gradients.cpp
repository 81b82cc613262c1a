// GradientAllReduce: sum every parameter's gradient across the processes
// where it lies, then drop the ones no process had.
#include "fulcrum/distributed/gradients.hpp"

#include <algorithm>

namespace fulcrum::distributed {

namespace {

// The segments summed: each parameter's gradient in place, then `tail`: one
// count per parameter of the processes that had a gradient for it, then the
// extra values. A parameter without a gradient gets zeros for the sum; one
// whose gradient shares its storage (set_grad of a tensor held elsewhere)
// gets a copy of its own, so that the sum changes nothing else.
void sum_in_place(std::vector<std::span<float>>& segments, std::vector<float>& tail,
                  const std::vector<Tensor>& params, std::span<float> extra, Communicator& comm) {
  segments.clear();
  tail.resize(params.size() + extra.size());
  for (size_t i = 0; i < params.size(); ++i) {
    Tensor param = params[i];
    Tensor grad = param.grad();
    tail[i] = grad.defined() ? 1.0f : 0.0f;
    if (!grad.defined()) {
      grad = Tensor::zeros(param.shape());
      param.set_grad(grad);
    } else if (grad.impl()->storage.use_count() > 1) {
      grad = grad.clone();
      param.set_grad(grad);
    }
    segments.push_back(grad.values());
  }
  std::copy(extra.begin(), extra.end(), tail.begin() + static_cast<std::ptrdiff_t>(params.size()));
  segments.push_back(std::span<float>(tail));

  comm.allreduce_sum(std::span<const std::span<float>>(segments));

  for (size_t i = 0; i < params.size(); ++i) {
    if (tail[i] == 0.0f) {
      Tensor param = params[i];
      param.set_grad(Tensor());
    }
  }
  std::copy_n(tail.begin() + static_cast<std::ptrdiff_t>(params.size()), extra.size(),
              extra.begin());
}

}  // namespace

GradientAllReduce::GradientAllReduce(std::vector<Tensor> params, std::shared_ptr<Communicator> comm)
    : params_(std::move(params)), comm_(std::move(comm)) {
  FULCRUM_CHECK(comm_ != nullptr, "GradientAllReduce: no communicator");
}

void GradientAllReduce::sum(std::span<float> extra) {
  sum_in_place(segments_, tail_, params_, extra, *comm_);
}

void allreduce_gradients(const std::vector<Tensor>& params, Communicator& comm) {
  std::vector<std::span<float>> segments;
  std::vector<float> tail;
  sum_in_place(segments, tail, params, {}, comm);
}

}  // namespace fulcrum::distributed
