#pragma once
// Tensor: an N-d array of float32 with reverse-mode autodiff.
//
// A Tensor is a cheap handle (a shared pointer) to contiguous row-major storage
// and, when it was computed from tensors that require gradients, to the node
// that computed it. Ops build the graph as they run (define-by-run); calling
// backward() on a scalar walks it in reverse topological order, the way
// micrograd does, and accumulates gradients into the leaves.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fulcrum/core/buffer_pool.hpp"
#include "fulcrum/core/shape.hpp"

namespace fulcrum {

class Tensor;
struct TensorImpl;

/// Computes the gradients of an op's inputs from the gradient of its output
/// and accumulates them with accumulate_grad. Runs with grad mode off, so it
/// may use the public ops freely.
using BackwardFn = std::function<void(const Tensor& output, const Tensor& grad_output,
                                      const std::vector<Tensor>& inputs)>;

/// The op that produced a tensor: its inputs and how to push gradients to them.
/// Ensures: destroying a node frees the graph behind it iteratively, so a
/// graph of any depth can be dropped without backward() and without
/// overflowing the stack.
struct Node {
  const char* name;
  std::vector<Tensor> inputs;
  BackwardFn backward;

  ~Node();
};

struct TensorImpl {
  Shape shape;
  std::shared_ptr<Buffer> storage;
  std::shared_ptr<TensorImpl> grad;  ///< accumulated gradient (leaves keep it)
  std::shared_ptr<Node> grad_fn;     ///< null for leaves
  bool requires_grad = false;
  bool graph_freed = false;  ///< backward() ran through it and released its node
};

class Tensor {
 public:
  /// An undefined tensor (like a default-constructed torch::Tensor).
  Tensor() = default;

  // -- creation ------------------------------------------------------------
  /// Uninitialised storage of the given shape (taken from the buffer pool).
  static Tensor empty(const Shape& shape);
  static Tensor zeros(const Shape& shape);
  static Tensor ones(const Shape& shape);
  static Tensor full(const Shape& shape, float value);
  static Tensor scalar(float value);
  /// Copies `values` (which must hold numel(shape) floats).
  static Tensor from(const Shape& shape, std::span<const float> values);
  static Tensor from(const Shape& shape, std::initializer_list<float> values);
  /// 0, 1, ..., n-1 as floats.
  static Tensor arange(int64_t n);

  // -- shape and data ------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t dim) const;
  int64_t numel() const;
  float* data();
  const float* data() const;
  std::span<float> values() { return {data(), static_cast<size_t>(numel())}; }
  std::span<const float> values() const { return {data(), static_cast<size_t>(numel())}; }
  std::vector<float> to_vector() const;
  /// The value of a one-element tensor.
  float item() const;
  /// A new tensor with a copy of the data, outside any graph.
  Tensor clone() const;
  /// Copies `src`'s values into this tensor's storage (same numel); no graph.
  void copy_(const Tensor& src);
  void fill_(float value);

  // -- autodiff ------------------------------------------------------------
  bool requires_grad() const;
  /// Marks a leaf as needing gradients (parameters).
  Tensor& requires_grad_(bool enabled = true);
  bool is_leaf() const;
  /// The accumulated gradient; undefined until a backward pass reached it.
  Tensor grad() const;
  /// Replaces (or with an undefined tensor, drops) the accumulated gradient.
  void set_grad(const Tensor& grad);
  /// Drops the gradient (PyTorch's default set_to_none=true); its buffer goes
  /// back to the pool and is reused by the next backward pass.
  void zero_grad();
  /// Back-propagates from this scalar (seed gradient 1).
  void backward() const;
  /// Back-propagates with an explicit gradient of the same shape as this tensor.
  void backward(const Tensor& grad_output) const;
  /// The same storage, cut from the graph.
  Tensor detach() const;
  /// Name of the op that produced this tensor, or "leaf".
  const char* op_name() const;

  std::string to_string() const;
  TensorImpl* impl() const { return impl_.get(); }
  bool same(const Tensor& other) const { return impl_ == other.impl_; }

 private:
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<TensorImpl> impl_;

  friend struct Node;
  friend Tensor record(const char*, Tensor, std::vector<Tensor>, BackwardFn);
  friend void accumulate_grad(const Tensor&, const Tensor&);
};

// -- grad mode ---------------------------------------------------------------
/// Whether ops record the graph (thread-local; on by default).
bool grad_enabled();

/// Turns graph recording off for its lifetime, like torch::NoGradGuard.
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// -- for op implementers -------------------------------------------------------
/// Puts `output`, freshly computed by the op `name` from `inputs`, into the
/// graph: when grad mode is on and an input requires grad, `output` gets a node
/// whose backward is `fn`. Returns `output`. Every differentiable op ends with it.
Tensor record(const char* name, Tensor output, std::vector<Tensor> inputs, BackwardFn fn);

/// Whether an op with these inputs would record a node (saves work in forward).
bool needs_grad(std::initializer_list<Tensor> inputs);

/// Adds `grad` (broadcast-reduced to `input`'s shape) into input's gradient,
/// if input requires grad. Used inside backward functions.
/// Requires: the caller does not write into `grad` afterwards.
/// Ensures: the first gradient an input receives is taken over without a copy
/// when no one else holds it (a temporary the backward function just made).
void accumulate_grad(const Tensor& input, const Tensor& grad);

}  // namespace fulcrum
