// python/fulcrum_torch.py against `fulcrum predict`: a model trained by the
// CLI (a pos_weight multilabel head with tuned thresholds and a class-weighted
// multiclass head, GELU and dropout in the backbone, standardised features),
// loaded in PyTorch, gives the same probabilities (to 1e-5) and the same
// decisions on the same rows. Needs a Python with numpy and torch
// (FULCRUM_PYTHON); without one the tests skip, except under CI, where they
// fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "predict_fixture.hpp"
#include "support/python.hpp"

namespace fulcrum::predict_test {
namespace {

class PythonPredict : public PredictFixture {
 protected:
  /// Runs `script` in the test's directory with python/ importable; its
  /// output goes to python.txt. True on exit code 0.
  bool run_python(const std::string& script) const {
    write("script.py", script);
    const std::string command = "cd '" + dir_.string() +
                                "' && PYTHONPATH='" FULCRUM_PYTHON_DIR "' '" FULCRUM_PYTHON
                                "' script.py > python.txt 2>&1";
    return std::system(command.c_str()) == 0;
  }
};

// The script reads rows.csv, the checkpoint, and predict's CSVs p.csv and
// raw.csv, and compares every column.
constexpr const char* kCompareScript = R"(
import csv, math
import numpy as np
import torch
from fulcrum_torch import load_checkpoint

checkpoint = load_checkpoint("small/best.safetensors")
x = np.loadtxt("rows.csv", delimiter=",", dtype=np.float32)
assert [h.name for h in checkpoint.heads] == ["labels", "rating"], checkpoint.heads
assert isinstance(checkpoint.model, torch.nn.Module)
names = [n for n, _ in checkpoint.model.named_parameters()]
assert names[0] == "backbone.0.weight" and "heads.rating.bias" in names, names
assert any(isinstance(m, torch.nn.Dropout) for m in checkpoint.model.backbone), checkpoint.model
assert any(isinstance(m, torch.nn.GELU) for m in checkpoint.model.backbone), checkpoint.model

def compare(file, raw):
    with open(file) as f:
        rows = list(csv.DictReader(f))
    ours = checkpoint.predict(x, raw=raw, logits=True)
    assert list(ours) == list(rows[0]), (list(ours), list(rows[0]))
    assert len(rows) == x.shape[0]
    checked = {"probability": 0, "logit": 0, "decision": 0}
    for name, values in ours.items():
        for i, (mine, theirs) in enumerate(zip(values, (r[name] for r in rows))):
            if name.endswith(".pred"):
                assert str(mine) == theirs, (file, name, i, mine, theirs)
                checked["decision"] += 1
            elif name.endswith(".logit"):
                assert abs(mine - float(theirs)) <= 1e-4 * max(1.0, abs(mine)), (name, i, mine, theirs)
                checked["logit"] += 1
            else:
                assert abs(mine - float(theirs)) <= 1e-5, (file, name, i, mine, theirs)
                checked["probability"] += 1
    # 2 labels + 3 classes; 2 label decisions + 1 class decision per row.
    assert checked == {"probability": 5 * len(rows), "logit": 5 * len(rows),
                       "decision": 3 * len(rows)}, checked
    return checked

compare("p.csv", raw=False)
compare("raw.csv", raw=True)

# Recalibration changes the written probabilities, not the multilabel decisions.
d, r = checkpoint.decisions(x), checkpoint.decisions(x, raw=True)
assert torch.equal(d["labels"], r["labels"])
p = checkpoint.probabilities(x)["labels"]
assert not torch.allclose(p, checkpoint.probabilities(x, raw=True)["labels"])

# The YAML reader fulcrum_torch uses without a YAML package reads what PyYAML
# reads, where PyYAML is installed (which, YAML 1.1, takes 1e-08 for a string).
from fulcrum_safetensors import load_file, save_file
from fulcrum_torch import parse_fulcrum_yaml
def numbers(tree):
    if isinstance(tree, dict):
        return {k: numbers(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [numbers(v) for v in tree]
    if isinstance(tree, str):
        try:
            return float(tree)
        except ValueError:
            return tree
    return tree
try:
    import yaml
    metadata = load_file("small/best.safetensors")[1]
    for key in ("model", "config"):
        assert numbers(parse_fulcrum_yaml(metadata[key])) == numbers(yaml.safe_load(metadata[key])), key
except ImportError:
    pass

# A safetensors file without fulcrum's metadata is refused, saying why.
save_file({"w": np.zeros((2, 2), dtype=np.float32)}, "plain.safetensors")
try:
    load_checkpoint("plain.safetensors")
    raise AssertionError("loaded a file without metadata")
except ValueError as e:
    assert "no 'features' in the metadata" in str(e), e
print("compared", len(x), "rows")
)";

TEST_F(PythonPredict, TheTorchLoaderPredictsWhatFulcrumPredicts) {
  FULCRUM_REQUIRE_PYTHON("numpy, torch");
  const std::string model = train_small_model();
  write("rows.csv", SmallData(300, /*seed=*/42).csv());
  const CommandResult run =
      fulcrum("predict --checkpoint " + model + " --input rows.csv --output p.csv --logits");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CommandResult raw = fulcrum("predict --checkpoint " + model +
                                    " --input rows.csv --output raw.csv --logits --raw");
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_TRUE(run_python(kCompareScript)) << read("python.txt");
  EXPECT_CONTAINS(read("python.txt"), "compared 300 rows");
}

// A model trained with data.missing: mean fills NaN features with the values
// its checkpoint stores, as `fulcrum predict` fills the '?' of ARFF rows.
constexpr const char* kImputeScript = R"(
import csv, json, math
import numpy as np
from fulcrum_safetensors import load_file
from fulcrum_torch import load_checkpoint

checkpoint = load_checkpoint("gaps/best.safetensors")
fill = json.loads(load_file("gaps/best.safetensors")[1]["imputer.fill"])
assert np.array_equal(checkpoint.model.imputer_fill.numpy(), np.asarray(fill, dtype=np.float32)), fill
nan = float("nan")
# The rows of gaps.arff: features a, color=red, color=green, color=blue, b.
x = np.array([[nan, nan, nan, nan, nan], [0.5, 1, 0, 0, nan], [nan, 0, 1, 0, 0.25]],
             dtype=np.float32)
ours = checkpoint.predict(x)
with open("p.csv") as f:
    rows = list(csv.DictReader(f))
assert len(rows) == 3
compared = 0
for name, values in ours.items():
    if name.endswith(".pred"):
        continue
    for mine, theirs in zip(values, (r[name] for r in rows)):
        assert math.isfinite(mine) and abs(mine - float(theirs)) <= 1e-5, (name, mine, theirs)
        compared += 1
print("compared", compared, "probabilities")
)";

TEST_F(PythonPredict, TheTorchLoaderFillsMissingValuesAsFulcrumDoes) {
  FULCRUM_REQUIRE_PYTHON("numpy, torch");
  const std::string header =
      "@relation gaps\n@attribute a numeric\n@attribute color {red,green,blue}\n"
      "@attribute b numeric\n";
  std::string rows;
  for (int r = 0; r < 150; ++r) {
    const double a = std::sin(r * 0.7);
    const double b = std::cos(r * 1.3);
    rows += fmt::format("{},{},{:.3f},{},{}\n", r % 9 == 4 ? "?" : fmt::format("{:.3f}", a),
                        r % 3 == 0   ? "red"
                        : r % 3 == 1 ? "green"
                                     : "blue",
                        b, a + b > 0.4 ? 1 : 0, r % 3 == 2 ? 1 : 0);
  }
  write("train.arff", header + "@attribute l0 {0,1}\n@attribute l1 {0,1}\n@data\n" + rows);
  write("gaps.yaml",
        "seed: 2\nthreads: 1\n"
        "data:\n  source: arff\n  train: train.arff\n  label_count: 2\n  missing: mean\n"
        "model:\n  backbone:\n    sizes: [8]\n  heads:\n    labels:\n      kind: multilabel\n"
        "training:\n  epochs: 2\n  batch_size: 32\n");
  const CommandResult train = fulcrum("train gaps.yaml -q --output-dir gaps");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  write("gaps.arff", header + "@data\n?,?,?\n0.5,red,?\n?,green,0.25\n");
  const CommandResult run =
      fulcrum("predict --checkpoint gaps/best.safetensors --input gaps.arff --output p.csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run_python(kImputeScript)) << read("python.txt");
  EXPECT_CONTAINS(read("python.txt"), "compared 6 probabilities");
}

}  // namespace
}  // namespace fulcrum::predict_test
