// Adam and AdamW against torch.optim (tests/data/golden/adam.json): every case,
// every step.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "fulcrum/optim/adam.hpp"
#include "support/golden.hpp"

namespace fulcrum::optim {
namespace {

using testing::expect_close;
using testing::kOpAtol;
using testing::kOpRtol;
using testing::load_golden;
using testing::tensor_from_json;

std::unique_ptr<Optimizer> make_optimizer(const nlohmann::json& c, const Tensor& param) {
  const std::string kind = c.at("optimizer").get<std::string>();
  const auto betas = c.at("betas").get<std::vector<double>>();
  if (betas.size() != 2) throw std::runtime_error("golden case: betas must have two entries");
  const double lr = c.at("lr").get<double>();
  const double eps = c.at("eps").get<double>();
  const double weight_decay = c.at("weight_decay").get<double>();
  const bool amsgrad = c.at("amsgrad").get<bool>();
  if (kind == "adam")
    return std::make_unique<Adam>(std::vector<Tensor>{param},
                                  AdamOptions{.lr = lr,
                                              .betas = {betas[0], betas[1]},
                                              .eps = eps,
                                              .weight_decay = weight_decay,
                                              .amsgrad = amsgrad});
  if (kind == "adamw")
    return std::make_unique<AdamW>(std::vector<Tensor>{param},
                                   AdamWOptions{.lr = lr,
                                                .betas = {betas[0], betas[1]},
                                                .eps = eps,
                                                .weight_decay = weight_decay,
                                                .amsgrad = amsgrad});
  throw std::runtime_error("golden case: unknown optimizer '" + kind + "'");
}

TEST(AdamGolden, EveryCaseMatchesTorchAfterEveryStep) {
  const nlohmann::json golden = load_golden("adam.json");
  const auto& cases = golden.at("cases");
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(name);
    Tensor param = tensor_from_json(c.at("initial")).requires_grad_();
    const auto optimizer = make_optimizer(c, param);
    const auto& grads = c.at("grads");
    const nlohmann::json* expect = testing::expected(c, {"params_after_each_step"});
    if (!expect) continue;
    const auto& expected = expect->at("params_after_each_step");
    ASSERT_EQ(grads.size(), expected.size());
    ASSERT_FALSE(grads.empty());
    for (size_t k = 0; k < grads.size(); ++k) {
      param.set_grad(tensor_from_json(grads[k]));
      optimizer->step();
      // The reference runs in float64; fulcrum rounds each operation to
      // float32, as PyTorch does (adam_torch_bits_test.cpp), and stays within
      // the single-operation tolerance over all 12 steps.
      expect_close(param, expected[k], kOpRtol, kOpAtol,
                   name + ", parameter after step " + std::to_string(k + 1));
    }
    EXPECT_EQ(optimizer->step_count(), static_cast<int64_t>(grads.size()));
  }
}

}  // namespace
}  // namespace fulcrum::optim
