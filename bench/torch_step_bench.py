#!/usr/bin/env python3
"""The training steps of bench/step_bench.cpp in PyTorch, for comparison.

    torch_step_bench.py WORKLOAD|all [THREADS [SECONDS]]

Prints one JSON object per workload, like fulcrum_step_bench: the best
milliseconds per step over five rounds. THREADS 0 keeps PyTorch's default
(one thread per core). Needs Debian's python3-torch; fulcrum never needs it.
"""
import json
import sys
import time

import torch

# name: (batch, [in, hidden..., labels], 3-class heads beside the label head)
WORKLOADS = {
    "small": (32, [64, 64, 8], 0),
    "medium": (256, [256, 512, 512, 20], 0),
    "large": (512, [1024, 2048, 2048, 100], 0),
    "multihead": (128, [128, 256, 10], 4),
    "bibtex": (64, [1836, 256, 159], 0),
    "delicious": (64, [500, 256, 983], 0),
}


class Model(torch.nn.Module):
    def __init__(self, sizes, class_heads):
        super().__init__()
        layers = []
        for a, b in zip(sizes[:-2], sizes[1:-1]):
            layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        self.backbone = torch.nn.Sequential(*layers)
        self.heads = torch.nn.ModuleList(
            [torch.nn.Linear(sizes[-2], sizes[-1])]
            + [torch.nn.Linear(sizes[-2], 3) for _ in range(class_heads)])

    def forward(self, x):
        h = self.backbone(x)
        return [head(h) for head in self.heads]


def bench(name, seconds):
    batch, sizes, class_heads = WORKLOADS[name]
    torch.manual_seed(0)
    model = Model(sizes, class_heads)
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.rand(sizes[-1]) * 19 + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(batch, sizes[0])
    y = (torch.rand(batch, sizes[-1]) < 0.1).float()
    classes = torch.arange(batch) % 3

    def step():
        optimizer.zero_grad()
        out = model(x)
        loss = bce(out[0], y)
        for logits in out[1:]:
            loss = loss + torch.nn.functional.cross_entropy(logits, classes)
        loss.backward()
        optimizer.step()

    for _ in range(5):
        step()
    best = float("inf")
    for _ in range(5):
        steps, start = 0, time.perf_counter()
        while True:
            step()
            steps += 1
            if time.perf_counter() - start >= seconds / 5:
                break
        best = min(best, (time.perf_counter() - start) / steps)
    return batch, best


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    name = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    if threads > 0:
        torch.set_num_threads(threads)
    names = list(WORKLOADS) if name == "all" else [name]
    for n in names:
        if n not in WORKLOADS:
            sys.exit(f"unknown workload '{n}'")
        batch, best = bench(n, seconds)
        print(json.dumps({"impl": "pytorch", "workload": n, "threads": threads,
                          "ms_per_step": round(best * 1e3, 4),
                          "samples_per_s": round(batch / best),
                          "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
