// The files in Python: python/fulcrum_safetensors.py (numpy only, what a user
// without the `safetensors` package loads them with) reads ours and writes
// files we read, and the model file loads into a PyTorch model of the same
// structure and computes what ours does. They need a Python with numpy and
// torch (Debian's python3-numpy and python3-torch, which `scripts/setup.sh
// test` installs; FULCRUM_PYTHON names the interpreter). Without them the tests
// skip, except in CI (CI set), where a skip would hide that nothing was checked.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "checkpoint_test_util.hpp"
#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "support/python.hpp"

namespace fulcrum::checkpoint {
namespace {

class PythonInterop : public test::ScratchDir {
 protected:
  /// Runs `script` in the scratch directory, with python/ importable; true
  /// on exit code 0.
  bool run_python(const std::string& script) {
    const fs::path file = path("script.py");
    std::ofstream(file) << script;
    const std::string command = "cd '" + dir_.string() + "' && PYTHONPATH='" FULCRUM_PYTHON_DIR
                                "' '" FULCRUM_PYTHON "' script.py";
    return std::system(command.c_str()) == 0;
  }
};

TEST_F(PythonInterop, NumpyReaderReadsAndWritesOurFiles) {
  FULCRUM_REQUIRE_PYTHON("numpy");
  save_safetensors(path("ours.safetensors"),
                   {{"b", Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6})}, {"a", Tensor::scalar(-0.5f)}},
                   {{"labels", R"(["x","y"])"}});
  ASSERT_TRUE(run_python(R"(
import numpy as np
from fulcrum_safetensors import load_file, save_file
t, metadata = load_file("ours.safetensors")
assert t["b"].dtype == np.float32 and t["b"].shape == (2, 3), t["b"]
assert (t["b"] == np.arange(1, 7, dtype=np.float32).reshape(2, 3)).all()
assert t["a"].shape == () and t["a"] == -0.5
assert metadata == {"labels": '["x","y"]'}, metadata
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
  FULCRUM_REQUIRE_PYTHON("numpy, torch");
  Generator gen(4);
  nn::MLP model({.sizes = {4, 8, 3}, .activation = nn::Activation::ReLU}, gen);
  save_checkpoint(path("model.safetensors"), model, nullptr, {});
  const Tensor x = Tensor::from({2, 4}, {0.1f, -0.2f, 0.3f, 0.4f, 1.0f, 0.5f, -1.5f, 2.0f});
  save_safetensors(path("input.safetensors"), {{"x", x}, {"y", model(x).detach()}});
  ASSERT_TRUE(run_python(R"(
import torch
from fulcrum_safetensors import load_file
def load(path):
    return {k: torch.from_numpy(v) for k, v in load_file(path)[0].items()}
class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([torch.nn.Linear(4, 8), torch.nn.Linear(8, 3)])
    def forward(self, x):
        return self.layers[1](torch.relu(self.layers[0](x)))
model = MLP()
model.load_state_dict(load("model.safetensors"), strict=True)
io = load("input.safetensors")
torch.testing.assert_close(model(io["x"]), io["y"], rtol=1e-5, atol=1e-6)
)"));
}

}  // namespace
}  // namespace fulcrum::checkpoint
