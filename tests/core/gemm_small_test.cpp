// The small-product loops (core/src/gemm_small.hpp): each output is one
// in-order fma chain over k, for every shape and layout they take; on the
// shapes routed to them, the same bits as the GEMM library they replace; and
// linear's gradients through them do not depend on the thread count.

#include "gemm_small.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "gemm.hpp"

namespace fulcrum {
namespace {

using detail::GemmOperand;

struct Product {
  int64_t m, n, k;
  bool a_transposed, b_transposed;

  std::string name() const {
    return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
           (a_transposed ? " A^T" : "") + (b_transposed ? " B^T" : "");
  }
};

// Operands of a product, filled from a seed, stored as the layout says.
struct Operands {
  std::vector<float> a, b;
  GemmOperand lhs, rhs;

  Operands(const Product& p, uint64_t seed) {
    Generator gen(seed);
    a = normal({p.m * p.k}, 0.0f, 1.0f, gen).to_vector();
    b = normal({p.k * p.n}, 0.0f, 1.0f, gen).to_vector();
    lhs = {a.data(), p.a_transposed ? p.m : p.k, p.a_transposed};
    rhs = {b.data(), p.b_transposed ? p.k : p.n, p.b_transposed};
  }
  float a_at(const Product& p, int64_t i, int64_t q) const {
    return p.a_transposed ? a[q * p.m + i] : a[i * p.k + q];
  }
  float b_at(const Product& p, int64_t q, int64_t j) const {
    return p.b_transposed ? b[j * p.k + q] : b[q * p.n + j];
  }
};

// Every output as c = fma(A[i, q], B[q, j], c) for q = 0, 1, ..., k - 1 from c = 0.
std::vector<float> chained(const Product& p, const Operands& x) {
  std::vector<float> c(static_cast<size_t>(p.m * p.n));
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      float sum = 0.0f;
      for (int64_t q = 0; q < p.k; ++q) sum = std::fma(x.a_at(p, i, q), x.b_at(p, q, j), sum);
      c[static_cast<size_t>(i * p.n + j)] = sum;
    }
  return c;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Sizes on both sides of each tile edge (1 and 16 lanes, 64-column tiles, 4
// and 8 row tiles), for each layout small_gemm takes.
std::vector<Product> edge_shapes() {
  std::vector<Product> out;
  for (const auto& [a_t, b_t] : {std::pair{false, false}, {true, false}, {false, true}})
    for (int64_t m : {1, 3, 5, 16, 17, 35})
      for (int64_t n : {2, 3, 8, 17, 64, 81})
        for (int64_t k : {1, 3, 16, 19, 256}) out.push_back({m, n, k, a_t, b_t});
  return out;
}

TEST(SmallGemm, EveryOutputIsOneInOrderFmaChain) {
  uint64_t seed = 0;
  for (const Product& p : edge_shapes()) {
    const Operands x(p, ++seed);
    // Garbage in the output first: every element must be written.
    std::vector<float> c(static_cast<size_t>(p.m * p.n), std::nanf(""));
    detail::small_gemm(p.m, p.n, p.k, x.lhs, x.rhs, c.data(), p.n);
    EXPECT_TRUE(same_bits(c, chained(p, x))) << p.name();
  }
}

TEST(SmallGemm, WritesOnlyItsBlockOfALargerOutput) {
  const Product p{20, 3, 40, false, true};
  const Operands x(p, 7);
  const int64_t ldc = 5;  // the product fills columns [0, 3) of a [20, 5] matrix
  std::vector<float> c(static_cast<size_t>(p.m * ldc), -1.0f);
  detail::small_gemm(p.m, p.n, p.k, x.lhs, x.rhs, c.data(), ldc);
  const std::vector<float> expected = chained(p, x);
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < ldc; ++j) {
      const float value = c[static_cast<size_t>(i * ldc + j)];
      if (j < p.n)
        EXPECT_EQ(value, expected[static_cast<size_t>(i * p.n + j)]) << i << ", " << j;
      else
        EXPECT_EQ(value, -1.0f) << "wrote outside its columns at " << i << ", " << j;
    }
}

// The forward, input-gradient and weight-gradient products of the benchmark
// heads and small layers (bench/step_bench.cpp), at full and at short batches.
std::vector<Product> head_products() {
  std::vector<Product> out;
  for (int64_t batch : {16, 28, 32, 64, 128})
    for (const auto& [in, outputs] : {std::pair<int64_t, int64_t>{256, 3},
                                      {256, 10},
                                      {64, 8},
                                      {256, 14},
                                      {103, 14},
                                      {128, 2}}) {
      out.push_back({batch, outputs, in, false, true});   // forward: X W^T
      out.push_back({batch, in, outputs, false, false});  // dX = G W
      out.push_back({outputs, in, batch, true, false});   // dW = G^T X
    }
  return out;
}

TEST(SmallGemm, RoutedProductsGiveTheLibrarysBits) {
  if (std::string(detail::gemm_library()) != "onednn")
    GTEST_SKIP() << "the bits are oneDNN's; this build multiplies with " << detail::gemm_library();
  int routed = 0;
  uint64_t seed = 100;
  for (const Product& p : head_products()) {
    const Operands x(p, ++seed);
    if (!detail::small_gemm_pays(p.m, p.n, p.k, x.lhs, x.rhs)) continue;
    ++routed;
    std::vector<float> library(static_cast<size_t>(p.m * p.n)), small(library.size());
    detail::gemm(p.m, p.n, p.k, x.lhs, x.rhs, 0.0f, library.data(), p.n);
    detail::small_gemm(p.m, p.n, p.k, x.lhs, x.rhs, small.data(), p.n);
    EXPECT_TRUE(same_bits(small, library)) << p.name();
  }
#if defined(__AVX512F__)
  EXPECT_GT(routed, 0) << "no benchmark head product goes to the small loops";
#endif
}

TEST(SmallGemm, HeadGradientsDoNotDependOnTheThreadCount) {
  Generator gen(3);
  const Tensor x = normal({128, 256}, 0.0f, 1.0f, gen);
  const Tensor w = normal({3, 256}, 0.0f, 0.1f, gen), b = normal({3}, 0.0f, 0.1f, gen);
  const auto gradients = [&](int threads) {
    set_num_threads(threads);
    Tensor input = x.clone().requires_grad_(), weight = w.clone().requires_grad_();
    sum(mul(log_softmax(linear(input, weight, b), 1), Tensor::scalar(-1))).backward();
    return concat({reshape(input.grad(), {-1}), reshape(weight.grad(), {-1})}, 0).to_vector();
  };
  const std::vector<float> one = gradients(1), two = gradients(2);
  set_num_threads(0);
  EXPECT_TRUE(same_bits(one, two));
}

TEST(SmallGemm, AnInputOfSeveralHeadsGetsTheSumOfTheirGradients) {
  // The second head's input gradient is added into the first's in place;
  // the result must be the plain sum of the two, bit for bit.
  Generator gen(4);
  const Tensor x = normal({64, 256}, 0.0f, 1.0f, gen);
  const Tensor w1 = normal({3, 256}, 0.0f, 0.1f, gen), w2 = normal({5, 256}, 0.0f, 0.1f, gen);
  const Tensor c1 = normal({64, 3}, 0.0f, 1.0f, gen), c2 = normal({64, 5}, 0.0f, 1.0f, gen);
  const auto head_loss = [](const Tensor& input, const Tensor& w, const Tensor& c) {
    return sum(mul(linear(input, w, Tensor()), c));
  };
  Tensor both = x.clone().requires_grad_();
  add(head_loss(both, w1, c1), head_loss(both, w2, c2)).backward();
  Tensor first = x.clone().requires_grad_(), second = x.clone().requires_grad_();
  head_loss(first, w1, c1).backward();
  head_loss(second, w2, c2).backward();
  EXPECT_TRUE(same_bits(both.grad().to_vector(), add(first.grad(), second.grad()).to_vector()));
}

}  // namespace
}  // namespace fulcrum
