#!/usr/bin/env python3
"""The training step of bench/train_step_bench.cpp in PyTorch, for comparison.

Run with the same thread count as the C++ benchmark, e.g.
    OMP_NUM_THREADS=2 python3 bench/torch_train_step.py
(needs the Debian package python3-torch; fulcrum itself never needs Python).
"""
import os
import time

import torch


def bench(batch: int, hidden: int, seconds: float = 2.0) -> float:
    torch.manual_seed(0)
    features, labels = 103, 14
    model = torch.nn.Sequential(torch.nn.Linear(features, hidden), torch.nn.ReLU(),
                                torch.nn.Dropout(0.2), torch.nn.Linear(hidden, labels))
    criterion = torch.nn.BCEWithLogitsLoss(pos_weight=torch.rand(labels) * 19 + 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    x = torch.randn(batch, features)
    y = (torch.rand(batch, labels) < 0.3).float()

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(5):
        step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        steps += 1
    return steps / (time.perf_counter() - start)


if __name__ == "__main__":
    threads = int(os.environ.get("OMP_NUM_THREADS", torch.get_num_threads()))
    torch.set_num_threads(threads)
    print(f"torch {torch.__version__}, {threads} threads")
    for batch, hidden in [(64, 256), (256, 256), (1024, 1024)]:
        rate = bench(batch, hidden)
        print(f"batch {batch:5d} hidden {hidden:5d}: {rate:10.1f} steps/s "
              f"{rate * batch:12.0f} samples/s")
