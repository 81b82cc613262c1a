#!/usr/bin/env bash
# One training epoch with dense and with sparse (CSR) features, on the sparse
# MULAN sets, with the shipped configs (configs/mulan/NAME.yaml: 256 hidden,
# batch 64, AdamW, standardised). Dense and sparse runs alternate, so a
# machine shared with other work slows both alike.
#
#   bench/sparse_epochs.sh [BUILD_DIR] [EPOCHS] [REPEATS]
#
# Prints, per data set, the median seconds of a training epoch (the loop over
# the batches: forward, backward, optimizer step; not reading or evaluating)
# over EPOCHS x REPEATS epochs each way, and the ratio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
epochs="${2:-3}"
repeats="${3:-2}"
fulcrum="$build/apps/fulcrum"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Every epoch's "seconds" of a run's metrics.jsonl, one per line.
epoch_seconds() {
  python3 -c 'import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["seconds"])' "$1/metrics.jsonl"
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '| data set | dense s/epoch | sparse s/epoch | speed-up |\n|---|---:|---:|---:|\n'
for name in bibtex delicious tmc2007-500; do
  : > "$out/dense.txt"
  : > "$out/sparse.txt"
  for ((r = 0; r < repeats; ++r)); do
    for mode in dense sparse; do
      flag=false
      [[ $mode == sparse ]] && flag=true
      "$fulcrum" train "$root/configs/mulan/$name.yaml" --overwrite \
        --set training.epochs="$epochs" training.progress=false data.sparse="$flag" \
        output_dir="$out/$mode-run" > "$out/log.txt" 2>&1 ||
        { cat "$out/log.txt"; exit 1; }
      epoch_seconds "$out/$mode-run" >> "$out/$mode.txt"
    done
  done
  dense=$(median < "$out/dense.txt")
  sparse=$(median < "$out/sparse.txt")
  printf '| %s | %.3f | %.3f | %.1fx |\n' "$name" "$dense" "$sparse" \
    "$(awk -v d="$dense" -v s="$sparse" 'BEGIN {print d / s}')"
done
