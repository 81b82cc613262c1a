// Optional: the files read and write in the Python safetensors library and
// load into a PyTorch model of the same structure. Skipped unless python3 can
// import the modules (the build machine usually has neither); the byte-level
// tests in safetensors_format_test.cpp pin the same compatibility without them.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "checkpoint_test_util.hpp"
#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/mlp.hpp"

namespace fulcrum::checkpoint {
namespace {

bool python_has(const std::string& modules) {
  const std::string command = "python3 -c 'import " + modules + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

class PythonInterop : public test::ScratchDir {
 protected:
  /// Runs `script` with python3 in the scratch directory; true on exit code 0.
  bool run_python(const std::string& script) {
    const fs::path file = path("script.py");
    std::ofstream(file) << script;
    const std::string command = "cd '" + dir_.string() + "' && python3 script.py";
    return std::system(command.c_str()) == 0;
  }
};

TEST_F(PythonInterop, SafetensorsLibraryReadsAndWritesOurFiles) {
  if (!python_has("numpy, safetensors.numpy")) GTEST_SKIP() << "python3 lacks safetensors/numpy";
  save_safetensors(path("ours.safetensors"),
                   {{"b", Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6})}, {"a", Tensor::scalar(-0.5f)}},
                   {{"labels", R"(["x","y"])"}});
  ASSERT_TRUE(run_python(R"(
import json, numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file
t = load_file("ours.safetensors")
assert t["b"].dtype == np.float32 and t["b"].shape == (2, 3), t["b"]
assert (t["b"] == np.arange(1, 7, dtype=np.float32).reshape(2, 3)).all()
assert t["a"].shape == () and t["a"] == -0.5
with safe_open("ours.safetensors", framework="np") as f:
    assert f.metadata() == {"labels": '["x","y"]'}, f.metadata()
save_file({"w": np.array([[0.25, -1.0]], dtype=np.float32),
           "h": np.array([1.5, 2.0], dtype=np.float16)},
          "theirs.safetensors", metadata={"epoch": "4"})
)"));
  const SafetensorsFile theirs = load_safetensors(path("theirs.safetensors"));
  EXPECT_EQ(theirs.metadata, (Metadata{{"epoch", "4"}}));
  ASSERT_EQ(theirs.tensors.size(), 2u);
  for (const auto& [name, tensor] : theirs.tensors) {
    if (name == "w") {
      EXPECT_EQ(tensor.shape(), (Shape{1, 2}));
      EXPECT_EQ(tensor.to_vector(), (std::vector<float>{0.25f, -1.0f}));
    } else {
      EXPECT_EQ(name, "h");
      EXPECT_EQ(tensor.to_vector(), (std::vector<float>{1.5f, 2.0f}));
    }
  }
}

TEST_F(PythonInterop, PyTorchModelLoadsOurCheckpoint) {
  if (!python_has("torch, safetensors.torch")) GTEST_SKIP() << "python3 lacks torch/safetensors";
  Generator gen(4);
  nn::MLP model({.sizes = {4, 8, 3}, .activation = nn::Activation::ReLU}, gen);
  save_checkpoint(path("model.safetensors"), model, nullptr, {});
  const Tensor x = Tensor::from({2, 4}, {0.1f, -0.2f, 0.3f, 0.4f, 1.0f, 0.5f, -1.5f, 2.0f});
  save_safetensors(path("input.safetensors"), {{"x", x}, {"y", model(x).detach()}});
  ASSERT_TRUE(run_python(R"(
import torch
from safetensors.torch import load_file
class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([torch.nn.Linear(4, 8), torch.nn.Linear(8, 3)])
    def forward(self, x):
        return self.layers[1](torch.relu(self.layers[0](x)))
model = MLP()
model.load_state_dict(load_file("model.safetensors"), strict=True)
io = load_file("input.safetensors")
torch.testing.assert_close(model(io["x"]), io["y"], rtol=1e-5, atol=1e-6)
)"));
}

}  // namespace
}  // namespace fulcrum::checkpoint
