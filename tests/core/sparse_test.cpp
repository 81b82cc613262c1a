// CsrMatrix and sparse_linear: the op against the dense linear on the same
// matrix (with and without a shift), its finite-difference gradient, and the
// CSR bookkeeping (gathering rows, slicing, validation).

#include "fulcrum/core/sparse.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <tuple>
#include <vector>

#include "expect.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "support/gradcheck.hpp"

namespace fulcrum {
namespace {

using testing::expect_contains;

// A [rows, cols] matrix with about `density` non-zeros, values in [-2, 2].
CsrMatrix random_csr(int64_t rows, int64_t cols, float density, Generator& gen) {
  CsrMatrix x(cols);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j)
      if (gen.uniform(0.0f, 1.0f) < density) x.push_back(j, gen.uniform(-2.0f, 2.0f));
    x.end_row();
  }
  return x;
}

void expect_close(const Tensor& got, const Tensor& want, double tol) {
  ASSERT_EQ(got.shape(), want.shape());
  for (int64_t i = 0; i < got.numel(); ++i)
    EXPECT_NEAR(got.data()[i], want.data()[i], tol) << "element " << i;
}

// Forward and both gradients of sparse_linear equal those of linear on x.to_dense().
void check_against_dense(const std::shared_ptr<CsrMatrix>& x, Generator& gen) {
  const Tensor w = uniform({5, x->cols}, -1.0f, 1.0f, gen).requires_grad_();
  const Tensor b = uniform({5}, -1.0f, 1.0f, gen).requires_grad_();
  const Tensor w2 = w.detach().clone().requires_grad_();
  const Tensor b2 = b.detach().clone().requires_grad_();
  const Tensor r = uniform({x->rows, 5}, -1.0f, 1.0f, gen);

  const Tensor y = sparse_linear(x, w, b);
  const Tensor y_dense = linear(x->to_dense(), w2, b2);
  expect_close(y, y_dense, 1e-5);
  sum(y * r).backward();
  sum(y_dense * r).backward();
  expect_close(w.grad(), w2.grad(), 1e-5);
  expect_close(b.grad(), b2.grad(), 1e-5);
}

TEST(SparseLinear, MatchesDenseLinear) {
  Generator gen(3);
  check_against_dense(std::make_shared<CsrMatrix>(random_csr(7, 11, 0.3f, gen)), gen);
}

TEST(SparseLinear, MatchesDenseLinearWithShift) {
  Generator gen(4);
  auto x = std::make_shared<CsrMatrix>(random_csr(7, 11, 0.3f, gen));
  x->shift = uniform({11}, -1.0f, 1.0f, gen);
  check_against_dense(x, gen);
}

TEST(SparseLinear, EmptyRowsAndNoBias) {
  Generator gen(5);
  auto x = std::make_shared<CsrMatrix>(4);
  x->end_row();  // a row with no entries gives the bias alone (here 0)
  x->push_back(2, 3.0f);
  x->end_row();
  const Tensor w = uniform({3, 4}, -1.0f, 1.0f, gen);
  const Tensor y = sparse_linear(x, w, Tensor());
  expect_close(y, linear(x->to_dense(), w, Tensor()), 1e-6);
}

TEST(SparseLinear, FiniteDifferenceGradient) {
  Generator gen(6);
  auto x = std::make_shared<CsrMatrix>(random_csr(4, 6, 0.4f, gen));
  x->shift = uniform({6}, -1.0f, 1.0f, gen);
  // The reference: the dense, shifted input through a float64 linear layer.
  const testing::ref::Array dense = testing::ref::from(x->to_dense());
  testing::gradcheck([x](const std::vector<Tensor>& in) { return sparse_linear(x, in[0], in[1]); },
                     [dense](const std::vector<testing::ref::Array>& in) {
                       return testing::ref::linear(dense, in[0], in[1]);
                     },
                     {uniform({3, 6}, -1.0f, 1.0f, gen).requires_grad_(),
                      uniform({3}, -1.0f, 1.0f, gen).requires_grad_()},
                     "sparse_linear");
}

