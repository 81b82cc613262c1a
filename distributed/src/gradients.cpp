// GradientAllReduce: flatten, sum across processes, scatter back.
#include "fulcrum/distributed/gradients.hpp"

#include <algorithm>

namespace fulcrum::distributed {

namespace {

// Buffer layout: each parameter's gradient, then one count per parameter of
// the processes that had a gradient for it, then the extra values.
void sum_through(std::vector<float>& buffer, const std::vector<Tensor>& params,
                 std::span<float> extra, Communicator& comm) {
  int64_t total = 0;
  for (const Tensor& p : params) total += p.numel();
  buffer.resize(static_cast<size_t>(total) + params.size() + extra.size());
  float* flags = buffer.data() + total;
  float* out = buffer.data();
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor grad = params[i].grad();
    const auto n = static_cast<size_t>(params[i].numel());
    if (grad.defined()) {
      std::copy_n(grad.data(), n, out);
      flags[i] = 1.0f;
    } else {
      std::fill_n(out, n, 0.0f);
      flags[i] = 0.0f;
    }
    out += n;
  }
  std::copy(extra.begin(), extra.end(), flags + params.size());

  comm.allreduce_sum(std::span<float>(buffer));

  const float* in = buffer.data();
  for (size_t i = 0; i < params.size(); ++i) {
    const auto n = static_cast<size_t>(params[i].numel());
    if (flags[i] > 0.0f) {
      // A fresh tensor: a gradient may share its buffer with another one.
      Tensor grad = Tensor::empty(params[i].shape());
      std::copy_n(in, n, grad.data());
      Tensor param = params[i];
      param.set_grad(grad);
    }
    in += n;
  }
  std::copy_n(flags + params.size(), extra.size(), extra.begin());
}

}  // namespace

GradientAllReduce::GradientAllReduce(std::vector<Tensor> params, std::shared_ptr<Communicator> comm)
    : params_(std::move(params)), comm_(std::move(comm)) {
  FULCRUM_CHECK(comm_ != nullptr, "GradientAllReduce: no communicator");
}

void GradientAllReduce::sum(std::span<float> extra) {
  sum_through(buffer_, params_, extra, *comm_);
}

void allreduce_gradients(const std::vector<Tensor>& params, Communicator& comm) {
  std::vector<float> buffer;
  sum_through(buffer, params, {}, comm);
}

}  // namespace fulcrum::distributed
