#!/usr/bin/env python3
"""The yeast recipe of configs/yeast.yaml in PyTorch: the reference numbers.

One hidden layer of 256, ReLU, dropout 0.2, AdamW lr 1e-3 weight decay 1e-4,
batch 64, 100 epochs, inputs standardised with the training split's statistics,
decisions at 0.5, the model after the last epoch. Prints the test micro/macro F1
per seed, without and with pos_weight = neg/pos.

    /usr/bin/python3 bench/yeast_torch_recipe.py [YEAST_DIR] [SEEDS]

Needs the Debian packages python3-torch and python3-sklearn; fulcrum does not.
"""
import sys

import numpy as np
import torch


def load(path):
    data = np.loadtxt(path, delimiter=",", dtype=np.float32)
    return data[:, :103], data[:, 103:]


def train(seed, x_train, y_train, pos_weight):
    """The training loop (bench/torch_yeast_time.py times it)."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(103, 256), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(256, 14))
    criterion = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    x, y = torch.from_numpy(x_train), torch.from_numpy(y_train)
    for _ in range(100):
        model.train()
        for batch in torch.randperm(len(x)).split(64):
            optimizer.zero_grad()
            criterion(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model


def standardise(x_train, x_test):
    mean, std = x_train.mean(0), x_train.std(0)
    std[std == 0] = 1
    return (x_train - mean) / std, (x_test - mean) / std


def run(seed, x_train, y_train, x_test, y_test, pos_weight):
    from sklearn.metrics import f1_score

    model = train(seed, x_train, y_train, pos_weight)
    model.eval()
    with torch.no_grad():
        pred = (torch.sigmoid(model(torch.from_numpy(x_test))) >= 0.5).numpy()
    return (f1_score(y_test, pred, average="micro", zero_division=0),
            f1_score(y_test, pred, average="macro", zero_division=0))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/yeast"
    seeds = range(int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    torch.set_num_threads(1)
    x_train, y_train = load(f"{root}/yeast-train.csv")
    x_test, y_test = load(f"{root}/yeast-test.csv")
    x_train, x_test = standardise(x_train, x_test)
    positives = y_train.sum(0)
    neg_over_pos = torch.from_numpy((len(y_train) - positives) / positives)
    for name, pw in [("plain", None), ("pos_weight", neg_over_pos)]:
        scores = np.array([run(s, x_train, y_train, x_test, y_test, pw) for s in seeds])
        for s, (micro, macro) in zip(seeds, scores):
            print(f"{name:10s} seed {s}: micro-F1 {micro:.4f} macro-F1 {macro:.4f}")
        print(f"{name:10s} mean:   micro-F1 {scores[:, 0].mean():.4f} "
              f"macro-F1 {scores[:, 1].mean():.4f}")


if __name__ == "__main__":
    main()
