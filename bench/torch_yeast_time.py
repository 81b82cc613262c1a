#!/usr/bin/env python3
"""Times the training loop of bench/yeast_torch_recipe.py (seed 0, no
pos_weight, 100 epochs, one thread as the recipe runs it), for scripts/bench.sh.

    torch_yeast_time.py [YEAST_DIR]

Prints one JSON object: {"impl": "pytorch", "yeast_seconds": ...}.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from yeast_torch_recipe import load, standardise, train  # noqa: E402


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/yeast"
    torch.set_num_threads(1)
    x_train, y_train = load(f"{root}/yeast-train.csv")
    x_test, _ = load(f"{root}/yeast-test.csv")
    x_train, _ = standardise(x_train, x_test)
    start = time.perf_counter()
    train(0, x_train, y_train, None)
    print(json.dumps({"impl": "pytorch", "yeast_seconds": round(time.perf_counter() - start, 3)}))


if __name__ == "__main__":
    main()
