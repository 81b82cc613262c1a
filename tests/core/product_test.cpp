// The threaded product behind matmul and linear (core/src/product.hpp): how
// it cuts an output into blocks, that every grid gives the product with its
// epilogue (bias, ReLU) applied to every element once, and that a grid's
// result does not depend on the thread count.

#include "product.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"

namespace fulcrum {
namespace {

using detail::choose_grid;
using detail::Epilogue;
using detail::GemmOperand;
using detail::Grid;

std::string describe(Grid grid) {
  return std::to_string(grid.rows) + " x " + std::to_string(grid.cols);
}

TEST(ProductGrid, CutsTheLongerSideSoTheSmallerOperandIsPackedAgain) {
  // A wide output cut in columns packs op(a) twice; cut in rows it would pack
  // the larger op(b) twice.
  EXPECT_EQ(describe(choose_grid(512, 2048, 2)), "1 x 2");
  EXPECT_EQ(describe(choose_grid(2048, 1024, 2)), "2 x 1");
  EXPECT_EQ(describe(choose_grid(512, 2048, 4)), "1 x 4");
}

TEST(ProductGrid, ManyBlocksMakeATwoDimensionalGrid) {
  // 16 blocks of [512, 2048]: 2 x 8 packs 2 * 2048 + 8 * 512 rows' worth,
  // less than 1 x 16 (2048 + 16 * 512) or 4 x 4 (4 * 2048 + 4 * 512).
  EXPECT_EQ(describe(choose_grid(512, 2048, 16)), "2 x 8");
  EXPECT_EQ(describe(choose_grid(1024, 1024, 4)), "2 x 2");
}

TEST(ProductGrid, BlocksStayAtLeast32OnEachSide) {
  EXPECT_EQ(describe(choose_grid(40, 2048, 4)), "1 x 4");  // 40 rows cannot be halved
  EXPECT_EQ(describe(choose_grid(40, 40, 4)), "1 x 1");    // nothing fits: one block
  // 16 blocks of a [40, 400] output would be 25 columns wide: 12 blocks are the most that fit.
  EXPECT_EQ(describe(choose_grid(40, 400, 16)), "1 x 12");
  EXPECT_EQ(describe(choose_grid(100, 3000, 1)), "1 x 1");
}

struct Case {
  int64_t m, n, k;
  bool a_transposed, b_transposed;
  Grid grid;
  Epilogue epilogue;  // bias filled in by the test when set

  std::string name() const {
    return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
           (a_transposed ? " A^T" : "") + (b_transposed ? " B^T" : "") + " on " + describe(grid) +
           (epilogue.bias ? " +bias" : "") + (epilogue.relu ? " relu" : "");
  }
};

// The product in double, with the epilogue, as the reference.
std::vector<double> reference(const Case& c, const std::vector<float>& a,
                              const std::vector<float>& b, const std::vector<float>& bias) {
  std::vector<double> out(static_cast<size_t>(c.m * c.n));
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < c.n; ++j) {
      double sum = 0;
      for (int64_t q = 0; q < c.k; ++q) {
        const float av = c.a_transposed ? a[q * c.m + i] : a[i * c.k + q];
        const float bv = c.b_transposed ? b[j * c.k + q] : b[q * c.n + j];
        sum += static_cast<double>(av) * bv;
      }
      if (c.epilogue.bias != nullptr) sum += bias[static_cast<size_t>(j)];
      if (c.epilogue.relu) sum = std::max(sum, 0.0);
      out[static_cast<size_t>(i * c.n + j)] = sum;
    }
  return out;
}

std::vector<float> run(const Case& c, const std::vector<float>& a, const std::vector<float>& b) {
  const GemmOperand lhs{a.data(), c.a_transposed ? c.m : c.k, c.a_transposed};
  const GemmOperand rhs{b.data(), c.b_transposed ? c.k : c.n, c.b_transposed};
  std::vector<float> out(static_cast<size_t>(c.m * c.n), std::nanf(""));  // all must be written
  detail::product_on_grid(c.m, c.n, c.k, lhs, rhs, out.data(), c.epilogue, c.grid);
  return out;
}

TEST(ProductOnGrid, EveryGridGivesTheProductWithItsEpilogue) {
  Generator gen(3);
  const std::vector<float> bias = normal({97}, 0.0f, 1.0f, gen).to_vector();
  std::vector<Case> cases;
  for (const Grid grid : {Grid{1, 1}, Grid{2, 1}, Grid{1, 3}, Grid{2, 2}, Grid{3, 2}})
    for (const auto& [a_t, b_t] : {std::pair{false, false}, {true, false}, {false, true}})
      for (const Epilogue epilogue : {Epilogue{}, Epilogue{bias.data(), false},
                                      Epilogue{bias.data(), true}, Epilogue{nullptr, true}})
        cases.push_back({70, 97, 45, a_t, b_t, grid, epilogue});
  for (const Case& c : cases) {
    const std::vector<float> a = normal({c.m * c.k}, 0.0f, 1.0f, gen).to_vector();
    const std::vector<float> b = normal({c.k * c.n}, 0.0f, 1.0f, gen).to_vector();
    const std::vector<float> got = run(c, a, b);
    const std::vector<double> want = reference(c, a, b, bias);
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_NEAR(got[i], want[i], 1e-4 * (1 + std::abs(want[i]))) << c.name() << " at " << i;
  }
}

TEST(ProductOnGrid, AGridGivesTheSameBitsWithAnyThreadCount) {
  Generator gen(4);
  const std::vector<float> bias = normal({300}, 0.0f, 1.0f, gen).to_vector();
  const Case c{260, 300, 200, false, true, Grid{2, 3}, Epilogue{bias.data(), true}};
  const std::vector<float> a = normal({c.m * c.k}, 0.0f, 1.0f, gen).to_vector();
  const std::vector<float> b = normal({c.k * c.n}, 0.0f, 1.0f, gen).to_vector();
  set_num_threads(1);
  const std::vector<float> one = run(c, a, b);
  for (int threads : {2, 3, 4}) {
    set_num_threads(threads);
    const std::vector<float> many = run(c, a, b);
    EXPECT_EQ(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)), 0)
        << c.name() << " with " << threads << " threads";
  }
  set_num_threads(0);
}

}  // namespace
}  // namespace fulcrum
