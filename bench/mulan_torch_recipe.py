#!/usr/bin/env python3
"""The MULAN recipes of configs/mulan/NAME.yaml in PyTorch, next to fulcrum's numbers.

For each data set, the script asks `fulcrum config show` for the run config as fulcrum
resolves it (every default filled in), builds the same model, optimiser and data pipeline
in PyTorch from it, and trains both for the same seeds:

- data: the ARFF train and test files with the label attributes the MULAN XML file names
  (every other attribute is a feature, in file order); no validation split (the whole
  training file is trained on, as the configs do); features standardised with the training
  file's mean and population standard deviation (a constant column keeps scale 1), as
  fulcrum's StandardScaler;
- model: Linear layers of the backbone sizes with the configured activation and dropout,
  then one Linear head; PyTorch's default initialisation (fulcrum's is the same
  distribution, from its own generator);
- training: BCEWithLogitsLoss (mean), the configured optimiser (AdamW: lr, betas, eps,
  weight decay), shuffled mini-batches with the last partial one kept, the model after the
  last epoch;
- metrics: decisions at probability >= the head's threshold (0.5); micro-F1 pools the
  counts of every label, macro-F1 is the plain mean over all labels, a label with no true
  and no predicted positive counting as 0 (scikit-learn's zero_division=0, fulcrum's
  metrics).

Seeds give different initialisations and batch orders in the two programs (different
generators), so the comparison is between the means over seeds. It prints, per data set,
both programs' test micro-F1 and macro-F1 (mean ± std over seeds), their differences and
whether both are within the tolerance, and writes that table into docs/mulan.md between
its markers.

    /usr/bin/python3 bench/mulan_torch_recipe.py [--fulcrum build/apps/fulcrum]
        [--datasets emotions,medical] [--seeds 3] [--tolerance 0.02] [--no-docs]
        [--cache-dir DIR]

With --cache-dir, each (data set, seed) result is kept in DIR/NAME.json as soon as it is
computed and reused by later invocations with the same recipe, so that an interrupted
comparison continues where it stopped, and data sets can run in separate processes before a
last invocation with --from-cache writes the whole table from the seeds each one has.

Needs python3-torch, python3-numpy and python3-yaml (Debian), and a built fulcrum. Reads
the data from FULCRUM_MULAN_DIR or ../shared/datasets/mulan, as the configs do. Exits 1
when a data set is outside the tolerance.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree

import numpy as np
import torch
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASETS = ["bibtex", "delicious", "enron", "medical", "emotions", "tmc2007-500"]
BEGIN_MARKER = "<!-- mulan-torch-comparison:begin -->"
END_MARKER = "<!-- mulan-torch-comparison:end -->"


# -- data -----------------------------------------------------------------------------------

def arff_attribute_name(line):
    """The name of an `@attribute NAME TYPE` line (NAME may be quoted)."""
    rest = line.split(None, 1)[1].strip()
    if rest[0] in "'\"":
        end = rest.index(rest[0], 1)
        return rest[1:end]
    return rest.split(None, 1)[0]


def read_arff(path):
    """(attribute names, rows as a float32 matrix) of an ARFF file with numeric or {0,1}
    attributes and dense or sparse `{index value, ...}` rows."""
    names, rows, in_data = [], [], False
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            if not in_data:
                lower = line.lower()
                if lower.startswith("@attribute"):
                    names.append(arff_attribute_name(line))
                elif lower.startswith("@data"):
                    in_data = True
                continue
            row = np.zeros(len(names), dtype=np.float32)
            if line.startswith("{"):
                body = line[1:line.rindex("}")].strip()
                for item in filter(None, (p.strip() for p in body.split(","))):
                    index, value = item.split()
                    row[int(index)] = float(value)
            else:
                values = line.split(",")
                if len(values) != len(names):
                    sys.exit(f"{path}:{number}: {len(values)} values for {len(names)} attributes")
                row[:] = [float(v) for v in values]
            rows.append(row)
    return names, np.stack(rows)


def read_mulan(train_path, test_path, xml_path):
    """x_train, y_train, x_test, y_test: labels are the attributes the XML names, in file
    order; features are the others."""
    label_names = {element.get("name") for element in ElementTree.parse(xml_path).iter()
                   if element.tag.endswith("label")}
    names, train = read_arff(train_path)
    test_names, test = read_arff(test_path)
    if names != test_names:
        sys.exit(f"{train_path} and {test_path} declare different attributes")
    is_label = np.array([name in label_names for name in names])
    if is_label.sum() != len(label_names):
        sys.exit(f"{xml_path} names labels that {train_path} does not declare")
    return train[:, ~is_label], train[:, is_label], test[:, ~is_label], test[:, is_label]


def standardise(x_train, x_test):
    """fulcrum's StandardScaler: training mean and population std (in float64), scale 1
    for a constant column."""
    mean = x_train.astype(np.float64).mean(0)
    std = x_train.astype(np.float64).std(0)
    std[std == 0] = 1
    return ((x_train - mean) / std).astype(np.float32), ((x_test - mean) / std).astype(np.float32)


# -- the recipe -----------------------------------------------------------------------------

def resolved_config(fulcrum, config_path):
    """The run config as fulcrum resolves it."""
    text = subprocess.run([fulcrum, "config", "show", config_path], check=True,
                          capture_output=True, text=True, cwd=ROOT).stdout
    return yaml.safe_load(text)


def check_supported(config, config_path):
    """Refuses a config whose recipe this script does not reproduce."""
    data, model, training = config["data"], config["model"], config["training"]
    heads = model["heads"]
    problems = []
    if data["source"] != "arff" or not data.get("test") or not data.get("labels_xml"):
        problems.append("data: an ARFF train and test file with a MULAN XML file")
    if data["validation_fraction"] != 0 or data["sampling"] != "none":
        problems.append("data.validation_fraction 0 and data.sampling none")
    if data["missing"] != "error":
        problems.append("data.missing error")
    if len(heads) != 1 or next(iter(heads.values()))["kind"] != "multilabel":
        problems.append("one multilabel head")
    else:
        loss = next(iter(heads.values()))["loss"]
        if (loss["kind"], loss["weight"], loss["pos_weight"], loss["reduction"]) != (
                "bce", "none", "none", "mean"):
            problems.append("plain BCE with mean reduction")
    if training["optimizer"]["name"] not in ("adam", "adamw") or training["optimizer"]["amsgrad"]:
        problems.append("training.optimizer adam or adamw without amsgrad")
    if training["schedule"]["name"] != "constant" or training["schedule"]["warmup_epochs"] != 0:
        problems.append("a constant schedule")
    if training["grad_clip"] != 0 or training["drop_last"] or training["final_model"] != "last":
        problems.append("no grad_clip, no drop_last, final_model last")
    if config["evaluation"]["threshold_tuning"] != "none":
        problems.append("no threshold tuning")
    if problems:
        sys.exit(f"{config_path}: this script reproduces only: " + "; ".join(problems))


ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
               "gelu": torch.nn.GELU}


def build_model(config, features, outputs):
    backbone = config["model"]["backbone"]
    layers, width = [], features
    for size in backbone["sizes"]:
        layers += [torch.nn.Linear(width, size), ACTIVATIONS[backbone["activation"]]()]
        if backbone["dropout"] > 0:
            layers.append(torch.nn.Dropout(backbone["dropout"]))
        width = size
    layers.append(torch.nn.Linear(width, outputs))
    return torch.nn.Sequential(*layers)


def train_torch(config, seed, x_train, y_train):
    torch.manual_seed(seed)
    model = build_model(config, x_train.shape[1], y_train.shape[1])
    opt = config["training"]["optimizer"]
    optimizer_class = torch.optim.AdamW if opt["name"] == "adamw" else torch.optim.Adam
    optimizer = optimizer_class(model.parameters(), lr=opt["lr"], betas=tuple(opt["betas"]),
                                eps=float(opt["eps"]), weight_decay=opt["weight_decay"])
    criterion = torch.nn.BCEWithLogitsLoss()
    x, y = torch.from_numpy(x_train), torch.from_numpy(y_train)
    for _ in range(config["training"]["epochs"]):
        model.train()
        for batch in torch.randperm(len(x)).split(config["training"]["batch_size"]):
            optimizer.zero_grad()
            criterion(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model


def f1_scores(y_true, decisions):
    """(micro-F1, macro-F1) with zero_division=0."""
    tp = (y_true * decisions).sum(0)
    fp = ((1 - y_true) * decisions).sum(0)
    fn = (y_true * (1 - decisions)).sum(0)
    micro_denominator = 2 * tp.sum() + fp.sum() + fn.sum()
    micro = 2 * tp.sum() / micro_denominator if micro_denominator > 0 else 0.0
    denominators = 2 * tp + fp + fn
    per_label = np.where(denominators > 0, 2 * tp / np.maximum(denominators, 1), 0.0)
    return float(micro), float(per_label.mean())


def torch_scores(config, seed, data):
    x_train, y_train, x_test, y_test = data
    model = train_torch(config, seed, x_train, y_train)
    model.eval()
    threshold = next(iter(config["model"]["heads"].values()))["threshold"]
    with torch.no_grad():
        probabilities = torch.sigmoid(model(torch.from_numpy(x_test))).numpy()
    return f1_scores(y_test.astype(np.float64), (probabilities >= threshold).astype(np.float64))


def fulcrum_scores(fulcrum, config_path, seed, threads, output_dir):
    subprocess.run([fulcrum, "train", config_path, "--set", f"seed={seed}", f"threads={threads}",
                    "--output-dir", output_dir, "--overwrite", "--quiet"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    with open(os.path.join(output_dir, "test_metrics.json"), encoding="utf-8") as f:
        head = next(iter(json.load(f)["heads"].values()))
    return head["f1_micro"], head["f1_macro"]


# -- the comparison -------------------------------------------------------------------------

def mean_std(values):
    values = np.asarray(values)
    return values.mean(), values.std(ddof=1) if len(values) > 1 else float("nan")


def spread(std):
    """The sample std as the table shows it: n/a for a single seed."""
    return "n/a" if np.isnan(std) else f"{std:.4f}"


def load_cache(path, config):
    """The cached per-seed results of `path` when they were computed with `config`."""
    if path is None or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        cache = json.load(f)
    return cache["seeds"] if cache.get("config") == config else {}


def save_cache(path, config, seeds):
    if path is None:
        return
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"config": config, "seeds": seeds}, f, indent=1)
    os.replace(path + ".tmp", path)


def compare(args, name, work_dir):
    config_path = os.path.join("configs", "mulan", f"{name}.yaml")
    config = resolved_config(args.fulcrum, config_path)
    check_supported(config, config_path)
    # The output directory and thread count do not change the numbers.
    recipe = {key: value for key, value in config.items() if key not in ("output_dir", "threads")}
    cache_path = os.path.join(args.cache_dir, f"{name}.json") if args.cache_dir else None
    seeds = load_cache(cache_path, recipe)
    prepared = None
    for seed in range(args.seeds):
        if str(seed) in seeds or args.from_cache:
            continue
        if prepared is None:
            data = config["data"]
            x_train, y_train, x_test, y_test = read_mulan(data["train"], data["test"],
                                                          data["labels_xml"])
            if data["standardize"]:
                x_train, x_test = standardise(x_train, x_test)
            prepared = (x_train, y_train, x_test, y_test)
        start = time.monotonic()
        torch_result = torch_scores(config, seed, prepared)
        torch_seconds = time.monotonic() - start
        start = time.monotonic()
        fulcrum_result = fulcrum_scores(args.fulcrum, config_path, seed, args.threads,
                                        os.path.join(work_dir, name, f"seed{seed}"))
        fulcrum_seconds = time.monotonic() - start
        seeds[str(seed)] = {"torch": torch_result, "fulcrum": fulcrum_result,
                            "torch_seconds": torch_seconds, "fulcrum_seconds": fulcrum_seconds}
        save_cache(cache_path, recipe, seeds)
        print(f"  {name} seed {seed}: torch micro {torch_result[0]:.4f} macro "
              f"{torch_result[1]:.4f} | fulcrum micro {fulcrum_result[0]:.4f} "
              f"macro {fulcrum_result[1]:.4f}", flush=True)
    used = [seeds[str(seed)] for seed in range(args.seeds) if str(seed) in seeds]
    if not used:
        sys.exit(f"{name}: no cached result in {args.cache_dir} for this recipe")
    return {"name": name, "seeds": len(used), "torch": [s["torch"] for s in used],
            "fulcrum": [s["fulcrum"] for s in used],
            "torch_seconds": sum(s["torch_seconds"] for s in used),
            "fulcrum_seconds": sum(s["fulcrum_seconds"] for s in used)}


def table(results, tolerance):
    lines = [f"| data set | seeds | PyTorch micro-F1 | fulcrum micro-F1 | Δ micro "
             f"| PyTorch macro-F1 | fulcrum macro-F1 | Δ macro | within {tolerance} | PyTorch s "
             "| fulcrum s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for r in results:
        torch_micro, torch_micro_std = mean_std([s[0] for s in r["torch"]])
        torch_macro, torch_macro_std = mean_std([s[1] for s in r["torch"]])
        ours_micro, ours_micro_std = mean_std([s[0] for s in r["fulcrum"]])
        ours_macro, ours_macro_std = mean_std([s[1] for s in r["fulcrum"]])
        d_micro, d_macro = ours_micro - torch_micro, ours_macro - torch_macro
        r["within"] = abs(d_micro) <= tolerance and abs(d_macro) <= tolerance
        lines.append(
            f"| {r['name']} | {r['seeds']} | {torch_micro:.4f} ± {spread(torch_micro_std)} | {ours_micro:.4f} ± "
            f"{spread(ours_micro_std)} | {d_micro:+.4f} | {torch_macro:.4f} ± {spread(torch_macro_std)} | "
            f"{ours_macro:.4f} ± {spread(ours_macro_std)} | {d_macro:+.4f} | "
            f"{'yes' if r['within'] else 'NO'} | {r['torch_seconds']:.0f} | "
            f"{r['fulcrum_seconds']:.0f} |")
    lines.append("")
    lines.append("Test micro-F1 and macro-F1 of plain BCE, mean ± std over seeds 0, 1, ... "
                 "(n/a: a single seed; Δ: fulcrum - PyTorch); seconds: all seeds' training, one "
                 "thread each, on a shared machine. Written by `bench/mulan_torch_recipe.py`.")
    return "\n".join(lines)


def write_docs(path, text):
    with open(path, encoding="utf-8") as f:
        content = f.read()
    pattern = re.compile(re.escape(BEGIN_MARKER) + ".*?" + re.escape(END_MARKER), re.S)
    if not pattern.search(content):
        sys.exit(f"{path}: no {BEGIN_MARKER} ... {END_MARKER} block to replace")
    content = pattern.sub(lambda _: f"{BEGIN_MARKER}\n{text}\n{END_MARKER}", content)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fulcrum", default=os.path.join(ROOT, "build", "apps", "fulcrum"))
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="per program")
    parser.add_argument("--tolerance", type=float, default=0.02)
    parser.add_argument("--docs", default=os.path.join(ROOT, "docs", "mulan.md"))
    parser.add_argument("--no-docs", action="store_true", help="do not update --docs")
    parser.add_argument("--cache-dir", help="keep and reuse per-seed results here")
    parser.add_argument("--from-cache", action="store_true",
                        help="train nothing: the table of the seeds (< --seeds) --cache-dir holds")
    args = parser.parse_args()
    args.fulcrum = os.path.abspath(args.fulcrum)
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    if args.from_cache and not args.cache_dir:
        parser.error("--from-cache needs --cache-dir")
    names = [n for n in args.datasets.split(",") if n]
    unknown = [n for n in names if not os.path.exists(os.path.join(ROOT, "configs", "mulan",
                                                                   f"{n}.yaml"))]
    if unknown:
        parser.error(f"no configs/mulan/NAME.yaml for: {', '.join(unknown)}")
    torch.set_num_threads(args.threads)
    if args.cache_dir:
        os.makedirs(args.cache_dir, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="mulan_torch_recipe.") as work_dir:
        for name in names:
            results.append(compare(args, name, work_dir))
    text = table(results, args.tolerance)
    print(text)
    if not args.no_docs:
        write_docs(args.docs, text)
        print(f"table written to {args.docs}")
    return 0 if all(r["within"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
