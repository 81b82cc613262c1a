#!/usr/bin/env python3
"""Writes the result tables of docs/imbalance.md from committed result files.

    scripts/update_docs_tables.py --run [--fulcrum build/apps/fulcrum]
        runs each shipped experiment below (finished runs are kept, so a second
        --run only redoes what changed), stores its per-seed numbers in
        docs/results/NAME.csv, then rewrites the tables
    scripts/update_docs_tables.py
        rewrites the tables from docs/results/*.csv only
    scripts/update_docs_tables.py --check
        exits 1 naming the table when docs/imbalance.md differs from what the
        result files give (a ctest test runs this), 2 on any other problem

Each table sits between two marker comments in the document:

    <!-- BEGIN GENERATED yeast: scripts/update_docs_tables.py, docs/results/yeast.csv -->
    ...
    <!-- END GENERATED yeast -->

docs/results/NAME.csv has one row per (evaluation, seed, head, metric): the
test metrics of the report's summary table, taken from the experiment's
results.csv, plus each run's validation macro-F1 of the model it tested and
its run time (from the run's metrics.jsonl and summary.json). The means and
standard deviations are computed as `fulcrum experiment` computes them (sum / n,
then the n - 1 sample deviation) and printed with 4 decimals, so the tables
equal the report's summary.md tables.
"""

import argparse
import csv
import difflib
import json
import math
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name -> the experiment config that produces docs/results/<name>.csv.
EXPERIMENTS = {
    "yeast": "configs/experiments/yeast.yaml",
    "seed_scenario": "configs/experiments/seed_scenario.yaml",
}

# The report's multilabel summary columns (experiment/src/summary.cpp).
COLUMNS = [
    ("f1_micro", "micro-F1"),
    ("f1_macro", "macro-F1"),
    ("roc_auc_macro", "macro AUC"),
    ("average_precision_macro", "macro AP"),
    ("hamming_loss", "hamming loss"),
    ("expected_calibration_error", "ECE"),
]
VALIDATION_METRIC = "validation_f1_macro"
SECONDS = "seconds"


class Mismatch(Exception):
    pass


def fail(message):
    print(f"update_docs_tables.py: {message}", file=sys.stderr)
    sys.exit(2)


def begin_marker(name):
    return (f"<!-- BEGIN GENERATED {name}: scripts/update_docs_tables.py, "
            f"docs/results/{name}.csv -->")


def end_marker(name):
    return f"<!-- END GENERATED {name} -->"


# -- running an experiment and storing its numbers ----------------------------------------


def tested_validation(run_dir, head):
    """The validation macro-F1 of the epoch whose model the run tested."""
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    last = summary.get("config", {}).get("training", {}).get("final_model") == "last"
    epoch = summary.get("epochs_completed" if last else "best_epoch")
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        for line in f:
            record = json.loads(line)
            if record.get("epoch") == epoch:
                return (record.get("validation") or {}).get(f"{head}.f1_macro")
    return None


def run_experiment(name, config, fulcrum, output_dir):
    command = [fulcrum, "experiment", os.path.join(ROOT, config), "--output-dir", output_dir]
    print("running:", " ".join(command), file=sys.stderr)
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        fail(f"{' '.join(command)} failed")
    wanted = {metric for metric, _ in COLUMNS}
    rows = []
    with open(os.path.join(output_dir, "results.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["label"] == "" and row["metric"] in wanted and row["value"] != "":
                rows.append([row["strategy"], row["seed"], row["head"], row["metric"],
                             row["value"]])
    heads = sorted({row[2] for row in rows})
    runs_dir = os.path.join(output_dir, "runs")
    for strategy in sorted(os.listdir(runs_dir)):
        for seed_dir in sorted(os.listdir(os.path.join(runs_dir, strategy))):
            run_dir = os.path.join(runs_dir, strategy, seed_dir)
            seed = seed_dir.removeprefix("seed")
            with open(os.path.join(run_dir, "summary.json")) as f:
                seconds = json.load(f).get("seconds")
            for head in heads:
                value = tested_validation(run_dir, head)
                if value is not None:
                    rows.append([strategy, seed, head, VALIDATION_METRIC, repr(value)])
            if seconds is not None:
                rows.append([strategy, seed, "", SECONDS, repr(seconds)])
    path = os.path.join(ROOT, "docs", "results", f"{name}.csv")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["evaluation", "seed", "head", "metric", "value"])
        writer.writerows(rows)
    print(f"wrote {os.path.relpath(path, ROOT)} ({len(rows)} rows)", file=sys.stderr)


# -- the tables ---------------------------------------------------------------------------


def mean_std(values):
    """As experiment/src/summary.cpp mean_std: (mean, sample std or None)."""
    if not values:
        return None, None
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, None
    squares = sum((v - mean) * (v - mean) for v in values)
    return mean, math.sqrt(squares / (len(values) - 1))


def format_mean_std(values):
    mean, std = mean_std(values)
    if mean is None:
        return "n/a"
    return f"{mean:.4f} ± {'n/a' if std is None else f'{std:.4f}'}"


def read_results(name):
    path = os.path.join(ROOT, "docs", "results", f"{name}.csv")
    if not os.path.exists(path):
        fail(f"{os.path.relpath(path, ROOT)} is missing; make it with --run")
    data = {}  # (evaluation, head, metric) -> [values in file order]
    order = []  # evaluations as first seen
    seeds = set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["evaluation"], row["head"], row["metric"])
            data.setdefault(key, []).append(float(row["value"]))
            seeds.add(int(row["seed"]))
            if row["metric"] != SECONDS and row["evaluation"] not in order:
                order.append(row["evaluation"])
    return data, order, sorted(seeds)


