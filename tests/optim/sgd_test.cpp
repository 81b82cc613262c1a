// SGD against values worked out by hand from torch.optim.SGD's algorithm.
// Every case starts at p = [1, -2] with lr = 0.1 and the gradients
//   g1 = [0.5, 1],  g2 = [-1, 0.25],  g3 = [2, -0.5].

#include <vector>

#include <gtest/gtest.h>

#include "fulcrum/optim/sgd.hpp"
#include "optim_test_util.hpp"

namespace fulcrum::optim {
namespace {

using test::expect_bitwise_equal;
using test::wavy;

// Runs three steps and checks the parameter after each one.
void expect_trajectory(const SGDOptions& options, const std::vector<std::vector<float>>& want) {
  Tensor p = Tensor::from({2}, {1.0f, -2.0f}).requires_grad_();
  SGD optimizer({p}, options);
  const std::vector<Tensor> grads{Tensor::from({2}, {0.5f, 1.0f}),
                                  Tensor::from({2}, {-1.0f, 0.25f}),
                                  Tensor::from({2}, {2.0f, -0.5f})};
  for (size_t k = 0; k < grads.size(); ++k) {
    p.set_grad(grads[k]);
    optimizer.step();
    for (size_t j = 0; j < 2; ++j)
      EXPECT_NEAR(p.data()[j], want[k][j], 1e-6) << "step " << k + 1 << ", element " << j;
  }
  EXPECT_EQ(optimizer.step_count(), 3);
}

TEST(SGD, PlainWithWeightDecayMatchesHandComputation) {
  // d = g + 0.1 p;  p -= 0.1 d
  // step 1: d = [0.6, 0.8]          p = [0.94, -2.08]
  // step 2: d = [-0.906, 0.042]     p = [1.0306, -2.0842]
  // step 3: d = [2.10306, -0.70842] p = [0.820294, -2.013358]
  expect_trajectory({.lr = 0.1, .weight_decay = 0.1},
                    {{0.94f, -2.08f}, {1.0306f, -2.0842f}, {0.820294f, -2.013358f}});
}

TEST(SGD, MomentumWithDampeningMatchesHandComputation) {
  // buf = g at the first step (no dampening there), then buf = 0.9 buf + 0.5 g;
  // p -= 0.1 buf
  // step 1: buf = [0.5, 1]          p = [0.95, -2.1]
  // step 2: buf = [-0.05, 1.025]    p = [0.955, -2.2025]
  // step 3: buf = [0.955, 0.6725]   p = [0.8595, -2.26975]
  expect_trajectory({.lr = 0.1, .momentum = 0.9, .dampening = 0.5},
                    {{0.95f, -2.1f}, {0.955f, -2.2025f}, {0.8595f, -2.26975f}});
}

TEST(SGD, NesterovWithWeightDecayMatchesHandComputation) {
  // d = g + 0.1 p; buf = d, then buf = 0.9 buf + d; p -= 0.1 (d + 0.9 buf)
  // step 1: d = [0.6, 0.8]          buf = [0.6, 0.8]          p = [0.886, -2.152]
  // step 2: d = [-0.9114, 0.0348]   buf = [-0.3714, 0.7548]   p = [1.010566, -2.223412]
  // step 3: d = [2.1010566, -0.7223412]  buf = [1.7667966, -0.0430212]
  //         p = [0.641448646, -2.147305972]
  expect_trajectory({.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1, .nesterov = true},
                    {{0.886f, -2.152f}, {1.010566f, -2.223412f}, {0.641448646f, -2.147305972f}});
}

TEST(SGD, ParameterWithoutGradientIsSkipped) {
  Tensor a = wavy({3}, 1).requires_grad_();
  Tensor b = wavy({2}, 2).requires_grad_();
  const Tensor b_start = b.clone();
  SGD optimizer({a, b}, {.lr = 0.1, .momentum = 0.9});
  a.set_grad(wavy({3}, 3));
  optimizer.step();
  expect_bitwise_equal(b, b_start, "parameter without a gradient");
  const OptimizerState state = optimizer.state();
  ASSERT_EQ(state.size(), 2u);  // "step" and parameter 0's momentum buffer
  EXPECT_EQ(state[1].first, "state.0.momentum_buffer");
}

TEST(SGD, WithoutMomentumKeepsNoState) {
  Tensor p = wavy({3}, 1).requires_grad_();
  SGD optimizer({p}, {.lr = 0.1});
  p.set_grad(wavy({3}, 2));
  optimizer.step();
  const OptimizerState state = optimizer.state();
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].first, "step");
  EXPECT_EQ(state[0].second.item(), 1.0f);
}

}  // namespace
}  // namespace fulcrum::optim