TEST(SparseLinear, ParallelMatchesSerialBitForBit) {
  // Wide enough that the products split across threads.
  Generator gen(8);
  auto x = std::make_shared<CsrMatrix>(random_csr(64, 900, 0.05f, gen));
  x->shift = uniform({900}, -1.0f, 1.0f, gen);
  Tensor w = uniform({256, 900}, -0.1f, 0.1f, gen).requires_grad_();
  const auto run = [&](int threads) {
    set_num_threads(threads);
    w.zero_grad();
    const Tensor y = sparse_linear(x, w, Tensor());
    sum(y * y).backward();
    return std::make_pair(y.to_vector(), w.grad().to_vector());
  };
  const int before = num_threads();
  const auto one = run(1);
  const auto two = run(2);
  set_num_threads(before);
  EXPECT_EQ(one.first, two.first);
  EXPECT_EQ(one.second, two.second);
}

TEST(SparseLinear, OneTwoAndThreeThreadsGiveTheSameBits) {
  // Odd sizes: the last tile of columns is partial, the rows split unevenly,
  // and a row of W^T is not a whole number of vectors.
  Generator gen(10);
  for (const bool shifted : {false, true}) {
    auto x = std::make_shared<CsrMatrix>(random_csr(97, 1203, 0.04f, gen));
    if (shifted) x->shift = uniform({1203}, -1.0f, 1.0f, gen);
    Tensor w = uniform({131, 1203}, -0.1f, 0.1f, gen).requires_grad_();
    Tensor b = uniform({131}, -0.1f, 0.1f, gen).requires_grad_();
    const Tensor r = uniform({97, 131}, -1.0f, 1.0f, gen);
    const auto run = [&](int threads) {
      set_num_threads(threads);
      w.zero_grad();
      b.zero_grad();
      const Tensor y = sparse_linear(x, w, b);
      sum(y * r).backward();
      return std::make_tuple(y.to_vector(), w.grad().to_vector(), b.grad().to_vector());
    };
    const int before = num_threads();
    const auto one = run(1);
    const auto two = run(2);
    const auto three = run(3);
    set_num_threads(before);
    EXPECT_EQ(one, two) << "shifted = " << shifted;
    EXPECT_EQ(one, three) << "shifted = " << shifted;
  }
}

TEST(SparseLinear, RefusesAWrongWidth) {
  auto x = std::make_shared<CsrMatrix>(4);
  x->end_row();
  try {
    sparse_linear(x, Tensor::zeros({3, 5}), Tensor());
    FAIL() << "expected a ShapeError";
  } catch (const ShapeError& e) {
    expect_contains(e.what(), {"[1, 4]", "in_features = 5", "[3, 5]"});
  }
}

TEST(CsrMatrix, AssignRowsGathersAndReusesStorage) {
  Generator gen(9);
  const CsrMatrix source = random_csr(10, 8, 0.5f, gen);
  CsrMatrix batch;
  const std::vector<int64_t> rows{7, 2, 2, 0};
  batch.assign_rows(source, rows);
  batch.validate("batch");
  const Tensor dense = source.to_dense(), got = batch.to_dense();
  for (size_t i = 0; i < rows.size(); ++i)
    for (int64_t j = 0; j < 8; ++j)
      EXPECT_EQ(got.data()[static_cast<int64_t>(i) * 8 + j], dense.data()[rows[i] * 8 + j]);
  const float* storage = batch.values.data();
  const std::vector<int64_t> fewer{2, 0};
  batch.assign_rows(source, fewer);
  EXPECT_EQ(batch.values.data(), storage) << "a smaller batch should reuse the vectors";
}

TEST(CsrMatrix, SliceAndRoundTrip) {
  Generator gen(10);
  const CsrMatrix x = random_csr(6, 5, 0.4f, gen);
  const CsrMatrix back = CsrMatrix::from_dense(x.to_dense());
  EXPECT_EQ(back.columns, x.columns);
  EXPECT_EQ(back.values, x.values);
  EXPECT_EQ(back.row_offsets, x.row_offsets);
  const CsrMatrix middle = x.slice_rows(2, 5);
  middle.validate("slice");
  expect_close(middle.to_dense(), slice(x.to_dense(), 0, 2, 5), 0.0);
}

TEST(CsrMatrix, ValidateNamesTheProblem) {
  CsrMatrix x(3);
  x.push_back(2, 1.0f);
  x.push_back(1, 1.0f);
  x.end_row();
  try {
    x.validate("features");
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    expect_contains(e.what(), {"features", "row 0", "not strictly increasing"});
  }
}

}  // namespace
}  // namespace fulcrum
