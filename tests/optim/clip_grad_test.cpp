// clip_grad_norm against torch.nn.utils.clip_grad_norm_'s definition, on
// gradients whose norms are easy to work out: [3, 4] and [-12] have
// 2-norm 13, 1-norm 19 and infinity norm 12.

#include "fulcrum/optim/clip_grad.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/parallel.hpp"
#include "optim_test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::optim {
namespace {

using fulcrum::testing::expect_error;

using test::expect_bitwise_equal;

struct TwoParams {
  Tensor a = Tensor::zeros({2}).requires_grad_();
  Tensor b = Tensor::zeros({1, 1}).requires_grad_();
  TwoParams() {
    a.set_grad(Tensor::from({2}, {3.0f, 4.0f}));
    b.set_grad(Tensor::from({1, 1}, {-12.0f}));
  }
  std::vector<Tensor> params() const { return {a, b}; }
};

void expect_scaled(const TwoParams& m, double factor) {
  EXPECT_FLOAT_EQ(m.a.grad().data()[0], static_cast<float>(3.0 * factor));
  EXPECT_FLOAT_EQ(m.a.grad().data()[1], static_cast<float>(4.0 * factor));
  EXPECT_FLOAT_EQ(m.b.grad().data()[0], static_cast<float>(-12.0 * factor));
}

TEST(ClipGradNorm, ScalesGradientsDownToMaxNorm) {
  TwoParams m;
  EXPECT_DOUBLE_EQ(clip_grad_norm(m.params(), 6.5), 13.0);
  expect_scaled(m, 6.5 / (13.0 + 1e-6));
}

TEST(ClipGradNorm, LeavesSmallGradientsUntouched) {
  TwoParams m;
  const Tensor a_grad = m.a.grad().clone(), b_grad = m.b.grad().clone();
  EXPECT_DOUBLE_EQ(clip_grad_norm(m.params(), 100.0), 13.0);
  expect_bitwise_equal(m.a.grad(), a_grad, "a.grad");
  expect_bitwise_equal(m.b.grad(), b_grad, "b.grad");
  // At max_norm == total the factor 13 / (13 + 1e-6) is below 1: PyTorch clips.
  EXPECT_DOUBLE_EQ(clip_grad_norm(m.params(), 13.0), 13.0);
  expect_scaled(m, 13.0 / (13.0 + 1e-6));
}

TEST(ClipGradNorm, InfinityNormIsTheLargestMagnitude) {
  TwoParams m;
  EXPECT_DOUBLE_EQ(clip_grad_norm(m.params(), 6.0, kInfNorm), 12.0);
  expect_scaled(m, 6.0 / (12.0 + 1e-6));
}

TEST(ClipGradNorm, OneNormAndGeneralP) {
  TwoParams m1;
  EXPECT_DOUBLE_EQ(clip_grad_norm(m1.params(), 1e3, 1.0), 19.0);
  TwoParams m3;
  EXPECT_NEAR(clip_grad_norm(m3.params(), 1e3, 3.0), std::cbrt(27.0 + 64.0 + 1728.0), 1e-12);
}

TEST(ClipGradNorm, IgnoresParametersWithoutGradient) {
  TwoParams m;
  Tensor no_grad = Tensor::ones({5}).requires_grad_();
  std::vector<Tensor> params = m.params();
  params.push_back(no_grad);
  EXPECT_DOUBLE_EQ(clip_grad_norm(params, 100.0), 13.0);
  EXPECT_FALSE(no_grad.grad().defined());
  EXPECT_EQ(clip_grad_norm({no_grad}, 1.0), 0.0);
}

void expect_non_finite_error(float bad, const std::string& word) {
  TwoParams m;
  m.b.grad().data()[0] = bad;
  const Tensor a_grad = m.a.grad().clone();
  try {
    clip_grad_norm(m.params(), 1.0);
    ADD_FAILURE() << "no error for a " << word << " gradient";
  } catch (const ValueError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("gradient norm is " + word), std::string::npos) << message;
    EXPECT_NE(message.find("parameter 1"), std::string::npos) << message;
  }
  expect_bitwise_equal(m.a.grad(), a_grad, "a.grad after the error");
}

TEST(ClipGradNorm, NanGradientIsAnError) {
  expect_non_finite_error(std::numeric_limits<float>::quiet_NaN(), "nan");
}

TEST(ClipGradNorm, InfGradientIsAnError) {
  expect_non_finite_error(std::numeric_limits<float>::infinity(), "inf");
}

TEST(ClipGradNorm, NanIsNotHiddenByTheInfinityNorm) {
  TwoParams m;
  m.a.grad().data()[0] = std::numeric_limits<float>::quiet_NaN();
  expect_error<ValueError>([&] { clip_grad_norm(m.params(), 1.0, kInfNorm); },
                           {"gradient norm is nan", "inf-norm",
                            "the first non-finite gradient is that of parameter 0 (shape [2])"});
}

TEST(ClipGradNorm, RejectsInvalidArguments) {
  TwoParams m;
  expect_error<ValueError>([&] { clip_grad_norm(m.params(), -1.0); },
                           {"clip_grad_norm: invalid max_norm = -1"});
  expect_error<ValueError>([&] { clip_grad_norm(m.params(), std::nan("")); },
                           {"clip_grad_norm: invalid max_norm = nan"});
  expect_error<ValueError>([&] { clip_grad_norm(m.params(), 1.0, 0.0); },
                           {"clip_grad_norm: invalid norm_type = 0"});
  expect_error<ValueError>([&] { clip_grad_norm(m.params(), 1.0, -2.0); },
                           {"clip_grad_norm: invalid norm_type = -2"});
}

// A gradient spread over many blocks: the sum is exact where it can be, and
// the same, bit for bit, for any number of threads.
TEST(ClipGradNorm, LargeGradientIsExactAndThreadIndependent) {
  constexpr int64_t n = 8 * kParallelGrain + 3;
  Tensor halves = Tensor::zeros({n}).requires_grad_();
  halves.set_grad(Tensor::full({n}, 0.5f));
  EXPECT_DOUBLE_EQ(clip_grad_norm({halves}, 1e9), std::sqrt(0.25 * static_cast<double>(n)));

  Tensor p = Tensor::zeros({n}).requires_grad_();
  p.set_grad(test::wavy({n}, 1));
  const int threads = num_threads();
  set_num_threads(1);
  const double one_thread = clip_grad_norm({p}, 1e9);
  set_num_threads(std::max(2, threads));
  const double many_threads = clip_grad_norm({p}, 1e9);
  set_num_threads(threads);
  EXPECT_EQ(one_thread, many_threads);
}

}  // namespace
}  // namespace fulcrum::optim
