#!/usr/bin/env python3
"""The table of scripts/bench.sh: reads the JSON lines the benchmarks wrote
into DIR, prints Markdown tables and writes every number to JSON_FILE.

    bench_report.py DIR JSON_FILE CORES
"""
import json
import os
import platform
import sys

# The ratio (fulcrum / PyTorch time per step) each workload should stay under.
TARGETS = {"small": 0.10, "medium": 0.50, "large": 0.60, "multihead": 0.15}
DELICIOUS_STEPS_PER_EPOCH = 202  # 12920 training rows, batch 64


def read(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    out_dir, json_file, cores = sys.argv[1], sys.argv[2], int(sys.argv[3])
    steps = read(f"{out_dir}/steps.jsonl")
    gemm = read(f"{out_dir}/gemm.jsonl")
    yeast = read(f"{out_dir}/yeast.jsonl")

    def ms(impl, workload, threads):
        for r in steps:
            if r["impl"] == impl and r["workload"] == workload and r["threads"] == threads:
                return r
        return None

    workloads = [r["workload"] for r in steps if r["impl"] == "fulcrum" and r["threads"] == 0]
    best_sgemm = max(gemm, key=lambda r: r["gflops"]) if gemm else None
    rows = []
    print(f"Machine: {platform.processor() or platform.machine()}, {cores} cores; "
          f"fulcrum's GEMM: {steps[0].get('gemm', '?') if steps else '?'}\n")
    print("| workload | fulcrum, default threads (ms) | fulcrum, 1 thread (ms) "
          "| PyTorch, best of default/1 thread (ms) | ratio | target |")
    print("|---|---:|---:|---:|---:|---:|")
    for w in workloads:
        f0, f1 = ms("fulcrum", w, 0), ms("fulcrum", w, 1)
        torch = [r for r in (ms("pytorch", w, 0), ms("pytorch", w, 1)) if r]
        t = min(torch, key=lambda r: r["ms_per_step"]) if torch else None
        ratio = f0["ms_per_step"] / t["ms_per_step"] if t else None
        target = TARGETS.get(w)
        row = {"workload": w, "fulcrum_ms": f0["ms_per_step"],
               "fulcrum_1thread_ms": f1["ms_per_step"] if f1 else None,
               "pytorch_ms": t["ms_per_step"] if t else None,
               "pytorch_threads": t["threads"] if t else None,
               "ratio": ratio, "target": target,
               "product_gflops": f0.get("product_gflops"),
               "fresh_buffers_per_step": f0.get("fresh_buffers_per_step")}
        rows.append(row)
        print(f"| {w} | {f0['ms_per_step']:.3f} | {f1['ms_per_step'] if f1 else float('nan'):.3f} "
              f"| {t['ms_per_step'] if t else float('nan'):.3f} "
              f"| {ratio if ratio else float('nan'):.2f} | {target if target else '-'} |")

    report = {"cores": cores, "steps": rows, "raw_steps": steps, "sgemm": gemm}
    large = next((r for r in rows if r["workload"] == "large"), None)
    if best_sgemm and large:
        share = large["product_gflops"] / best_sgemm["gflops"]
        report["large_vs_best_sgemm"] = share
        print(f"\nLarge step: its products at {large['product_gflops']:.1f} GFLOP/s over the "
              f"whole step; the best sgemm of the machine in this run: "
              f"{best_sgemm['gflops']:.1f} GFLOP/s ({best_sgemm['library']}, "
              f"{best_sgemm['product']} {best_sgemm['m']}x{best_sgemm['k']}x{best_sgemm['n']}, "
              f"{best_sgemm['threads']} threads): {100 * share:.0f}%.")
        large_raw = ms("fulcrum", "large", 0)
        if large_raw and "optimizer_ms" in large_raw:
            # A step cannot be faster than its products at the best rate plus
            # the optimizer's pass over every weight, which no product absorbs.
            products_ms = large_raw["product_gflop"] / best_sgemm["gflops"] * 1e3
            optimizer_ms = large_raw["optimizer_ms"]
            ceiling = products_ms / (products_ms + optimizer_ms)
            report["large_ceiling"] = {"products_at_best_sgemm_ms": products_ms,
                                       "optimizer_ms": optimizer_ms, "ceiling": ceiling}
            print(f"Its ceiling: the products at that rate take {products_ms:.1f} ms and Adam's "
                  f"update alone {optimizer_ms:.1f} ms (every weight read and written, "
                  f"memory-bound), so with every other pass free the step would reach "
                  f"{100 * ceiling:.0f}% of the best sgemm.")
        # The best sgemm is the fastest single product; the step's products
        # differ in shape and rate. Timed one by one, each threaded by that
        # library itself, they show what the library reaches on this step.
        own = [r for r in gemm if r["library"] == best_sgemm["library"]
               and r["threads"] == best_sgemm["threads"] and r["workload"] == "large"]
        if own:
            own_gflop = sum(2 * r["m"] * r["n"] * r["k"] for r in own) / 1e9
            own_ms = sum(2 * r["m"] * r["n"] * r["k"] / r["gflops"] for r in own) / 1e6
            own_gflops = own_gflop / own_ms * 1e3
            report["large_products_one_by_one"] = {
                "library": best_sgemm["library"], "ms": own_ms, "gflops": own_gflops,
                "share_of_best_sgemm": own_gflops / best_sgemm["gflops"],
                "step_share": large["product_gflops"] / own_gflops}
            print(f"The same products one by one, each threaded by {best_sgemm['library']} "
                  f"itself: {own_ms:.1f} ms, {own_gflops:.1f} GFLOP/s "
                  f"({100 * own_gflops / best_sgemm['gflops']:.0f}% of the best sgemm); the "
                  f"whole step, Adam included, runs them at "
                  f"{100 * large['product_gflops'] / own_gflops:.0f}% of that rate.")

    delicious = next((r for r in rows if r["workload"] == "delicious"), None)
    if delicious and delicious["pytorch_ms"]:
        f_epoch = delicious["fulcrum_ms"] * DELICIOUS_STEPS_PER_EPOCH / 1e3
        t_epoch = delicious["pytorch_ms"] * DELICIOUS_STEPS_PER_EPOCH / 1e3
        report["delicious_epoch"] = {"fulcrum_s": f_epoch, "pytorch_s": t_epoch,
                                     "speedup": t_epoch / f_epoch}
        print(f"Delicious epoch ({DELICIOUS_STEPS_PER_EPOCH} steps): fulcrum {f_epoch:.2f} s, "
              f"PyTorch {t_epoch:.2f} s: {t_epoch / f_epoch:.1f}x faster (target: 2x).")

    f_yeast = next((r["yeast_seconds"] for r in yeast if r["impl"] == "fulcrum"), None)
    t_yeast = next((r["yeast_seconds"] for r in yeast if r["impl"] == "pytorch"), None)
    if f_yeast and t_yeast:
        report["yeast_100_epochs"] = {"fulcrum_s": f_yeast, "pytorch_s": t_yeast,
                                      "speedup": t_yeast / f_yeast}
        print(f"Yeast, 100 epochs: fulcrum `train configs/yeast.yaml` {f_yeast:.2f} s (the whole "
              f"command), PyTorch's training loop {t_yeast:.2f} s: {t_yeast / f_yeast:.1f}x "
              f"faster (target: 5x).")

    busy = [r for r in steps if r["impl"] == "fulcrum-contention"]
    if busy:
        print(f"\nUnder contention ({cores - 1} CPU-bound process(es) beside fulcrum):\n")
        print("| workload | default threads (samples/s) | 1 thread (samples/s) "
              "| default / 1 thread | target |")
        print("|---|---:|---:|---:|---:|")
        report["contention"] = []
        for w in workloads:
            b0 = next((r for r in busy if r["workload"] == w and r["threads"] == 0), None)
            b1 = next((r for r in busy if r["workload"] == w and r["threads"] == 1), None)
            if not (b0 and b1):
                continue
            ratio = b0["samples_per_s"] / b1["samples_per_s"]
            report["contention"].append({"workload": w, "default": b0["samples_per_s"],
                                         "one_thread": b1["samples_per_s"], "ratio": ratio})
            print(f"| {w} | {b0['samples_per_s']:.0f} | {b1['samples_per_s']:.0f} "
                  f"| {ratio:.2f} | 0.9 |")

    gemm_all = read(f"{out_dir}/gemm_all.jsonl")
    if gemm_all:
        report["sgemm_all"] = gemm_all
        libraries = sorted({r["library"] for r in gemm_all})
        for threads in sorted({r["threads"] for r in gemm_all}):
            print(f"\nsgemm GFLOP/s, {threads} thread(s) (best per row in bold):\n")
            print("| workload | product | m x k x n | " + " | ".join(libraries) + " |")
            print("|---|---|---|" + "---:|" * len(libraries))
            keys = []
            for r in gemm_all:
                key = (r["workload"], r["product"], r["m"], r["k"], r["n"])
                if key not in keys:
                    keys.append(key)
            wins = {lib: 0 for lib in libraries}
            for key in keys:
                cells = {r["library"]: r["gflops"] for r in gemm_all
                         if r["threads"] == threads and
                         (r["workload"], r["product"], r["m"], r["k"], r["n"]) == key}
                if not cells:
                    continue
                best = max(cells, key=cells.get)
                wins[best] += 1
                row = " | ".join((f"**{cells[lib]:.1f}**" if lib == best else f"{cells[lib]:.1f}")
                                 if lib in cells else "-" for lib in libraries)
                print(f"| {key[0]} | {key[1]} | {key[2]}x{key[3]}x{key[4]} | {row} |")
            print("\nFastest on: " + ", ".join(f"{lib} {n}" for lib, n in wins.items()) + " products")

    with open(json_file, "w") as f:
        json.dump(report, f, indent=2)
    print(f"\nEvery number: {json_file}")


if __name__ == "__main__":
    main()
