// NumPy broadcasting rules: the broadcast shape of two shapes, whether one
// shape broadcasts to another, and the errors ops give when shapes do not fit.

#include <gtest/gtest.h>

#include "expect.hpp"
#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/shape.hpp"

namespace fulcrum {
namespace {

using testing::error_message;
using testing::expect_contains;

struct BroadcastRow {
  Shape a, b, want;
};

TEST(Broadcast, ShapesAlignFromTheRight) {
  const std::vector<BroadcastRow> rows = {
      {{3, 4}, {3, 4}, {3, 4}},
      {{3, 4}, {4}, {3, 4}},
      {{4}, {3, 4}, {3, 4}},
      {{3, 1}, {1, 4}, {3, 4}},
      {{}, {2, 3}, {2, 3}},
      {{2, 3}, {}, {2, 3}},
      {{}, {}, {}},
      {{5, 1, 4}, {3, 1}, {5, 3, 4}},
      {{8, 1, 6, 1}, {7, 1, 5}, {8, 7, 6, 5}},  // the NumPy documentation's example
      {{1}, {0}, {0}},
      {{2, 0}, {1, 1}, {2, 0}},
  };
  for (const auto& r : rows)
    EXPECT_EQ(broadcast_shapes(r.a, r.b), r.want)
        << to_string(r.a) << " with " << to_string(r.b);
}

TEST(Broadcast, MismatchNamesBothShapesAndTheDimension) {
  const std::string msg =
      error_message<ShapeError>([] { broadcast_shapes({3, 4}, {3}, "add"); });
  expect_contains(msg, {"add", "[3, 4]", "[3]", "dimension 1"});
  expect_contains(error_message<ShapeError>([] { broadcast_shapes({2, 3, 4}, {5, 1}); }),
                  {"[2, 3, 4]", "[5, 1]", "dimension 1"});
  expect_contains(error_message<ShapeError>([] { broadcast_shapes({0}, {2}); }),
                  {"[0]", "[2]", "size 0 vs 2 at dimension 0"});
}

TEST(Broadcast, BinaryOpsReportMismatches) {
  const Tensor a = Tensor::zeros({3, 4});
  const Tensor b = Tensor::zeros({3});
  expect_contains(error_message<ShapeError>([&] { add(a, b); }), {"add", "[3, 4]", "[3]"});
  expect_contains(error_message<ShapeError>([&] { sub(a, b); }), {"sub", "[3, 4]", "[3]"});
  expect_contains(error_message<ShapeError>([&] { mul(a, b); }), {"mul", "[3, 4]", "[3]"});
  expect_contains(error_message<ShapeError>([&] { div(b, a); }), {"div", "[3, 4]", "[3]"});
  expect_contains(error_message<ShapeError>([&] { pow(a, b); }), {"pow", "[3, 4]", "[3]"});
}

TEST(Broadcast, BroadcastsToNeverEnlargesTheTarget) {
  EXPECT_TRUE(broadcasts_to({4}, {3, 4}));
  EXPECT_TRUE(broadcasts_to({1, 4}, {3, 4}));
  EXPECT_TRUE(broadcasts_to({}, {3, 4}));
  EXPECT_TRUE(broadcasts_to({3, 4}, {3, 4}));
  EXPECT_TRUE(broadcasts_to({3, 1}, {2, 3, 4}));
  EXPECT_FALSE(broadcasts_to({3, 4}, {4}));
  EXPECT_FALSE(broadcasts_to({3, 4}, {1, 4}));  // would need the target to grow
  EXPECT_FALSE(broadcasts_to({2}, {3}));
  EXPECT_FALSE(broadcasts_to({3, 1}, {3}));
}

TEST(Broadcast, GradientsOfBroadcastInputsAreSummed) {
  // out[i, j] = a[i, 0] * b[j]; d sum / d a[i] = sum_j b[j], d/d b[j] = sum_i a[i].
  Tensor a = Tensor::from({2, 1}, {1, 2}).requires_grad_();
  Tensor b = Tensor::from({3}, {10, 20, 30}).requires_grad_();
  sum(mul(a, b)).backward();
  testing::expect_tensor(a.grad(), {2, 1}, {60, 60});
  testing::expect_tensor(b.grad(), {3}, {3, 3, 3});
}

TEST(ShapeHelpers, NumelStringsStridesAndDims) {
  EXPECT_EQ(numel({}), 1);
  EXPECT_EQ(numel({2, 3, 4}), 24);
  EXPECT_EQ(numel({2, 0}), 0);
  EXPECT_EQ(to_string({}), "[]");
  EXPECT_EQ(to_string({2, 3}), "[2, 3]");
  EXPECT_EQ(contiguous_strides({2, 3, 4}), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(wrap_dim(-1, 3, "t"), 2);
  EXPECT_EQ(wrap_dim(-3, 3, "t"), 0);
  EXPECT_EQ(wrap_dim(2, 3, "t"), 2);
  EXPECT_EQ(wrap_dim(-1, 0, "t"), 0);  // a scalar accepts 0 and -1, as in PyTorch
  expect_contains(error_message<ShapeError>([] { wrap_dim(3, 3, "myop"); }), {"myop", "3"});
  expect_contains(error_message<ShapeError>([] { wrap_dim(-4, 3, "t"); }),
                  {"t: dimension -4 is out of range", "(expected -3 to 2)"});
}

}  // namespace
}  // namespace fulcrum