def table_text(name):
    data, evaluations, seeds = read_results(name)
    heads = sorted({head for (_, head, metric) in data if metric != SECONDS and head})
    lines = []
    for head in heads:
        # The best of the trainer's own evaluations by validation macro-F1, as
        # the report selects (an evaluation with a variant has "(" in its name).
        selected, best = None, None
        for evaluation in evaluations:
            mean, _ = mean_std(data.get((evaluation, head, VALIDATION_METRIC), []))
            if mean is not None and (best is None or mean > best):
                selected, best = evaluation, mean
        lines.append(f"**Head `{head}` (multilabel)**")
        lines.append("")
        lines.append("| strategy | runs | " + " | ".join(title for _, title in COLUMNS) + " |")
        lines.append("|---|---:|" + "---:|" * len(COLUMNS))
        for evaluation in evaluations:
            cells = [data.get((evaluation, head, metric), []) for metric, _ in COLUMNS]
            if not any(cells):
                continue
            runs = max(len(values) for values in cells)
            texts = [format_mean_std(values) for values in cells]
            label = evaluation
            if evaluation == selected:
                label = f"**{evaluation}**"
                texts[1] = f"**{texts[1]}**"
            lines.append(f"| {label} | {runs} | " + " | ".join(texts) + " |")
        lines.append("")
        if selected is not None:
            validation = format_mean_std(data[(selected, head, VALIDATION_METRIC)])
            lines.append(f"In bold: {selected}, the highest validation macro-F1 of the tested "
                         f"models ({validation}), the report's selection; the test split played "
                         f"no part in choosing it.")
            lines.append("")
    seconds = [v for (evaluation, head, metric), values in data.items() if metric == SECONDS
               for v in values]
    runs = len(seconds)
    lines.append(f"Seeds {', '.join(str(s) for s in seeds)}; {runs} runs, "
                 f"{sum(seconds):.0f} s of training and evaluation in all (each run's own "
                 f"time, on a 2-core machine shared with other work).")
    return "\n".join(lines)


def replace_section(text, name, body, doc_path):
    begin, end = begin_marker(name), end_marker(name)
    pattern = re.compile(re.escape(begin) + r"\n(.*?)" + re.escape(end), re.S)
    match = pattern.search(text)
    if match is None:
        fail(f"{doc_path}: no section between '{begin}' and '{end}'")
    return text[:match.start()] + begin + "\n" + body + "\n" + end + text[match.end():], \
        match.group(1).rstrip("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", action="store_true", help="run the experiments first")
    parser.add_argument("--fulcrum", default=os.path.join(ROOT, "build", "apps", "fulcrum"))
    parser.add_argument("--output-root", default=os.path.join(ROOT, "runs", "docs"),
                        help="where --run writes the experiments (default runs/docs)")
    parser.add_argument("--check", action="store_true",
                        help="only compare; exit 1 when a table is out of date")
    parser.add_argument("--doc", default=os.path.join(ROOT, "docs", "imbalance.md"))
    args = parser.parse_args()

    if args.run:
        for name, config in EXPERIMENTS.items():
            run_experiment(name, config, args.fulcrum, os.path.join(args.output_root, name))
    with open(args.doc, encoding="utf-8") as f:
        text = f.read()
    stale = []
    for name in EXPERIMENTS:
        body = table_text(name)
        text, old = replace_section(text, name, body, args.doc)
        if old != body:
            stale.append(name)
            if args.check:
                diff = difflib.unified_diff(old.splitlines(), body.splitlines(), "in the document",
                                            "from the results", lineterm="")
                print("\n".join(diff), file=sys.stderr)
    if args.check:
        if stale:
            print(f"{args.doc}: the table of {', '.join(stale)} differs from what "
                  f"docs/results/ gives; run scripts/update_docs_tables.py", file=sys.stderr)
            return 1
        print(f"{args.doc}: every generated table matches docs/results/")
        return 0
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", delete=False,
                                     dir=os.path.dirname(args.doc)) as f:
        f.write(text)
    os.replace(f.name, args.doc)
    print(f"{os.path.relpath(args.doc, ROOT)}: {len(stale)} table(s) updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
