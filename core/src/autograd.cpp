// The autodiff engine: recording nodes, and the reverse sweep.

#include <algorithm>
#include <unordered_set>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum {
namespace {
thread_local bool g_grad_enabled = true;
}  // namespace

bool grad_enabled() { return g_grad_enabled; }
NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

bool needs_grad(std::initializer_list<Tensor> inputs) {
  if (!g_grad_enabled) return false;
  return std::any_of(inputs.begin(), inputs.end(),
                     [](const Tensor& t) { return t.defined() && t.requires_grad(); });
}

Tensor record(const char* name, Tensor output, std::vector<Tensor> inputs, BackwardFn fn) {
  if (!g_grad_enabled) return output;
  const bool any = std::any_of(inputs.begin(), inputs.end(),
                               [](const Tensor& t) { return t.defined() && t.requires_grad(); });
  if (!any) return output;
  output.impl_->requires_grad = true;
  // Member by member: clang (up to 15) lacks C++20's make_shared of an aggregate.
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(fn);
  output.impl_->grad_fn = std::move(node);
  return output;
}

// Letting the members go would destroy each input, whose TensorImpl holds
// its own node, whose inputs ... : one stack frame per node of the graph.
// Instead, an input this node holds the last handle to gives its node up
// into a worklist, and each node taken from the list is emptied the same way
// before it dies, so that its own destructor finds nothing left to free.
Node::~Node() {
  std::vector<std::shared_ptr<Node>> pending;
  const auto release_inputs = [&pending](Node& node) {
    node.backward = nullptr;  // first: tensors its closure saved may co-own the inputs
    for (Tensor& input : node.inputs) {
      if (input.impl_ != nullptr && input.impl_.use_count() == 1 && input.impl_->grad_fn)
        pending.push_back(std::move(input.impl_->grad_fn));
    }
    node.inputs.clear();
  };
  release_inputs(*this);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    if (node.use_count() == 1) release_inputs(*node);
  }
}

void accumulate_grad(const Tensor& input, const Tensor& grad) {
  if (!input.defined() || !input.requires_grad()) return;
  Tensor g = grad.shape() == input.shape() ? grad : sum_to(grad, input.shape());
  TensorImpl& impl = *input.impl();
  if (!impl.grad) {
    // The first contribution. A gradient that nothing else can see (a
    // temporary the backward function just made: the caller's handle and
    // `g` are its only owners, and no view shares its storage) becomes the
    // accumulated gradient as it is. Any other may be shared (e.g. the
    // output gradient that add passes straight through), so it is copied.
    const bool fresh = g.impl_.use_count() <= 2 && g.impl_->storage.use_count() == 1 &&
                       !g.impl_->grad_fn && !g.impl_->grad && !g.impl_->requires_grad;
    if (fresh) {
      impl.grad = std::move(g.impl_);
      return;
    }
    Tensor owned = Tensor::empty(input.shape());
    owned.copy_(g);
    impl.grad = owned.impl_;
    return;
  }
  float* dst = impl.grad->storage->data();
  const float* src = g.data();
  const int64_t n = g.numel();
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

namespace {

// Tensors in reverse topological order (outputs before the inputs they used),
// found without recursion so deep graphs cannot overflow the stack. Holding
// handles keeps every tensor alive while the sweep frees the graph.
std::vector<Tensor> reverse_topological(const Tensor& root) {
  std::vector<Tensor> order;
  std::unordered_set<TensorImpl*> visited{root.impl()};
  std::vector<std::pair<Tensor, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [tensor, next] = stack.back();
    FULCRUM_CHECK(!tensor.impl()->graph_freed,
                  "backward() through a graph a second time: the first backward() freed it. "
                  "Sum the losses and call backward() once (e.g. for several heads), or "
                  "recompute the forward pass");
    const auto& fn = tensor.impl()->grad_fn;
    if (fn && next < fn->inputs.size()) {
      const Tensor& child = fn->inputs[next++];
      if (child.defined() && child.requires_grad() && visited.insert(child.impl()).second)
        stack.emplace_back(child, 0);
      continue;
    }
    order.push_back(std::move(tensor));
    stack.pop_back();
  }
  std::reverse(order.begin(), order.end());
  return order;
}

// The reverse sweep from `root`, seeded with `seed`, a tensor of root's
// shape that no one else holds (it may become root's gradient as it is).
void backward_from(const Tensor& root, const Tensor& seed) {
  FULCRUM_CHECK(root.requires_grad(),
                "backward() on a tensor that does not require grad (no parameter "
                "with requires_grad reached it, or it was computed under NoGradGuard)");
  FULCRUM_CHECK_SHAPE(seed.shape() == root.shape(),
                      "backward(): gradient of shape {} for a tensor of shape {}",
                      fulcrum::to_string(seed.shape()), fulcrum::to_string(root.shape()));
  NoGradGuard no_grad;
  accumulate_grad(root, seed);
  for (const Tensor& output : reverse_topological(root)) {
    TensorImpl* node = output.impl();
    std::shared_ptr<Node> fn = node->grad_fn;
    if (!fn) continue;  // a leaf: its gradient stays
    const Tensor grad = output.grad();
    FULCRUM_CHECK(grad.defined(), "internal: node {} has no gradient in backward()", fn->name);
    fn->backward(output, grad, fn->inputs);
    // Free the graph as we go (no retain_graph): intermediate gradients and
    // saved inputs go back to the pool for the next step.
    node->grad.reset();
    node->grad_fn.reset();
    node->graph_freed = true;
  }
}

}  // namespace

void Tensor::backward() const {
  FULCRUM_CHECK(numel() == 1,
                "backward() without a gradient needs a one-element tensor, got shape {} "
                "(reduce it with sum() or mean(), or pass grad_output)",
                fulcrum::to_string(shape()));
  backward_from(*this, Tensor::ones(shape()));
}

void Tensor::backward(const Tensor& grad_output) const {
  // A copy: the caller keeps grad_output, and the root's gradient must not
  // change it.
  backward_from(*this, grad_output.defined() ? grad_output.clone() : grad_output);
}

}  // namespace fulcrum
