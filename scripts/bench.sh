#!/usr/bin/env bash
# fulcrum against PyTorch, side by side in one run (bench/README.md shows a run).
#
#   scripts/bench.sh [--contention] [--gemm] [--seconds S] [--json FILE]
#
# Builds the benchmarks into build/ (scripts/setup.sh bench: Release, with the
# benchmarks; installs the GEMM libraries and PyTorch when missing), then
# times on this machine, one after the other:
#   - one training step (forward, loss, backward, Adam) of each workload of
#     bench/step_bench.cpp, in fulcrum (default threads, and 1 thread) and in
#     PyTorch (bench/torch_step_bench.py: default threads, and 1 thread);
#   - the best sgemm of the machine: every GEMM library's bench (bench/gemm_bench.cpp)
#     on the large workload's products, so the large step can be read against it;
#   - a whole configs/yeast.yaml training (100 epochs) against the same recipe's
#     training loop in PyTorch (bench/yeast_torch_recipe.py, seed 0);
#   - a delicious epoch (12920 rows, batch 64: 202 steps of the delicious workload).
# Prints a table and writes every number to FILE (default build/bench.json).
#
# --contention runs the fulcrum steps again with a CPU-bound process on every
# core but one, default threads against 1 thread. --gemm also times every GEMM
# library on every workload's products, on 1 thread and on all cores.
#
# Needs Debian's python3-torch (and python3-sklearn for the yeast recipe) and
# ../shared/datasets/yeast (or FULCRUM_YEAST_DIR) for the yeast line.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python=${FULCRUM_PYTHON:-/usr/bin/python3}
seconds=2
json=build/bench.json
contention=0
gemm_all=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --contention) contention=1 ;;
    --gemm) gemm_all=1 ;;
    --seconds) seconds="$2"; shift ;;
    --json) json="$2"; shift ;;
    *) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift
done

echo "==> set-up: packages and build (scripts/setup.sh bench)" >&2
scripts/setup.sh bench >/dev/null

out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

echo "==> training steps (${seconds}s per workload and setting)" >&2
for threads in 0 1; do
  build/bench/fulcrum_step_bench all "$threads" "$seconds" >>"$out/steps.jsonl"
  "$python" bench/torch_step_bench.py all "$threads" "$seconds" >>"$out/steps.jsonl"
done

echo "==> sgemm, every library, on the large workload's products" >&2
for lib in build/bench/gemm_bench_*; do
  "$lib" "$(nproc)" | grep '"large"' >>"$out/gemm.jsonl" || true
done

if [[ $gemm_all -eq 1 ]]; then
  echo "==> sgemm, every library, every workload's products, 1 and $(nproc) threads" >&2
  for lib in build/bench/gemm_bench_*; do
    for threads in 1 "$(nproc)"; do "$lib" "$threads" >>"$out/gemm_all.jsonl" || true; done
  done
fi

yeast_dir=${FULCRUM_YEAST_DIR:-../shared/datasets/yeast}
if [[ -f "$yeast_dir/yeast-train.csv" ]]; then
  yeast_dir=$(cd "$yeast_dir" && pwd)
  echo "==> yeast, 100 epochs" >&2
  start=$(date +%s.%N)
  FULCRUM_YEAST_DIR="$yeast_dir" build/apps/fulcrum train configs/yeast.yaml \
    --output-dir "$out/yeast" -q >/dev/null
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "{\"impl\": \"fulcrum\", \"yeast_seconds\": %.3f}\n", e - s }' \
    >>"$out/yeast.jsonl"
  "$python" bench/torch_yeast_time.py "$yeast_dir" >>"$out/yeast.jsonl"
else
  echo "==> no yeast data at $yeast_dir: the yeast line is left out" >&2
fi

if [[ $contention -eq 1 ]]; then
  busy=$(( $(nproc) - 1 ))
  echo "==> contention: $busy CPU-bound process(es) beside the fulcrum steps" >&2
  for _ in $(seq "$busy"); do
    sh -c 'while :; do :; done' &
  done
  for threads in 0 1; do
    build/bench/fulcrum_step_bench all "$threads" "$seconds" | sed 's/"impl": "fulcrum"/"impl": "fulcrum-contention"/' >>"$out/steps.jsonl"
  done
  kill $(jobs -p)
fi

mkdir -p "$(dirname "$json")"
"$python" bench/bench_report.py "$out" "$json" "$(nproc)"
