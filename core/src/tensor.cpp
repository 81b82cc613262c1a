#include "fulcrum/core/tensor.hpp"

#include <algorithm>
#include <cstring>

#include "fulcrum/core/error.hpp"

namespace fulcrum {

Tensor Tensor::empty(const Shape& shape) {
  for (int64_t d : shape)
    FULCRUM_CHECK_SHAPE(d >= 0, "cannot make a tensor of shape {}: negative size",
                        fulcrum::to_string(shape));
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->storage = std::make_shared<Buffer>(static_cast<size_t>(fulcrum::numel(shape)));
  return Tensor(std::move(impl));
}

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape);
  t.fill_(value);
  return t;
}

Tensor Tensor::zeros(const Shape& shape) { return full(shape, 0.0f); }
Tensor Tensor::ones(const Shape& shape) { return full(shape, 1.0f); }
Tensor Tensor::scalar(float value) { return full({}, value); }

Tensor Tensor::from(const Shape& shape, std::span<const float> values) {
  FULCRUM_CHECK_SHAPE(static_cast<int64_t>(values.size()) == fulcrum::numel(shape),
                      "Tensor::from: {} values do not fill shape {} ({} elements)",
                      values.size(), fulcrum::to_string(shape), fulcrum::numel(shape));
  Tensor t = empty(shape);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

Tensor Tensor::from(const Shape& shape, std::initializer_list<float> values) {
  return from(shape, std::span<const float>(values.begin(), values.size()));
}

Tensor Tensor::arange(int64_t n) {
  Tensor t = empty({n});
  for (int64_t i = 0; i < n; ++i) t.data()[i] = static_cast<float>(i);
  return t;
}

static TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl) {
  FULCRUM_CHECK(impl != nullptr, "use of an undefined tensor");
  return *impl;
}

const Shape& Tensor::shape() const { return checked(impl_).shape; }
int64_t Tensor::numel() const { return fulcrum::numel(shape()); }
float* Tensor::data() { return checked(impl_).storage->data(); }
const float* Tensor::data() const { return checked(impl_).storage->data(); }

int64_t Tensor::size(int64_t d) const {
  FULCRUM_CHECK_SHAPE(dim() > 0, "size({}): a scalar tensor has no dimensions", d);
  return shape()[static_cast<size_t>(wrap_dim(d, dim(), "size"))];
}

std::vector<float> Tensor::to_vector() const { return {values().begin(), values().end()}; }

float Tensor::item() const {
  FULCRUM_CHECK(numel() == 1, "item(): tensor of shape {} has {} elements, not one",
                fulcrum::to_string(shape()), numel());
  return data()[0];
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape());
  std::memcpy(t.data(), data(), static_cast<size_t>(numel()) * sizeof(float));
  return t;
}

void Tensor::copy_(const Tensor& src) {
  FULCRUM_CHECK_SHAPE(src.numel() == numel(), "copy_: source of shape {} into tensor of shape {}",
                      fulcrum::to_string(src.shape()), fulcrum::to_string(shape()));
  if (src.data() != data())
    std::memcpy(data(), src.data(), static_cast<size_t>(numel()) * sizeof(float));
}

void Tensor::fill_(float value) { std::fill_n(data(), numel(), value); }

bool Tensor::requires_grad() const { return checked(impl_).requires_grad; }

Tensor& Tensor::requires_grad_(bool enabled) {
  FULCRUM_CHECK(is_leaf() || enabled,
                "requires_grad_(false) on a non-leaf tensor (made by {}); use detach()",
                op_name());
  checked(impl_).requires_grad = enabled;
  return *this;
}

bool Tensor::is_leaf() const {
  const TensorImpl& impl = checked(impl_);
  return impl.grad_fn == nullptr && !impl.graph_freed;
}

Tensor Tensor::grad() const {
  const auto& g = checked(impl_).grad;
  return g ? Tensor(g) : Tensor();
}

void Tensor::set_grad(const Tensor& grad) {
  if (grad.defined())
    FULCRUM_CHECK_SHAPE(grad.shape() == shape(), "set_grad: gradient of shape {} for tensor {}",
                        fulcrum::to_string(grad.shape()), fulcrum::to_string(shape()));
  checked(impl_).grad = grad.impl_;
}

void Tensor::zero_grad() { checked(impl_).grad.reset(); }

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape();
  impl->storage = checked(impl_).storage;
  return Tensor(std::move(impl));
}

const char* Tensor::op_name() const {
  const auto& node = checked(impl_).grad_fn;
  return node ? node->name : "leaf";
}

std::string Tensor::to_string() const {
  if (!defined()) return "Tensor(undefined)";
  std::string s = "Tensor(shape=" + fulcrum::to_string(shape()) + ", data=[";
  const int64_t n = std::min<int64_t>(numel(), 12);
  for (int64_t i = 0; i < n; ++i) s += (i ? ", " : "") + fmt::format("{:.6g}", data()[i]);
  if (numel() > n) s += ", ...";
  return s + "])";
}

}  // namespace fulcrum
