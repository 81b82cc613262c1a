// Adam and AdamW against torch.optim run live in float32, as PyTorch trains:
// given the same gradients, every parameter after every step has PyTorch's
// bits (tests/data/golden/adam.json checks the definition against a float64
// reference; this checks the rounding).

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fulcrum/optim/adam.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"

namespace fulcrum::optim {
namespace {

constexpr int64_t kSize = 1003;  // not a multiple of any vector width
constexpr int kSteps = 8;

// For each case, the parameter before the first step, the gradient of each
// step (over several magnitudes) and the parameter after it, as raw float32.
constexpr const char* kTorchScript = R"(
import sys, torch
cases = {
    "adam": (torch.optim.Adam, dict(lr=1e-3)),
    "adam_l2": (torch.optim.Adam, dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "adamw": (torch.optim.AdamW, dict(lr=1e-2, weight_decay=0.05)),
    "amsgrad": (torch.optim.Adam, dict(lr=5e-3, amsgrad=True)),
}
torch.manual_seed(0)
for name, (cls, options) in cases.items():
    param = torch.nn.Parameter(torch.randn(1003))
    optimizer = cls([param], foreach=False, **options)
    with open(name + ".bin", "wb") as out:
        out.write(param.detach().numpy().tobytes())
        for step in range(8):
            param.grad = torch.randn(1003) * 10.0 ** (step % 4 - 2)
            out.write(param.grad.numpy().tobytes())
            optimizer.step()
            out.write(param.detach().numpy().tobytes())
)";

std::unique_ptr<Optimizer> make(const std::string& name, const Tensor& param) {
  if (name == "adam") return std::make_unique<Adam>(std::vector{param}, AdamOptions{.lr = 1e-3});
  if (name == "adam_l2")
    return std::make_unique<Adam>(
        std::vector{param},
        AdamOptions{.lr = 1e-2, .betas = {0.8, 0.99}, .eps = 1e-6, .weight_decay = 0.1});
  if (name == "adamw")
    return std::make_unique<AdamW>(std::vector{param},
                                   AdamWOptions{.lr = 1e-2, .weight_decay = 0.05});
  return std::make_unique<Adam>(std::vector{param}, AdamOptions{.lr = 5e-3, .amsgrad = true});
}

Tensor read_vector(std::ifstream& in) {
  std::vector<float> values(kSize);
  in.read(reinterpret_cast<char*>(values.data()), kSize * static_cast<int64_t>(sizeof(float)));
  if (!in) throw std::runtime_error("torch's dump ended early");
  return Tensor::from({kSize}, values);
}

TEST(AdamTorchBits, EveryStepGivesTorchsFloat32BitsOnTheSameGradients) {
  FULCRUM_REQUIRE_PYTHON("numpy, torch");
  testing::TempDir dir("fulcrum_adam_torch");
  std::ofstream(dir / "dump.py") << kTorchScript;
  const std::string command = "cd '" + dir.string() + "' && '" FULCRUM_PYTHON "' dump.py";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  for (const std::string name : {"adam", "adam_l2", "adamw", "amsgrad"}) {
    SCOPED_TRACE(name);
    std::ifstream in(dir / (name + ".bin"), std::ios::binary);
    Tensor param = read_vector(in).requires_grad_();
    const auto optimizer = make(name, param);
    for (int step = 1; step <= kSteps; ++step) {
      param.set_grad(read_vector(in));
      optimizer->step();
      const Tensor expected = read_vector(in);
      int64_t differing = 0, first = -1;
      for (int64_t j = 0; j < kSize; ++j) {
        const float got = param.values()[j], want = expected.values()[j];
        if (std::memcmp(&got, &want, sizeof got) == 0) continue;
        if (first < 0) first = j;
        ++differing;
      }
      EXPECT_EQ(differing, 0) << "step " << step << ": " << differing
                              << " parameters differ from torch's, the first at " << first;
    }
  }
}

}  // namespace
}  // namespace fulcrum::optim
