#!/usr/bin/env bash
# Data-parallel speed-ups with MPI on this machine (docs/distributed.md):
#
#   bench/mpi_scaling.sh [BUILD_DIR] [REPEATS]
#
# 1. training epochs of tmc2007-500 (../shared/datasets/mulan or
#    FULCRUM_MULAN_DIR) with batch 512, 1 process x 1 thread against
#    2 processes x 1 thread: the median seconds of a training epoch (the loop
#    over the batches, from metrics.jsonl; not reading or evaluating);
# 2. the wall time of `fulcrum experiment configs/experiments/yeast.yaml`
#    with its shipped seeds (9 strategies x 3 seeds = 27 runs) and one run at a
#    time per process, on 1 and on 2 processes; and, for comparison, the
#    shipped config as it is (parallel 2) in one process without mpirun,
#    which already keeps both cores busy.
# 3. for the scaling model: c (seconds of compute per row) and u (seconds of
#    optimizer step and overhead per step) of one process, from its epochs at
#    batch 64 and 512: T(B) = rows * c + steps(B) * u.
# Runs alternate between 1 and 2 processes, so that other work on the machine
# slows both alike. Needs mpirun (openmpi-bin); as root it passes
# --allow-run-as-root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
repeats="${2:-3}"
fulcrum="$build/apps/fulcrum"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mpirun=(mpirun)
[[ $(id -u) -ne 0 ]] || mpirun+=(--allow-run-as-root)
# One machine: Open MPI's ob1 layer over shared memory is what it picks in
# the end anyway; naming it skips probing for Omni-Path and InfiniPath
# libraries, which took 0.2 s of every MPI_Init here (docs/distributed.md).
export OMPI_MCA_pml="${OMPI_MCA_pml:-ob1}"

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

epoch_seconds() {
  python3 -c 'import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["seconds"])' "$1/metrics.jsonl"
}

cd "$root"
echo "== tmc2007-500, batch 512, 3 epochs per run, $repeats runs each"
for r in $(seq "$repeats"); do
  for n in 1 2; do
    "${mpirun[@]}" -np "$n" "$fulcrum" train configs/mulan/tmc2007-500.yaml --quiet \
      --set training.epochs=3 training.batch_size=512 threads=1 \
      --output-dir "$out/tmc_${n}_$r" >/dev/null
    epoch_seconds "$out/tmc_${n}_$r" >>"$out/tmc_$n.txt"
  done
done
one=$(median <"$out/tmc_1.txt")
two=$(median <"$out/tmc_2.txt")
echo "seconds per epoch: 1 process $one, 2 processes $two, speed-up $(awk -v a="$one" -v b="$two" 'BEGIN {printf "%.2f", a / b}')"

for r in $(seq "$repeats"); do
  "$fulcrum" train configs/mulan/tmc2007-500.yaml --quiet \
    --set training.epochs=3 training.batch_size=64 threads=1 --output-dir "$out/tmc64_$r" >/dev/null
  epoch_seconds "$out/tmc64_$r" >>"$out/tmc64.txt"
done
small=$(median <"$out/tmc64.txt")
rows=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["data"]["train"])' \
  "$out/tmc_1_1/summary.json")
awk -v t64="$small" -v t512="$one" -v n="$rows" 'BEGIN {
  s64 = int((n + 63) / 64); s512 = int((n + 511) / 512); u = (t64 - t512) / (s64 - s512)
  c = (t512 - s512 * u) / n
  printf "one process: %d rows, %.3f s/epoch at batch 64, so c = %.2f us/row, u = %.3f ms/step\n",
    n, t64, c * 1e6, u * 1e3 }'

echo "== yeast experiment (9 strategies x 3 seeds, parallel 1 per process), $repeats runs each"
wall() { # OUTPUT_FILE COMMAND...: appends the command's wall seconds
  local file="$1" start
  shift
  start=$(date +%s.%N)
  "$@" >/dev/null
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {print e - s}' >>"$file"
}
for r in $(seq "$repeats"); do
  for n in 1 2; do
    wall "$out/yeast_$n.txt" "${mpirun[@]}" -np "$n" "$fulcrum" experiment \
      configs/experiments/yeast.yaml --quiet --set parallel=1 --output-dir "$out/yeast_${n}_$r"
  done
  wall "$out/yeast_p2.txt" "$fulcrum" experiment configs/experiments/yeast.yaml --quiet \
    --output-dir "$out/yeast_p2_$r"
done
one=$(median <"$out/yeast_1.txt")
two=$(median <"$out/yeast_2.txt")
echo "wall seconds: 1 process $one, 2 processes $two, speed-up $(awk -v a="$one" -v b="$two" 'BEGIN {printf "%.2f", a / b}')"
echo "the shipped config (parallel 2) in one process, no mpirun: $(median <"$out/yeast_p2.txt") s"
cmp -s "$out/yeast_1_1/results.csv" "$out/yeast_2_1/results.csv" &&
  cmp -s "$out/yeast_1_1/results.csv" "$out/yeast_p2_1/results.csv" &&
  echo "results.csv: identical" || echo "results.csv: DIFFERENT"
